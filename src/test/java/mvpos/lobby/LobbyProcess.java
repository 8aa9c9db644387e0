package mvpos.lobby;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import mvpos.testing.JavaProcess;

/** {@code mvpos lobby} as a separate OS process on a port it chose itself (port 0) and printed. */
final class LobbyProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");

    private final JavaProcess process;
    private Integer port;

    LobbyProcess(Path data, String... extraArgs) throws java.io.IOException {
        List<String> args = new ArrayList<>(List.of("lobby", "--port", "0", "--data", data.toString()));
        args.addAll(List.of(extraArgs));
        process = JavaProcess.start("lobby", List.of(), List.of("-Xmx128m"), args, null);
    }

    /** The port it listens on, once it says so (fails with its output if it exits first). */
    int port() throws Exception {
        if (port == null) {
            port = Integer.parseInt(process.awaitLine(LISTENING, Duration.ofSeconds(90)).group(1));
        }
        return port;
    }

    /** The CPU time the process has used so far (user and system, all its threads). */
    Duration cpuTime() {
        return process.process().info().totalCpuDuration()
                .orElseThrow(() -> new AssertionError("this system does not report a process's CPU time"));
    }

    List<String> output() {
        return process.output();
    }

    /** kill -9: no shutdown hook, no flush, no goodbye. */
    void killHard() {
        process.killHard();
    }

    /** Its exit code, once it has exited and its last line is read. */
    int awaitExit() throws InterruptedException {
        return process.awaitExit(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        process.close();
    }
}
