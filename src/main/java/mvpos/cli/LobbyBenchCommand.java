package mvpos.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mvpos.bench.LobbyLoad;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mvpos bench lobby}: N real TCP validators against a lobby. */
@Command(name = "lobby",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Opens N real TCP validators against a lobby; each registers and proposes every round.",
            "Reports registrations/s, the time for each winner announcement to reach all clients "
                + "(first to last receipt, and from the lobby's logged decision to the last receipt), "
                + "and the lobby's memory (RSS).",
            "By default it starts its own lobby in a separate process (with a temporary --data); "
                + "--connect uses a running one instead."
        })
final class LobbyBenchCommand implements Runnable {
    private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");
    private static final Pattern ROUND_WON = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) INFO round \\d+: validator");

    /** Wall-clock millis at which the lobby decided each round, read from its log. */
    private final java.util.concurrent.BlockingQueue<Long> roundDecisions = new java.util.concurrent.LinkedBlockingQueue<>();

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1000",
            description = "Number of validators (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
            description = "Announcements to measure (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--round", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Round length of the lobby this bench starts (default: ${DEFAULT-VALUE}).")
    Duration round;

    @Option(names = "--connect", paramLabel = "HOST:PORT",
            description = "Use a running lobby at this address instead of starting one (all clients come from "
                + "this host: start that lobby with --max-per-address above --clients).")
    String connect;

    @Option(names = "--lobby-pid", paramLabel = "PID",
            description = "With --connect: the lobby's process id, to report its memory.")
    Long lobbyPid;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "500",
            description = "Connection attempts in flight at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--lobby-heap", paramLabel = "SIZE",
            description = "-Xmx of the lobby this bench starts (default: the JVM's default, as ./mvpos lobby runs).")
    String lobbyHeap;

    @Override
    public void run() {
        if (clients < 1 || rounds < 1 || rounds > 100 || parallel < 1) {
            throw new Main.UserError("--clients and --parallel must be at least 1, --rounds between 1 and 100");
        }
        PrintStream out = System.out;
        Process lobby = null;
        Path data = null;
        try {
            String host;
            int port;
            long pid;
            if (connect != null) {
                int colon = connect.lastIndexOf(':');
                if (colon < 1) {
                    throw new Main.UserError("--connect wants HOST:PORT, got '" + connect + "'");
                }
                host = connect.substring(0, colon);
                port = DotEnvPort.parsePort(connect.substring(colon + 1), "--connect");
                pid = lobbyPid == null ? -1 : lobbyPid;
            } else {
                data = Files.createTempDirectory("mvpos-bench-lobby");
                lobby = startLobby(data);
                host = "127.0.0.1";
                port = awaitPort(lobby);
                pid = lobby.pid();
                out.printf("started a lobby (pid %d, heap %s, round %s) on %s:%d%n", pid,
                        lobbyHeap == null ? "JVM default" : "-Xmx" + lobbyHeap,
                        DurationFormat.of(round), host, port);
            }
            measure(host, port, pid, out);
        } catch (IOException e) {
            throw new Main.UserError("bench lobby: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (lobby != null) {
                lobby.destroy();
                try {
                    lobby.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lobby.destroyForcibly();
            }
            if (data != null) {
                deleteQuietly(data);
            }
        }
    }

    private void measure(String host, int port, long pid, PrintStream out) throws InterruptedException {
        long waitMillis = round.toMillis() * 2 + 30_000;
        try (LobbyLoad load = new LobbyLoad(host, port, clients, 1000, rounds)) {
            double seconds = load.connectAndRegister(parallel, 300, out);
            int ok = clients - load.failures();
            out.printf("registrations: %d of %d in %.2f s = %.0f registrations/s%n", ok, clients, seconds, ok / seconds);
            memory(pid, "after registration", out);
            idleCpu(pid, load.liveClients(), out);
            List<Double> spreads = new ArrayList<>();
            for (int k = 0; k < rounds; k++) {
                load.proposeAll(60 + k);
                LobbyLoad.Announcement a = load.awaitAnnouncement(k, waitMillis);
                Long decided = roundDecisions.poll(connect == null ? 2000 : 0, TimeUnit.MILLISECONDS);
                String fromDecision = decided == null || a.received() == 0 ? ""
                        : String.format("; lobby's decision to last receipt %d ms", a.lastMillis() - decided);
                spreads.add((double) a.firstToLastMillis());
                out.printf("announcement %d: reached %d of %d connected clients; first to last receipt %d ms%s%n",
                        k + 1, a.received(), load.liveClients(), a.firstToLastMillis(), fromDecision);
            }
            out.printf("announcement spread: worst %.0f ms over %d rounds%n",
                    spreads.stream().mapToDouble(Double::doubleValue).max().orElse(0), rounds);
            memory(pid, "at the end", out);
        }
    }

    private Process startLobby(Path data) throws IOException {
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaBinary));
        command.addAll(ProcessHandle.current().info().arguments().map(args -> java.util.Arrays.stream(args)
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc-unsafe"))
                .toList()).orElse(List.of()));
        if (lobbyHeap != null) {
            command.add("-Xmx" + lobbyHeap);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "mvpos.cli.Main", "lobby", "--port", "0", "--round", DurationFormat.of(round), "--broadcast", "1h",
                "--seed", "1", "--data", data.toString(),
                // every client of the benchmark comes from this host: the per-address limit must let them all in
                "--max-clients", Integer.toString(Math.max(20_000, clients + 100)),
                "--max-per-address", Integer.toString(clients + 100)));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the lobby's output until it says where it listens; then drains the rest in the background. */
    private int awaitPort(Process lobby) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(lobby.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        String next;
                        while ((next = reader.readLine()) != null) {
                            Matcher won = ROUND_WON.matcher(next);
                            if (won.find()) {
                                roundDecisions.add(java.time.LocalTime.parse(won.group(1))
                                        .atDate(java.time.LocalDate.now()).atZone(java.time.ZoneId.systemDefault())
                                        .toInstant().toEpochMilli());
                            }
                        }
                    } catch (IOException ignored) {
                        // the lobby stopped
                    }
                }, "lobby-output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
            if (line.contains("error")) {
                throw new IOException("the lobby did not start: " + line);
            }
        }
        throw new IOException("the lobby exited before it listened");
    }

    private static void memory(long pid, String when, PrintStream out) {
        if (pid < 0) {
            return;
        }
        try {
            long rss = 0;
            long peak = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("VmHWM:")) {
                    peak = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            out.printf("lobby memory %s: RSS %d MB (peak %d MB)%n", when, rss / 1024, peak / 1024);
        } catch (IOException | NumberFormatException e) {
            out.printf("lobby memory %s: unavailable (%s)%n", when, e.getMessage());
        }
    }

    /** CPU the lobby uses while every client is connected and silent, from /proc/PID/stat. */
    private static void idleCpu(long pid, int idleClients, PrintStream out) throws InterruptedException {
        if (pid < 0) {
            return;
        }
        try {
            long before = cpuTicks(pid);
            long start = System.nanoTime();
            Thread.sleep(5000);
            long ticks = cpuTicks(pid) - before;
            double seconds = (System.nanoTime() - start) / 1e9;
            // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every mainstream build.
            out.printf("lobby CPU while %d clients sit idle: %.2f s of CPU in %.1f s (%.1f%% of one core)%n",
                    idleClients, ticks / 100.0, seconds, ticks / 100.0 / seconds * 100);
        } catch (IOException | RuntimeException e) {
            out.printf("lobby CPU while idle: unavailable (%s)%n", e.getMessage());
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
