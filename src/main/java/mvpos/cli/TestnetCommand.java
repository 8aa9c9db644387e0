package mvpos.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mvpos.chain.Genesis;
import mvpos.state.CasperFfg;
import mvpos.consensus.Engines;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import mvpos.node.NodeConfig;
import mvpos.node.NodeHome;
import mvpos.node.PeerAddress;
import mvpos.node.SecureRandomSource;
import mvpos.node.SystemClock;
import mvpos.node.TestnetGenesis;
import mvpos.sim.Devnet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mvpos testnet}: keys, genesis and config for N nodes that run as separate processes or hosts. */
@Command(name = "testnet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Writes a network of N validator nodes to run as separate processes (or on separate hosts): for node i a "
                + "folder DIR/node<i> with its key (key.json, readable by its owner only), the shared genesis "
                + "(genesis.json, the same bytes in every folder) and its config (config.json): it listens for peers "
                + "on port P+2i, serves its HTTP API on P+2i+1, and knows the other nodes as bootstrap peers (all of "
                + "them up to 8 nodes; beyond, its ring neighbours and a few others, and finds the rest by discovery).",
            "Start each node with: mvpos node --home DIR/node<i>",
            "With --seed the keys come from the seed and the genesis time is 2026-01-01T00:00:00Z (unless "
                + "--genesis-time says otherwise): the same command writes the same files, byte for byte. Without "
                + "it the keys come from a secure random source and the genesis time is now (to the second)."
        })
final class TestnetCommand implements Runnable {
    /** Up to this many nodes, every node knows every other as a bootstrap peer. */
    static final int FULL_MESH_MAX = 8;
    static final int MAX_VALIDATORS = 1000;

    @Spec
    CommandSpec spec;

