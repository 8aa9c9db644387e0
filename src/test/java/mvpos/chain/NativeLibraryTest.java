package mvpos.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mvpos.testing.Eventually;
import mvpos.testing.JavaProcess;
import mvpos.testing.Processes;
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
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    /** A lobby process whose temporary directory and native cache are folders of this test. */
    private final class Lobby {
        final JavaProcess process;
        final Path classLog;

        Lobby(String name) throws IOException {
            classLog = dir.resolve(name + "-classes.log");
            List<String> jvm = List.of("-Xmx96m",
                    "-Xlog:class+load:file=" + classLog, // tells when the JVM has started and runs mvpos
                    "-Djava.io.tmpdir=" + tmp(), "-D" + RocksNativeLibrary.DIRECTORY_PROPERTY + "=" + cache());
            process = processes.add(JavaProcess.start(name, List.of(), jvm,
                    List.of("lobby", "--port", "0", "--data", dir.resolve(name).toString()),
                    dir.resolve(name + ".log")));
        }

        /** Waits until the JVM, done initializing itself, has loaded mvpos's main class. */
        void awaitMain() throws Exception {
            Eventually.value(() -> {
                process.assertAlive();
                boolean loaded = Files.exists(classLog)
                        && Files.readAllLines(classLog).stream().anyMatch(l -> l.contains(" mvpos.cli.Main "));
                return loaded ? Optional.of(true) : Optional.empty();
            }, START, Duration.ofMillis(5), () -> "the lobby loading mvpos.cli.Main; " + process.tail(20));
        }

        void awaitListening() throws Exception {
            process.awaitLine(Pattern.compile("listening on "), START);
        }

        /** kill -9: no shutdown hook, no delete-on-exit. */
        void kill() {
            process.killHard();
        }

        /** SIGTERM, leaving the output readable (Process.destroy would close it). */
        void sigterm() {
            process.process().toHandle().destroy();
        }

        List<String> ended() throws InterruptedException {
            process.awaitExit(Duration.ofSeconds(60));
            return process.output();
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
    void endProcesses() {
        processes.close();
    }

    @Test
    void processesKilledOrNotShareOneCachedCopyAndLeaveNothingInTheTemporaryDirectory() throws Exception {
        Lobby first = new Lobby("first");
        first.awaitListening();
        first.kill();
        first.ended();
        Lobby second = new Lobby("second");
        Lobby third = new Lobby("third"); // two starts at once
        second.awaitListening();
        third.awaitListening();
        second.kill();
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
        assertThat(lastOutput).as("exit %d", last.process.process().exitValue()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"))
                .anyMatch(l -> l.contains("stopping: closing connections and the chain store"));
        assertThat(names(tmp())).noneMatch(n -> n.contains("rocksdb"));
    }
}
