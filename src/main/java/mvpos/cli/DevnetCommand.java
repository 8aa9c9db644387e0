package mvpos.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import mvpos.consensus.Engines;
import mvpos.node.SecureRandomSource;
import mvpos.node.SystemClock;
import mvpos.sim.Devnet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mvpos devnet}: a whole network of validators in one process. */
@Command(name = "devnet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Starts N validator nodes in one process, each with its own keys and store, all from one generated "
                + "genesis, connected by an in-memory network with latency. Prints each new head.",
            "With --seed the run is in virtual time and reproducible byte for byte; without it, it runs in real "
                + "time (stop it with Ctrl-C, or give --blocks or --duration)."
        })
final class DevnetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "pos",
            description = "Consensus engine: pos, pow, poa, bft, or any other on the class path (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--validators", paramLabel = "N", defaultValue = "4",
            description = "Number of validator nodes (default: ${DEFAULT-VALUE}).")
    int validators;

    @Option(names = "--slot", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Slot length, or target block time for pow (default: ${DEFAULT-VALUE}).")
    Duration slot;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "0",
            description = "Stop when a node's head reaches this height (default: no limit).")
    long blocks;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this much (virtual, with --seed) time (default: no limit).")
    Duration duration;

    @Option(names = "--seed", paramLabel = "N",
            description = "Run in virtual time from this seed: the same seed gives the same chain, byte for byte.")
    Long seed;

    @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "20ms", converter = DurationConverter.class,
            description = "Network latency between two nodes (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--jitter", paramLabel = "DURATION", defaultValue = "10ms", converter = DurationConverter.class,
            description = "Random extra latency, up to this much, per message (default: ${DEFAULT-VALUE}).")
    Duration jitter;

    @Option(names = "--finality", paramLabel = "GADGET", defaultValue = "none",
            description = "Finality gadget beside the engine: none or ffg (Casper FFG) (default: ${DEFAULT-VALUE}).")
    String finality;

    @Option(names = "--epoch", paramLabel = "SLOTS", defaultValue = "8",
            description = "Slots per finality epoch with --finality ffg (default: ${DEFAULT-VALUE}).")
    long finalityEpoch;

    @Option(names = "--stake", paramLabel = "N", defaultValue = "0",
            description = "Every validator stakes N tokens (default: a random stake from 1,000 to 10,000 each).")
    long stake;

    @Option(names = "--offline", paramLabel = "K", defaultValue = "0",
            description = "The last K validators go offline: they neither produce nor vote (their nodes still "
                    + "follow the chain), to watch a finality stall and its recovery (default: none).")
    int offline;

    @Option(names = "--offline-from", paramLabel = "SLOT", defaultValue = "0",
            description = "The slot from which the --offline validators are offline (default: ${DEFAULT-VALUE}).")
    long offlineFrom;

    @Option(names = "--json", description = "Print one JSON object per line instead of text.")
    boolean json;

    @Option(names = "--quiet", description = "Print only the summary.")
    boolean quiet;

    @Option(names = "--processes", description = "Run the nodes as separate OS processes talking TCP on loopback "
            + "(real time; --seed then fixes the keys only).")
    boolean processes;

    @Option(names = "--explorer", paramLabel = "PORT",
            description = "Serve the live web explorer of the whole devnet on 127.0.0.1:PORT (kept up after the run).")
    Integer explorer;

    @picocli.CommandLine.Mixin
    ConsensusOptions consensus = new ConsensusOptions();

    @Override
    public void run() {
        ExplorerOption.check(explorer);
        consensus.checked(engine, finality, spec);
        if (processes && consensus.given()) {
            throw Main.badValue(spec, "--engine-param and --fork-choice work in one process only, not with --processes");
        }
        if (validators < 1 || validators > 100_000) {
            throw new Main.UserError("--validators must be between 1 and 100000, got " + validators);
        }
        if (!finality.equals("none") && !finality.equals("ffg")) {
            throw new Main.UserError("unknown finality gadget '" + finality + "'; available: none, ffg");
        }
        if (finalityEpoch < 1 || finalityEpoch > 64) {
            throw new Main.UserError("--epoch must be between 1 and 64 slots, got " + finalityEpoch);
        }
        if (blocks < 0) {
            throw new Main.UserError("--blocks cannot be negative");
        }
        if (offline < 0 || offline > validators) {
            throw new Main.UserError("--offline must be between 0 and --validators (" + validators + "), got " + offline);
        }
        if (stake < 0) {
            throw new Main.UserError("--stake cannot be negative, got " + stake);
        }
        if (offlineFrom < 0) {
            throw new Main.UserError("--offline-from cannot be negative, got " + offlineFrom);
        }
        if (processes && offline > 0) {
            throw new Main.UserError("--offline works in one process only, not with --processes");
        }
        if (seed == null && blocks == 0 && duration == null && !quiet) {
            spec.commandLine().getErr().println("devnet: running in real time until Ctrl-C (give --blocks, "
                    + "--duration or --seed for a bounded or reproducible run)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (processes) {
            if (validators > 64) {
                throw new Main.UserError("--processes runs at most 64 nodes, got " + validators);
            }
            int exit;
            try {
                exit = new ProcessDevnet().run(engine, validators, slot, finality, finalityEpoch, blocks, duration, seed,
                        json, quiet, out, spec.commandLine().getErr());
            } catch (Main.UserError e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                throw new Main.UserError("the devnet failed: " + e.getMessage());
            }
            if (exit != 0) {
                throw new Main.UserError("the nodes did not converge on one head");
            }
            return;
        }
        boolean realTime = seed == null;
        long runSeed = realTime ? new SecureRandomSource().nextLong() : seed;
        long start = realTime ? SystemClock.INSTANCE.millis() : Devnet.SEEDED_START_MILLIS;
        Devnet.Config config = new Devnet.Config(engine, validators, slot.toMillis(), latency.toMillis(),
                jitter.toMillis(), runSeed, start, realTime, 50, consensus.engineParams, finality, finalityEpoch)
                .withOffline(offline, offlineFrom).withStake(stake)
                .withForkChoice(consensus.forkChoice, consensus.forkChoiceParams);
        long wallStart = System.nanoTime();
        Devnet.Summary summary;
        Devnet devnet;
        try {
            devnet = new Devnet(config, head -> {
                if (!quiet) {
                    out.println(json ? json(head) : text(head));
                    out.flush();
                }
            });
            devnet.onFinality(event -> {
                if (!quiet) {
                    out.println(json ? json(event) : text(event));
                    out.flush();
                }
            });
            devnet.onStall(event -> {
                if (!quiet) {
                    out.println(json ? json(event) : text(event));
                    out.flush();
                }
            });
            devnet.onEvidence(event -> {
                if (!quiet) {
                    out.println(json ? json(event) : String.format("evidence: %s by node%d (%s), seen by node%d",
                            event.offence(), event.offenderNode(), event.offender().substring(0, 8), event.node()));
                    out.flush();
                }
            });
            var explorerServer = ExplorerOption.serve(devnet, explorer, spec.commandLine().getErr());
            summary = devnet.run(blocks, duration == null ? 0 : duration.toMillis());
            ExplorerOption.keepServing(explorerServer, spec.commandLine().getErr());
        } catch (Main.UserError e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        } catch (Exception e) {
            throw new IllegalStateException("the devnet failed: " + e.getMessage(), e);
        }
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        PrintWriter report = json && !quiet ? spec.commandLine().getErr() : out;
        report.printf("devnet %s: %d validators, head at height %d after %.1f s of %s time (%.1f s wall), "
                        + "%d/%d nodes on head %s%s%n", engine, validators, summary.highestHead(),
                summary.virtualMillis() / 1000.0, realTime ? "real" : "virtual", wallSeconds,
                summary.nodesOnTheSameHead(), summary.nodes(), summary.head().substring(0, 16),
                summary.agree() ? "" : " (NOT all nodes agree)");
        report.flush();
        if (!quiet || json) {
            try {
                printChain(devnet.chainSummary(), json ? spec.commandLine().getErr() : out);
            } catch (mvpos.chain.ChainStore.StoreException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        if (!summary.agree()) {
            throw new Main.UserError("the nodes did not converge on one head");
        }
    }

    /** Most validators listed one by one after a run; beyond, only the fairness line. */
    static final int LISTED_VALIDATORS = 16;

    /**
     * Each validator's stake and proposals against what its share expects, the forks and reorganisations,
     * and Pearson's chi-square of proposals against stake with its 5% critical value (Wilson and
     * Hilferty's approximation).
     */
    private static void printChain(Devnet.ChainSummary chain, PrintWriter out) {
        out.printf("forks: %d blocks were a head but are not on the chain; %d reorganisations%s%n",
                chain.staleBlocks(), chain.reorganisations(), chain.reorganisations() == 0 ? ""
                        : ", the deepest " + chain.deepestReorganisation() + " block"
                        + (chain.deepestReorganisation() == 1 ? "" : "s"));
        long total = chain.validators().stream().mapToLong(Devnet.ValidatorShare::stake).sum();
        if (chain.validators().size() <= LISTED_VALIDATORS) {
            out.println("validator     stake   share  proposals  expected");
            for (Devnet.ValidatorShare v : chain.validators()) {
                out.printf("node%-5d %9d  %5.1f%%  %9d  %8.1f%n", v.node(), v.stake(),
                        total == 0 ? 0 : 100.0 * v.stake() / total, v.proposals(), v.expected());
            }
        }
        int freedom = chain.validators().size() - 1;
        if (freedom > 0) {
            double k = freedom;
            double critical = k * Math.pow(1 - 2 / (9 * k) + 1.6449 * Math.sqrt(2 / (9 * k)), 3);
            out.printf("proposals against shares: chi-square %.1f with %d degrees of freedom (5%% critical value %.1f: "
                    + "%s)%n", chain.chiSquare(), freedom, critical, chain.chiSquare() <= critical
                    ? "consistent with the shares" : "unusual for a fair draw");
        }
        out.flush();
    }

    private static String text(Devnet.HeadEvent head) {
        return String.format("height %5d  slot %6d  proposer node%-4d %s  hash %s  txs %d%s", head.height(),
                head.slot(), head.proposerNode(), head.proposer().substring(0, 8), head.hash().substring(0, 16),
                head.transactions(), head.reorgDepth() > 0 ? "  (reorg of " + head.reorgDepth() + " on node"
                        + head.node() + ")" : "")
                + (head.justifiedEpoch() >= 0 ? "  justified " + head.justifiedEpoch() + " finalized "
                + head.finalizedEpoch() : "");
    }

    private static String text(Devnet.FinalityEvent event) {
        return String.format("%s epoch %d  checkpoint %s  (first on node%d)%s", event.kind(), event.epoch(),
                event.hash().substring(0, 16), event.node(), event.kind().equals("finalized")
                        ? String.format("  dynasty %d, participation %.1f%%", event.dynasty(),
                        event.participationBasisPoints() / 100.0) : "");
    }

    private static String json(Devnet.FinalityEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("node", event.node());
        line.put("event", event.kind());
        line.put("epoch", event.epoch());
        line.put("checkpoint", event.hash());
        line.put("time", event.timeMillis());
        line.put("dynasty", event.dynasty());
        line.put("participation", event.participationBasisPoints() / 10_000.0);
        return JsonLine.of(line);
    }

    private static String text(Devnet.StallEvent event) {
        return event.stalled()
                ? String.format("finality stalled since epoch %d, participation %.1f%% (seen by node%d at epoch %d)",
                event.sinceEpoch(), event.participationBasisPoints() / 100.0, event.node(), event.epoch())
                : String.format("finality resumed: epoch %d finalized at epoch %d, %d epochs after the stall began; "
                        + "participation %.1f%%", event.finalizedEpoch(), event.epoch(), event.epoch() - event.sinceEpoch(),
                event.participationBasisPoints() / 100.0);
    }

    private static String json(Devnet.StallEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("node", event.node());
        line.put("event", event.stalled() ? "finality-stalled" : "finality-resumed");
        line.put("epoch", event.epoch());
        line.put("stalledSinceEpoch", event.sinceEpoch());
        line.put("finalizedEpoch", event.finalizedEpoch());
        line.put("participation", event.participationBasisPoints() / 10_000.0);
        line.put("time", event.timeMillis());
        return JsonLine.of(line);
    }

    private static String json(Devnet.EvidenceEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("node", event.node());
        line.put("event", "evidence");
        line.put("offence", event.offence());
        line.put("offender", event.offender());
        line.put("offenderNode", event.offenderNode());
        line.put("time", event.timeMillis());
        return JsonLine.of(line);
    }

    private static String json(Devnet.HeadEvent head) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("node", head.node());
        line.put("height", head.height());
        line.put("slot", head.slot());
        line.put("hash", head.hash());
        line.put("parent", head.parent());
        line.put("proposer", head.proposer());
        line.put("proposerNode", head.proposerNode());
        line.put("engine", head.engine());
        line.put("transactions", head.transactions());
        line.put("time", head.timeMillis());
        line.put("reorgDepth", head.reorgDepth());
        if (head.justifiedEpoch() >= 0) {
            line.put("justifiedEpoch", head.justifiedEpoch());
            line.put("justified", head.justifiedHash());
            line.put("finalizedEpoch", head.finalizedEpoch());
            line.put("finalized", head.finalizedHash());
        }
        return JsonLine.of(line);
    }
}
