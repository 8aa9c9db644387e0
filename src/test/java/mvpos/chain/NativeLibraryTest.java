package mvpos.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB's native library, as real processes load it: before, every start extracted a 14 MB copy
 * to the temporary directory and a killed process left it there (28 copies after an afternoon), and
 * a SIGTERM during start-up could print an ExceptionInInitializerError from RocksDB's loader. Now one
 * cached copy is written once, whatever the number of processes and however they end.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NativeLibraryTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    /** A lobby process whose temporary directory and native cache are folders of this test. */
    private final class Lobby {
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final Thread reader;

        final Path classLog;

        Lobby(String name) throws IOException {
            classLog = dir.resolve(name + "-classes.log");
            List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx96m",
                    "-Xlog:class+load:file=" + classLog, // tells when the JVM has started and runs mvpos
                    "-Djava.io.tmpdir=" + tmp(), "-D" + RocksNativeLibrary.DIRECTORY_PROPERTY + "=" + cache(),
                    "-cp", System.getProperty("java.class.path"), "mvpos.cli.Main", "lobby", "--port", "0",
                    "--data", dir.resolve(name).toString());
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            processes.add(process);
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        output.add(line);
                    }
                } catch (IOException e) {
                    // ended
                }
            }, "lobby-output-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until the JVM, done initializing itself, has loaded mvpos's main class. */
        void awaitMain() throws InterruptedException, IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(classLog)
                    || Files.readAllLines(classLog).stream().noneMatch(l -> l.contains(" mvpos.cli.Main "))) {
                assertThat(process.isAlive()).as("the lobby is running: %s", output).isTrue();
                assertThat(System.nanoTime()).as("the lobby starts").isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        void awaitListening() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (output.stream().noneMatch(l -> l.contains("listening on "))) {
                assertThat(process.isAlive()).as("the lobby is running: %s", output).isTrue();
                assertThat(System.nanoTime()).as("the lobby listens: %s", output).isLessThan(deadline);
                Thread.sleep(10);
            }
        }

        /** SIGTERM, leaving the output readable (Process.destroy would close it). */
        void sigterm() {
            process.toHandle().destroy();
        }

        List<String> ended() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            return output;
        }
    }

    private Path tmp() throws IOException {
        return Files.createDirectories(dir.resolve("tmp"));
    }

    private Path cache() {
        return dir.resolve("native-cache");
    }

    private static List<String> names(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void processesKilledOrNotShareOneCachedCopyAndLeaveNothingInTheTemporaryDirectory() throws Exception {
        Lobby first = new Lobby("first");
        first.awaitListening();
        first.process.destroyForcibly(); // kill -9: no shutdown hook, no delete-on-exit
        first.ended();
        Lobby second = new Lobby("second");
        Lobby third = new Lobby("third"); // two starts at once
        second.awaitListening();
        third.awaitListening();
        second.process.destroyForcibly();
        third.sigterm();
        second.ended();
        third.ended();

        assertThat(names(tmp())).as("temporary directory").noneMatch(n -> n.contains("rocksdb"));
        List<String> cached = names(cache());
        assertThat(cached).hasSize(1);
        assertThat(cached.get(0)).startsWith("librocksdbjni").doesNotEndWith(".part");
    }

    @Test
    void aSigtermWhileStartingEndsWithoutAStackTrace() throws Exception {
        // SIGTERM at several moments of mvpos's start-up (the JVM's own initialization is not ours), from
        // before the library is loaded to after listening: whichever moment each one hits, none may end
        // with a stack trace.
        for (long delay : new long[] {0, 100, 200, 400, 800}) {
            Lobby lobby = new Lobby("term-" + delay);
            lobby.awaitMain();
            Thread.sleep(delay);
            lobby.sigterm();
            List<String> output = lobby.ended();
            assertThat(output).as("output of a lobby stopped %d ms after its start", delay)
                    .noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception") || l.contains("Error"));
        }
        Lobby last = new Lobby("term-listening");
        last.awaitListening();
        last.sigterm();
        List<String> lastOutput = last.ended();
        assertThat(lastOutput).as("exit %d", last.process.exitValue()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"))
                .anyMatch(l -> l.contains("stopping: closing connections and the chain store"));
        assertThat(names(tmp())).noneMatch(n -> n.contains("rocksdb"));
    }
}
