package mvpos.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** What the benchmarks measure beside their own figures, and how they print numbers. */
final class Measure {
    private Measure() {
    }

    /** CPU time of this whole process (every thread, the garbage collector's too). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The machine may be shared: how busy it is, as the 1-minute load average. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The line a benchmark prints first: how busy the machine was when it started. */
    static String loadLine(double load) {
        return format("1-minute load average at the start: %.2f on %d cores", load,
                Runtime.getRuntime().availableProcessors());
    }

    /** Seconds since {@code startNanos} ({@link System#nanoTime()}). */
    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** To three decimals, for JSON figures. */
    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** {@link String#format} with the same decimal point and grouping everywhere. */
    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
