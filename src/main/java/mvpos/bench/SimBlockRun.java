package mvpos.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs SimBlock (the Java blockchain simulator of github.com/dsg-titech/simblock) from a checkout of it, as
 * a child process, for comparison with mvpos's own simulator. Nothing of SimBlock is part of mvpos: each run
 * copies the checkout's sources to a temporary directory, sets {@code NUM_OF_NODES} and
 * {@code END_BLOCK_HEIGHT} in the copy's {@code SimulationConfiguration.java} (SimBlock's settings are Java
 * constants), compiles the copy with the {@code javac} of the JDK running mvpos, runs it with that JDK's
 * {@code java} and measures it from outside: wall time from start to exit, CPU time and peak resident memory
 * read from {@code /proc/PID} while it runs (Linux; elsewhere they are unknown).
 */
public final class SimBlockRun {
    static final String SETTINGS = "simulator/src/main/java/simblock/settings/SimulationConfiguration.java";
    static final String MAIN = "simulator/src/main/java/simblock/simulator/Main.java";
    static final String CONF = "simulator/src/dist/conf";
    private static final Pattern MISSING_PACKAGE = Pattern.compile("package ([\\w.]+) does not exist");
    /** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat: 100 on every usual kernel. */
    private static final double CLOCK_TICKS_PER_SECOND = 100;

    /** Why SimBlock cannot be built or run from what was given: one line for the user. */
    public static final class Unusable extends Exception {
        public Unusable(String message) {
            super(message);
        }
    }

    /**
     * One SimBlock run: its nodes and blocks, wall time in seconds (process start to exit, the JVM's start
     * included), CPU seconds and peak RSS in KB (-1 where /proc does not say), the simulation time SimBlock
     * prints itself in milliseconds (-1 if it printed none), the blocks on its first node's chain (from its
     * blockList.txt, -1 if absent), the bytes of the files it wrote (output.json and the rest) and the seconds
     * javac took (not part of the wall time).
     */
    public record Result(int nodes, int blocks, double wallSeconds, double cpuSeconds, long peakRssKb,
                         long reportedMillis, int chainBlocks, long outputBytes, double compileSeconds) {
    }

    private final Path checkout;
    private final Path javac;
    private final Path java;

    private SimBlockRun(Path checkout, Path javac, Path java) {
        this.checkout = checkout;
        this.javac = javac;
        this.java = java;
    }

    /** Checks that {@code checkout} is a SimBlock checkout and finds the JDK that will build and run it. */
    public static SimBlockRun prepare(Path checkout) throws Unusable {
        checkCheckout(checkout);
        Path javac = findJavac(ProcessHandle.current().info().command(), System.getenv("JAVA_HOME"));
        Path java = javac.resolveSibling(isWindows() ? "java.exe" : "java");
        if (!Files.isExecutable(java)) {
            throw new Unusable("no java next to " + javac);
        }
        return new SimBlockRun(checkout, javac, java);
    }

    /** Fails unless {@code dir} holds SimBlock's simulator sources and its configuration folder. */
    static void checkCheckout(Path dir) throws Unusable {
        if (!Files.isDirectory(dir)) {
            throw new Unusable("--simblock " + dir + ": no such directory");
        }
        for (String required : List.of(SETTINGS, MAIN, CONF)) {
            if (!Files.exists(dir.resolve(required))) {
                throw new Unusable("--simblock " + dir + ": not a SimBlock checkout (no " + required + ")");
            }
        }
    }

    /**
     * The javac beside the running java ({@code runningJava}, the command of this process), else in
     * {@code javaHome}/bin; fails with a one-line reason when neither has one (a JRE without a compiler).
     */
    static Path findJavac(Optional<String> runningJava, String javaHome) throws Unusable {
        String name = isWindows() ? "javac.exe" : "javac";
        List<Path> tried = new ArrayList<>();
        runningJava.map(Path::of).map(p -> p.resolveSibling(name)).ifPresent(tried::add);
        if (javaHome != null && !javaHome.isBlank()) {
            tried.add(Path.of(javaHome, "bin", name));
        }
        for (Path candidate : tried) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new Unusable("javac not found (tried " + (tried.isEmpty() ? "nothing: no java command, no JAVA_HOME"
                : tried.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElseThrow())
                + "): building SimBlock needs a JDK, not a JRE");
    }

