package mvpos.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import mvpos.api.ApiServer;
import mvpos.chain.ChainStore;
import mvpos.chain.RocksChainStore;
import mvpos.node.DevChain;
import mvpos.node.Node;
import mvpos.node.SecureRandomSource;
import mvpos.node.SystemClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mvpos node}: one full node. */
@Command(name = "node",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs a node. With --dev: a single-node chain that starts at once, with a prefunded developer account "
                + "that is also its one validator, a block every --block-time, storage in RocksDB under --data and "
                + "an HTTP JSON API on --api-port.",
            "With --home DIR: one node of a network made by 'mvpos testnet': its key, genesis and config from DIR, "
                + "peers over TCP, its chain in DIR (config 'data')."
        })
final class NodeCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.node");
    /** Options of a dev chain only, and of a node of a network only: each refused with the other mode. */
    private static final java.util.List<String> DEV_ONLY = java.util.List.of("--data", "--block-time", "--finality",
            "--api-bind", "--engine", "--engine-param", "--fork-choice", "--fork-choice-param");
    private static final java.util.List<String> HOME_ONLY = java.util.List.of("--peers", "--p2p-port", "--checkpoint");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dev", description = "Run the single-node development chain.")
    boolean dev;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Where the chain, dev.key and genesis.json are kept (default: a new temporary folder).")
    Path data;

    @Option(names = "--home", paramLabel = "DIR",
            description = "Run the node whose key.json, genesis.json and config.json are in DIR (see mvpos testnet).")
    Path home;

    @Option(names = "--peers", paramLabel = "HOST:PORT", split = ",",
            description = "With --home: bootstrap peers beside those of the config.")
    java.util.List<String> peers = new java.util.ArrayList<>();

    @Option(names = "--checkpoint", paramLabel = "EPOCH:HASH",
            description = "With --home, on a chain with finality: follow only the history whose checkpoint of EPOCH is"
                    + " block HASH, trusted from outside the network (weak subjectivity: it stops long-range forks).")
    String checkpoint;

    @Option(names = "--p2p-port", paramLabel = "N",
            description = "With --home: the port peers connect to, over the config's (0 picks a free one).")
    Integer p2pPort;

    @Option(names = "--api-port", paramLabel = "N",
            description = "Port of the HTTP JSON API (default: 8545 with --dev, the config's with --home; "
                + "0 picks a free one).")
    Integer apiPort;

    @Option(names = "--api-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address the API listens on (default: ${DEFAULT-VALUE}).")
    String apiBind;

    @Option(names = "--block-time", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between blocks (default: ${DEFAULT-VALUE}).")
    Duration blockTime;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "poa",
            description = "Consensus engine of a new dev chain: poa, pos, pow, bft, or any other on the class path "
                    + "(default: ${DEFAULT-VALUE}).")
    String engine;

    @picocli.CommandLine.Mixin
    ConsensusOptions consensus = new ConsensusOptions();

    @Option(names = "--finality", paramLabel = "GADGET", defaultValue = "none",
            description = "Finality gadget of a new dev chain: none or ffg (Casper FFG, epochs of 4 blocks) "
                + "(default: ${DEFAULT-VALUE}); an existing chain keeps its own.")
    String finality;

    /** The validator's record of what it signed, kept beside the chain. */
    static mvpos.node.SlashingProtection openProtection(Path directory) throws ChainStore.StoreException {
        try {
            return mvpos.node.SlashingProtection.open(directory);
        } catch (IOException e) {
            throw new ChainStore.StoreException("cannot open the record of signed blocks and votes in " + directory
                    + ": " + e.getMessage());
        }
    }

    @Override
    public void run() {
        if (!finality.equals("none") && !finality.equals("ffg")) {
            throw Main.badValue(spec, "unknown finality gadget '" + finality + "'; available: none, ffg");
        }
        if (dev == (home != null)) {
            throw Main.badValue(spec, "give either --dev (a single-node development chain) or --home DIR (a node of a "
                    + "network made by 'mvpos testnet')");
        }
        if (apiPort != null && (apiPort < 0 || apiPort > 65535)) {
            throw Main.badValue(spec, "--api-port " + apiPort + " is not between 0 and 65535");
        }
        for (String option : dev ? HOME_ONLY : DEV_ONLY) {
            if (given(option)) {
                throw Main.badValue(spec, option + " cannot apply " + (dev
                        ? "to a dev chain: it is an option of a node of a network (--home)"
                        : "with --home: the node's genesis and config in " + home + " decide it"));
            }
        }
        if (home != null) {
            mvpos.node.WeakSubjectivityCheckpoint trusted;
            try {
                trusted = checkpoint == null ? null : mvpos.node.WeakSubjectivityCheckpoint.parse(checkpoint);
            } catch (IllegalArgumentException e) {
                throw Main.badValue(spec, "--checkpoint: " + e.getMessage());
            }
            new HomeNodeRunner(home, peers, p2pPort, apiPort, trusted).run();
            return;
        }
        if (apiPort == null) {
            apiPort = 8545;
        }
        Path dir = data;
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("mvpos-dev-");
            }
        } catch (IOException e) {
            throw new Main.UserError("cannot create a temporary data folder: " + e.getMessage());
        }
        DevChain chain;
        Node node;
        try {
            chain = DevChain.prepare(dir, blockTime.toMillis(), finality, consensus.choice(engine), SystemClock.INSTANCE,
                    new SecureRandomSource());
            refuseWhatTheChainOverrides(chain.genesis(), dir);
            node = Node.open(chain.genesis(), RocksChainStore.open(dir.resolve("chain")), SystemClock.INSTANCE,
                    chain.devKey(), new SecureRandomSource(), openProtection(dir.resolve("signed")));
        } catch (DevChain.DevChainException | ChainStore.StoreException e) {
            throw new Main.UserError(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw Main.badValue(spec, e.getMessage());
        }
        ApiServer api;
        try {
            api = ApiServer.start(node, apiBind, apiPort);
        } catch (RuntimeException e) {
            node.close();
            throw new Main.UserError("cannot serve the API on " + apiBind + ":" + apiPort + ": " + rootMessage(e));
        }
        Duration slot = Duration.ofMillis(chain.genesis().blockTimeMillis()); // the chain's, when it existed
        if (node.core().engine().protocol(chain.devKey()).isPresent()) {
            // An engine that decides in rounds of votes (bft): its protocol runs, alone, as on a network.
            new mvpos.net.PeerNode(node, mvpos.net.Network.alone()).startProducing(Math.max(10, slot.toMillis() / 10));
        } else {
            node.startProducing(Math.max(10, slot.toMillis() / 10));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        if (!ShutdownHook.register("node-shutdown", () -> {
            log.info("stopping: API, then the chain store");
            api.close();
            node.close();
            stopped.countDown();
        })) {
            api.close(); // stopped while starting
            node.close();
            return;
        }
        log.info("dev chain {} in {}; head is block {}", chain.genesis().chainId(), dir, node.head().height());
        log.info("developer key: {} (address {}, prefunded, the validator)", chain.keyFile(), chain.devKey().address());
        log.info("HTTP API on http://{}:{}; a block every {}", apiBind, api.port(), DurationFormat.of(slot));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when the user gave {@code option} on the command line (not its default). */
    private boolean given(String option) {
        return spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * An existing dev chain keeps the finality gadget and block time of its genesis: a flag that asks
     * for another one cannot apply, and is refused in one line rather than silently ignored.
     */
    private void refuseWhatTheChainOverrides(mvpos.chain.Genesis genesis, Path dir) {
        if (given("--finality") && !genesis.finality().equals(finality)) {
            throw Main.badValue(spec, "--finality " + finality + " cannot apply: the chain in " + dir
                    + " was created with finality " + genesis.finality() + ", which its genesis fixes for good"
                    + " (start a new chain with another --data)");
        }
        if (given("--engine") && !genesis.engine().equals(engine)
                || given("--fork-choice") && !genesis.forkChoice().equals(consensus.forkChoice)) {
            throw Main.badValue(spec, "--engine and --fork-choice cannot apply: the chain in " + dir + " was created with "
                    + "engine " + genesis.engine() + " and fork choice " + genesis.forkChoice()
                    + ", which its genesis fixes for good (start a new chain with another --data)");
        }
        if (given("--block-time") && genesis.blockTimeMillis() != blockTime.toMillis()) {
            throw Main.badValue(spec, "--block-time " + DurationFormat.of(blockTime) + " cannot apply: the chain in "
                    + dir + " was created with a block every " + DurationFormat.of(Duration.ofMillis(
                    genesis.blockTimeMillis())) + ", which its genesis fixes for good (start a new chain with another --data)");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