    @Option(names = "--validators", paramLabel = "N", required = true,
            description = "Number of validator nodes, 1 to " + MAX_VALIDATORS + ".")
    int validators;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "pos",
            description = "Consensus engine: pos, pow, poa, bft, or any other on the class path (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--finality", paramLabel = "GADGET", defaultValue = "none",
            description = "Finality gadget beside the engine: none or ffg (Casper FFG) (default: ${DEFAULT-VALUE}).")
    String finality;

    @Option(names = "--epoch", paramLabel = "SLOTS", defaultValue = "8",
            description = "Slots per finality epoch with --finality ffg (default: ${DEFAULT-VALUE}).")
    long epoch;

    @Option(names = "--slot", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Slot length, or target block time for pow (default: ${DEFAULT-VALUE}).")
    Duration slot;

    @Option(names = "--base-port", paramLabel = "P", defaultValue = "30300",
            description = "Node i listens for peers on P+2i and serves its API on P+2i+1 (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address every node listens for peers on (default: 127.0.0.1, or the node's host with "
                + "--hosts). With 0.0.0.0 the peers are dialled on 127.0.0.1 unless --hosts names them.")
    String bind;

    @Option(names = "--hosts", paramLabel = "HOST", split = ",",
            description = "Hosts the nodes run on, comma-separated: node i runs on the (i mod count)-th; its peers dial "
                + "it there (default: all on this machine).")
    List<String> hosts;

    @Option(names = "--seed", paramLabel = "N",
            description = "Make the keys from this seed (and fix the genesis time): the same seed gives the same files.")
    Long seed;

    @Option(names = "--genesis-time", paramLabel = "TIME",
            description = "When slot 0 begins: an ISO-8601 instant (2026-05-01T12:00:00Z), milliseconds since 1970, "
                + "or 'now' (default: now, or 2026-01-01T00:00:00Z with --seed).")
    String genesisTime;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Folder to write into; it must not exist, or be empty.")
    Path out;

    @picocli.CommandLine.Mixin
    ConsensusOptions consensus = new ConsensusOptions();

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    /** One node of the testnet, as written and printed. */
    record NodeEntry(int index, String address, String host, int p2pPort, int apiPort, Path folder, NodeConfig config) {
    }

    @Override
    public void run() {
        checkArguments();
        RandomSource random = seed == null ? new SecureRandomSource() : new HashDrbg(seed);
        long timestamp = genesisMillis();
        List<KeyPair> keys = new ArrayList<>(validators);
        for (int i = 0; i < validators; i++) {
            keys.add(KeyPair.generate(random));
        }
        Genesis genesis;
        try {
            genesis = TestnetGenesis.of(consensus.choice(engine), keys, timestamp, slot.toMillis(), finality, epoch);
            Engines.named(engine).configure(genesis);
            if (CasperFfg.NAME.equals(finality)) {
                CasperFfg.epochLengthOf(genesis);
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("the genesis would not be valid: " + e.getMessage());
        }
        String genesisJson = NodeHome.genesisJson(genesis);
        List<NodeEntry> nodes = plan(keys);
        prepareOut();
        for (NodeEntry node : nodes) {
            try {
                NodeHome.write(node.folder(), genesisJson, keys.get(node.index()), node.config());
            } catch (NodeHome.HomeException e) {
                throw new Main.UserError(e.getMessage() + " (the testnet in " + out + " is incomplete)");
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(json(genesis, nodes));
        } else {
            printTable(stdout, genesis, nodes);
        }
        stdout.flush();
    }

    private void checkArguments() {
        if (validators < 1 || validators > MAX_VALIDATORS) {
            throw new Main.UserError("--validators must be between 1 and " + MAX_VALIDATORS + ", got " + validators);
        }
        if (!finality.equals(Genesis.NO_FINALITY) && !finality.equals(CasperFfg.NAME)) {
            throw new Main.UserError("unknown finality gadget '" + finality + "'; available: none, ffg");
        }
        consensus.checked(engine, finality, spec);
        if (epoch < 1 || epoch > 64) {
            throw new Main.UserError("--epoch must be between 1 and 64 slots, got " + epoch);
        }
        if (basePort < 1 || basePort > 65535) {
            throw new Main.UserError("--base-port must be between 1 and 65535, got " + basePort);
        }
        long lastPort = (long) basePort + 2L * (validators - 1) + 1;
        if (lastPort > 65535) {
            throw new Main.UserError(validators + " nodes from --base-port " + basePort + " need ports up to " + lastPort
                    + ", beyond 65535; choose a base port of at most " + (65535 - 2L * (validators - 1) - 1));
        }
        if (bind != null) {
            checkAddress("--bind", bind);
        }
        if (hosts != null) {
            if (hosts.isEmpty() || hosts.size() > validators) {
                throw new Main.UserError("--hosts must name 1 to " + validators + " hosts, got " + hosts.size());
            }
            for (String host : hosts) {
                checkAddress("--hosts", host);
            }
        }
    }

    private static void checkAddress(String option, String value) {
        String host = value.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!PeerAddress.isHost(host)) {
            throw new Main.UserError(option + ": '" + value + "' is not a host name or IP address");
        }
    }

    private long genesisMillis() {
        if (genesisTime == null) {
            return seed != null ? Devnet.SEEDED_START_MILLIS : SystemClock.INSTANCE.millis() / 1000 * 1000;
        }
        String text = genesisTime.strip();
        if (text.equals("now")) {
            return SystemClock.INSTANCE.millis() / 1000 * 1000;
        }
        if (text.matches("[0-9]{1,15}")) {
            return Long.parseLong(text);
        }
        try {
            long millis = Instant.parse(text).toEpochMilli();
            if (millis < 0) {
                throw new Main.UserError("--genesis-time " + genesisTime + " is before 1970");
            }
            return millis;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new Main.UserError("--genesis-time '" + genesisTime + "' is not an instant; write it like "
                    + "2026-05-01T12:00:00Z, as milliseconds since 1970, or 'now'");
        }
    }

    /** Every node's host, ports, folder and bootstrap peers. */
    private List<NodeEntry> plan(List<KeyPair> keys) {
        int n = keys.size();
        List<String> nodeHosts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String host = hosts != null ? strip(hosts.get(i % hosts.size()))
                    : PeerAddress.reachableHost(bind == null ? NodeConfig.DEFAULT_BIND : strip(bind));
            nodeHosts.add(host);
        }
        List<NodeEntry> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> peers = new ArrayList<>();
            for (int j : bootstrapPeers(i, n)) {
                peers.add(new PeerAddress(nodeHosts.get(j), p2pPort(j)).toString());
            }
            String nodeBind = bind != null ? strip(bind) : hosts != null ? nodeHosts.get(i) : NodeConfig.DEFAULT_BIND;
            NodeConfig config = new NodeConfig(p2pPort(i), apiPort(i), nodeBind, NodeConfig.DEFAULT_BIND, peers,
                    NodeConfig.DEFAULT_DATA);
            nodes.add(new NodeEntry(i, keys.get(i).address().toString(), nodeHosts.get(i), p2pPort(i), apiPort(i),
                    out.resolve("node" + i), config));
        }
        return nodes;
    }

    private static String strip(String host) {
        String value = host.strip();
        return value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
    }

    private int p2pPort(int node) {
        return basePort + 2 * node;
    }

    private int apiPort(int node) {
        return basePort + 2 * node + 1;
    }

    /**
     * The nodes that node {@code i} of {@code n} dials first: every other one in a network of up to
     * {@link #FULL_MESH_MAX}; beyond, its two neighbours on each side of the ring and the nodes half
     * and a quarter of the ring away, so that the graph is connected with a small diameter and the
     * rest is found by peer exchange.
     */
    static List<Integer> bootstrapPeers(int i, int n) {
        return TestnetGenesis.bootstrapPeers(i, n, FULL_MESH_MAX);
    }

    private void prepareOut() {
        try {
            if (Files.exists(out)) {
                if (!Files.isDirectory(out)) {
                    throw new Main.UserError(out + " exists and is not a folder; choose another --out");
                }
                try (Stream<Path> entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new Main.UserError(out + " exists and is not empty; choose another --out "
                                + "(a testnet never overwrites keys)");
                    }
                }
            }
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new Main.UserError(out + ": cannot create the folder (" + e.getMessage() + ")");
        }
    }

    private void printTable(PrintWriter stdout, Genesis genesis, List<NodeEntry> nodes) {
        stdout.printf("testnet %s: %d validator%s, engine %s, finality %s, slot %s, genesis time %s%n",
                genesis.chainId(), nodes.size(), nodes.size() == 1 ? "" : "s", engine,
                CasperFfg.NAME.equals(finality) ? "ffg (epochs of " + epoch + " slots)" : "none",
                DurationFormat.of(slot), Instant.ofEpochMilli(genesis.timestamp()));
        stdout.printf("genesis hash %s%n%n", NodeHome.genesisHash(genesis));
        int hostWidth = nodes.stream().mapToInt(n -> n.host().length()).max().orElse(4);
        boolean showHost = hosts != null;
        String format = "%-8s %-40s " + (showHost ? "%-" + hostWidth + "s " : "%s") + "%-5s  %-5s  %s%n";
        stdout.printf(format, "node", "address", showHost ? "host" : "", "p2p", "api", "folder");
        for (NodeEntry node : nodes) {
            stdout.printf(format, "node" + node.index(), node.address(), showHost ? node.host() : "",
                    node.p2pPort(), node.apiPort(), node.folder());
        }
        stdout.printf("%nstart each node with: mvpos node --home %s%n",
                out.resolve("node<i>"));
    }

    private String json(Genesis genesis, List<NodeEntry> nodes) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("chainId", genesis.chainId());
        document.put("genesisHash", NodeHome.genesisHash(genesis));
        document.put("genesisTime", genesis.timestamp());
        document.put("engine", engine);
        document.put("finality", finality);
        if (CasperFfg.NAME.equals(finality)) {
            document.put("epochLength", epoch);
        }
        document.put("slotMillis", slot.toMillis());
        document.put("out", out.toAbsolutePath().normalize().toString());
        List<Map<String, Object>> list = new ArrayList<>();
        for (NodeEntry node : nodes) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("node", node.index());
            entry.put("address", node.address());
            entry.put("stake", TestnetGenesis.STAKE);
            entry.put("host", node.host());
            entry.put("p2pPort", node.p2pPort());
            entry.put("apiPort", node.apiPort());
            entry.put("folder", node.folder().toAbsolutePath().normalize().toString());
            entry.put("peers", node.config().peers());
            list.add(entry);
        }
        document.put("nodes", list);
        try {
            return new ObjectMapper().writeValueAsString(document); // made here: every start would pay for a static one
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
