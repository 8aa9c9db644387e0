package mvpos.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The process's peak resident memory (Linux's VmHWM), else the JVM's peak heap use. */
final class PeakMemory {
    private PeakMemory() {
    }

    static String describe() {
        long kb = rssKb();
        if (kb >= 0) {
            return String.format(Locale.ROOT, "%.0f MB RSS", kb / 1024.0);
        }
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return String.format(Locale.ROOT, "%.0f MB heap", peak / 1048576.0);
    }

    /** The process's peak resident memory so far in KB (Linux's VmHWM), or -1 where /proc does not say. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
