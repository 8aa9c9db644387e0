package mvpos.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code mvpos} command as a separate JVM started from the test class path: the one way tests
 * start processes. Its output (standard output and error) is kept in memory and copied to a log
 * file; {@link #awaitLine} waits for a line (readiness, a port chosen with port 0); {@link #close}
 * ends it for sure (SIGTERM, then SIGKILL, with its children), and a shutdown hook ends any process
 * a test forgot, so none outlives the test JVM.
 */
public final class JavaProcess implements AutoCloseable {
    private static final List<JavaProcess> RUNNING = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(JavaProcess::killHard),
                "java-process-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::copyOutput, "java-process-output-" + name);
        reader.setDaemon(true);
        reader.start();
        RUNNING.add(this);
    }

    /**
     * Starts {@code java <jvmOptions> -cp <test class path> mvpos.cli.Main <args>}, its output logged
     * to {@code log} (or only kept in memory when null); {@code wrapper} goes before {@code java} (for example {@code ip netns exec ns}).
     */
    public static JavaProcess start(String name, List<String> wrapper, List<String> jvmOptions, List<String> args,
            Path log) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")).toList());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "mvpos.cli.Main"));
        command.addAll(args);
        if (log != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new JavaProcess(name, process, log);
    }

    /**
     * A wrapper for {@link #start} that lets the process open at most {@code files} files (sockets
     * included): {@code bash -c 'ulimit -n FILES && exec "$@"'}, so the JVM replaces the shell and is the
     * process this object ends. Needs {@code /bin/bash}.
     */
    public static List<String> openFileLimit(int files) {
        return List.of("/bin/bash", "-c", "ulimit -n " + files + " && exec \"$@\"", "bash");
    }

    /** {@link #start(String, List, List, List, Path)} with no wrapper and a 256 MiB heap. */
    public static JavaProcess mvpos(String name, Path log, String... args) throws IOException {
        return start(name, List.of(), List.of("-Xmx256m"), List.of(args), log);
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer file = log == null ? Writer.nullWriter()
                        : Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                file.write(line);
                file.write('\n');
                file.flush();
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /**
     * Waits for an output line matching {@code pattern} and returns its match; fails at once if the
     * process exits first, or after {@code wait}, with the process's last lines.
     */
    public Matcher awaitLine(Pattern pattern, Duration wait) throws Exception {
        return Eventually.value(() -> {
            Optional<Matcher> found = output.stream().map(pattern::matcher).filter(Matcher::find).findFirst();
            if (found.isEmpty() && !process.isAlive()) {
                reader.join(5000);
                found = output.stream().map(pattern::matcher).filter(Matcher::find).findFirst();
                if (found.isEmpty()) {
                    throw new AssertionError(name + " exited with code " + process.exitValue() + " before printing /"
                            + pattern + "/; " + tail(30));
                }
            }
            return found;
        }, wait, Duration.ofMillis(20), () -> name + " printing /" + pattern + "/; " + tail(30));
    }

    /** Fails (with its last lines) if the process has exited: for waits on something it should be doing. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with code " + process.exitValue() + "; " + tail(30));
        }
    }

    /**
     * Waits for the process to exit and for its last output to be read; returns its exit code. Fails
     * after {@code wait}.
     */
    public int awaitExit(Duration wait) throws InterruptedException {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + wait + "; " + tail(30));
        }
        reader.join(wait.toMillis());
        RUNNING.remove(this);
        return process.exitValue();
    }

    /** Everything the process printed so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    /** The last {@code lines} lines it printed, as text for a failure message. */
    public String tail(int lines) {
        List<String> all = output();
        return "last lines of " + name + (log == null ? "" : " (" + log + ")") + ":\n  "
                + String.join("\n  ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public Process process() {
        return process;
    }

    /** kill -9 (with its children) and waits for it to be gone. */
    public void killHard() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    /** SIGTERM, then SIGKILL if it has not ended within 10 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (process.waitFor(10, TimeUnit.SECONDS)) {
                    reader.join(5000);
                    RUNNING.remove(this);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        killHard();
    }
}
