package mvpos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mvpos.node.NodeHome;

/**
 * {@code mvpos devnet --processes}: the devnet as N separate {@code mvpos node --home} processes talking
 * TCP on loopback, made with {@code mvpos testnet} in a temporary folder; each new head is read from
 * the nodes' HTTP APIs and printed as the in-process devnet prints it. Real time only.
 */
final class ProcessDevnet {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the nodes have, after the run, to agree on one block before the devnet says they do not. */
    private static final long SETTLE_SECONDS = 20;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Integer> nodeOf = new HashMap<>();
    private final Set<String> seen = new HashSet<>();
    private int basePort;

    int run(String engine, int validators, Duration slot, String finality, long epoch, long blocks, Duration duration,
            Long seed, boolean json, boolean quiet, PrintWriter out, PrintWriter err) throws Exception {
        try {
            return runNodes(engine, validators, slot, finality, epoch, blocks, duration, seed, json, quiet, out, err);
        } finally {
            stop(); // whatever happened (an error, an interrupt), no node process outlives the run
        }
    }

    private int runNodes(String engine, int validators, Duration slot, String finality, long epoch, long blocks,
            Duration duration, Long seed, boolean json, boolean quiet, PrintWriter out, PrintWriter err)
            throws Exception {
        Path dir = Files.createTempDirectory("mvpos-devnet-processes");
        basePort = mvpos.net.LoopbackPorts.freeRange(2 * validators);
        List<String> args = new ArrayList<>(List.of("testnet", "--validators", Integer.toString(validators), "--engine",
                engine, "--slot", slot.toMillis() + "ms", "--base-port", Integer.toString(basePort), "--genesis-time",
                "now", "--out", dir.resolve("net").toString(), "--finality", finality, "--epoch", Long.toString(epoch)));
        if (seed != null) {
            args.addAll(List.of("--seed", Long.toString(seed)));
        }
        var testnet = Main.commandLine();
        StringWriter testnetErr = new StringWriter();
        testnet.setOut(new PrintWriter(new StringWriter()));
        testnet.setErr(new PrintWriter(testnetErr));
        if (testnet.execute(args.toArray(String[]::new)) != 0) {
            throw new Main.UserError(testnetErr.toString().strip().replace("mvpos: error: ", ""));
        }
        for (int i = 0; i < validators; i++) {
            Path home = dir.resolve("net").resolve("node" + i);
            nodeOf.put(NodeHome.load(home).key().address().toString(), i);
            processes.add(start(home, dir.resolve("node" + i + ".log")));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "devnet-processes-stop"));
        err.println("devnet: " + validators + " node processes, logs in " + dir);
        err.flush();
        long start = System.nanoTime();
        long until = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        long highest = 0;
        Map<Integer, Long> printedUpTo = new HashMap<>();
        Map<Integer, Map<Long, String>> chainOf = new HashMap<>();
        while (System.nanoTime() < until && (blocks == 0 || highest < blocks)) {
            for (int node = 0; node < validators; node++) {
                if (!processes.get(node).isAlive()) {
                    int code = processes.get(node).exitValue();
                    stop();
                    err.println("mvpos: error: node " + node + " exited with code " + code + "; its log: "
                            + dir.resolve("node" + node + ".log"));
                    err.flush();
                    return 1;
                }
                Optional<JsonNode> latest = get(node, "/blocks/latest");
                if (latest.isEmpty()) {
                    continue;
                }
                long height = latest.get().get("height").asLong();
                Map<Long, String> chain = chainOf.computeIfAbsent(node, n -> new HashMap<>());
                for (long h = printedUpTo.getOrDefault(node, 0L) + 1; h <= height; h++) {
                    Optional<JsonNode> block = h == height ? latest : get(node, "/blocks/" + h);
                    if (block.isEmpty()) {
                        continue;
                    }
                    int reorgDepth = reorgDepth(node, chain, h, block.get().get("parentHash").asText());
                    chain.put(h, block.get().get("hash").asText());
                    if (seen.add(block.get().get("hash").asText()) && !quiet) {
                        out.println(json ? json(node, block.get(), System.currentTimeMillis(), reorgDepth)
                                : text(block.get()));
                        out.flush();
                    }
                }
                printedUpTo.put(node, height);
                highest = Math.max(highest, height);
            }
            Thread.sleep(50);
        }
        // Let the last blocks reach everyone, then compare the nodes' blocks at one height (the lowest
        // head among them): asking for heads one node after the other would straddle new blocks.
        List<Integer> all = new ArrayList<>();
        for (int node = 0; node < validators; node++) {
            all.add(node);
        }
        Optional<CommonHead.Reading> reading = Optional.empty();
        long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        do {
            Optional<CommonHead.Reading> next = CommonHead.read(all, this::get);
            if (next.isPresent()) {
                reading = next;
                if (next.get().agree()) {
                    break;
                }
            }
            Thread.sleep(100);
        } while (System.nanoTime() < settleUntil);
        stop();
        int agreeing = reading.map(CommonHead.Reading::agreeing).orElse(0);
        String head = reading.map(CommonHead.Reading::majorityHash).orElse("-");
        PrintWriter report = json && !quiet ? err : out;
        report.printf("devnet %s: %d node processes, head at height %d after %.1f s of real time, %d/%d nodes on head %s%s%n",
                engine, validators, highest, (System.nanoTime() - start) / 1e9, agreeing, validators,
                head.length() > 16 ? head.substring(0, 16) : head, agreeing == validators ? "" : " (NOT all nodes agree)");
        report.flush();
        return agreeing == validators ? 0 : 1;
    }

    private Process start(Path home, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")).toList());
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "mvpos.cli.Main", "node",
                "--home", home.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private synchronized void stop() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }

    private Optional<JsonNode> get(int node, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + (basePort + 2 * node + 1) + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private String text(JsonNode block) {
        String proposer = block.get("proposer").asText();
        return String.format("height %5d  slot %6d  proposer node%-4d %s  hash %s  txs %d", block.get("height").asLong(),
                block.get("slot").asLong(), nodeOf.getOrDefault(proposer, -1), proposer.substring(0, 8),
                block.get("hash").asText().substring(0, 16), block.get("transactions").size());
    }

    /**
     * How many of the blocks node {@code node} showed before (below {@code height}) are no longer on its
     * chain, now that its block at {@code height} has {@code parent}: 0 when it simply grew.
     */
    private int reorgDepth(int node, Map<Long, String> chain, long height, String parent) {
        String before = chain.get(height - 1);
        if (before == null || before.equals(parent)) {
            return 0;
        }
        int depth = 1;
        for (long h = height - 2; h >= 1 && depth < 100 && chain.containsKey(h); h--) {
            Optional<JsonNode> now = get(node, "/blocks/" + h);
            if (now.isEmpty() || now.get().get("hash").asText().equals(chain.get(h))) {
                break;
            }
            chain.put(h, now.get().get("hash").asText());
            depth++;
        }
        return depth;
    }

    private String json(int node, JsonNode block, long timeMillis, int reorgDepth) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("node", node);
        line.put("height", block.get("height").asLong());
        line.put("slot", block.get("slot").asLong());
        line.put("hash", block.get("hash").asText());
        line.put("parent", block.get("parentHash").asText());
        line.put("proposer", block.get("proposer").asText());
        line.put("proposerNode", nodeOf.getOrDefault(block.get("proposer").asText(), -1));
        line.put("engine", block.get("engine").asText());
        line.put("transactions", block.get("transactions").size());
        line.put("time", timeMillis); // when the devnet saw it, on the real clock (in process: virtual time)
        line.put("reorgDepth", reorgDepth);
        return JsonLine.of(line);
    }
}