    /**
     * Builds SimBlock for {@code nodes} nodes and {@code blocks} blocks in a temporary copy and runs it once:
     * {@link Unusable} when the copy cannot be patched or compiled, {@link IOException} when SimBlock fails.
     */
    public Result run(int nodes, int blocks, List<String> javaOptions)
            throws Unusable, IOException, InterruptedException {
        Path work = Files.createTempDirectory("mvpos-simblock-");
        try {
            Path src = work.resolve("src");
            copyTree(checkout.resolve("simulator/src/main/java"), src);
            copyTree(checkout.resolve(CONF), work.resolve("dist/conf"));
            Files.createDirectories(work.resolve("dist/output/graph")); // SimBlock writes ../output beside conf
            Path settings = src.resolve("simblock/settings/SimulationConfiguration.java");
            String patched;
            try {
                patched = SimBlockSettings.patch(Files.readString(settings, StandardCharsets.UTF_8), Map.of(
                        "NUM_OF_NODES", Integer.toString(nodes), "END_BLOCK_HEIGHT", Integer.toString(blocks)));
            } catch (IllegalArgumentException e) {
                throw new Unusable("--simblock " + checkout + ": " + e.getMessage());
            }
            Files.writeString(settings, patched, StandardCharsets.UTF_8);
            double compileSeconds = compile(src, work);
            return execute(work, nodes, blocks, javaOptions, compileSeconds);
        } finally {
            deleteTree(work);
        }
    }

    private double compile(Path src, Path work) throws Unusable, IOException, InterruptedException {
        List<String> sources;
        try (Stream<Path> files = Files.walk(src)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
        Path list = work.resolve("sources.txt");
        Files.write(list, sources, StandardCharsets.UTF_8);
        Path log = work.resolve("javac.txt");
        long start = System.nanoTime();
        Process javacProcess = new ProcessBuilder(javac.toString(), "-nowarn", "-encoding", "UTF-8",
                "-d", work.resolve("classes").toString(), "@" + list)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int code = javacProcess.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Matcher missing = MISSING_PACKAGE.matcher(output);
            if (missing.find()) {
                throw new Unusable("building SimBlock needs a library that is not there: package " + missing.group(1)
                        + " (mvpos compiles it with javac and the JDK alone)");
            }
            throw new Unusable("javac failed on SimBlock's sources: " + firstLine(output, "error:"));
        }
        return seconds;
    }

    private Result execute(Path work, int nodes, int blocks, List<String> javaOptions, double compileSeconds)
            throws Unusable, IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-Dfile.encoding=UTF-8", "-cp",
                work.resolve("classes") + File.pathSeparator + work.resolve("dist/conf"), "simblock.simulator.Main"));
        Path stdout = work.resolve("stdout.txt");
        Path stderr = work.resolve("stderr.txt");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        ProcWatch watch = new ProcWatch(process.pid());
        while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
            watch.sample();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IOException("SimBlock exited with " + process.exitValue() + ": "
                    + firstLine(Files.readString(stderr, StandardCharsets.UTF_8), ""));
        }
        Path blockList = work.resolve("dist/output/blockList.txt");
        int chain = -1;
        if (Files.exists(blockList)) {
            try (Stream<String> lines = Files.lines(blockList, StandardCharsets.UTF_8)) {
                chain = (int) lines.filter(l -> l.startsWith("OnChain")).count();
            }
        }
        long written;
        try (Stream<Path> files = Files.walk(work.resolve("dist/output"))) {
            written = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        return new Result(nodes, blocks, wall, watch.cpuSeconds(), watch.peakRssKb(),
                lastNumber(stdout), chain, written, compileSeconds);
    }

    /** The number on the last non-empty line SimBlock printed (its own timer, in ms), or -1. */
    private static long lastNumber(Path stdout) throws IOException {
        String last = null;
        try (Stream<String> lines = Files.lines(stdout, StandardCharsets.ISO_8859_1)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.isBlank()) {
                    last = line.strip();
                }
            }
        }
        try {
            return last == null ? -1 : Long.parseLong(last);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The last CPU time and the peak RSS read from /proc/PID while a child runs. */
    private static final class ProcWatch {
        private final Path status;
        private final Path stat;
        private long peakKb = -1;
        private long ticks = -1;

        ProcWatch(long pid) {
            status = Path.of("/proc", Long.toString(pid), "status");
            stat = Path.of("/proc", Long.toString(pid), "stat");
        }

        void sample() {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peakKb = Math.max(peakKb, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
                String s = Files.readString(stat);
                // the fields after the command's closing parenthesis: state is field 3, utime 14, stime 15
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                ticks = Math.max(ticks, Long.parseLong(f[11]) + Long.parseLong(f[12]));
            } catch (IOException | RuntimeException e) {
                // gone between two reads, or not Linux: keep what was read
            }
        }

        double cpuSeconds() {
            return ticks < 0 ? -1 : ticks / CLOCK_TICKS_PER_SECOND;
        }

        long peakRssKb() {
            return peakKb;
        }
    }

    private static String firstLine(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing) && !l.isBlank()).findFirst()
                .or(() -> text.lines().filter(l -> !l.isBlank()).findFirst()).orElse("(no output)").strip();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
