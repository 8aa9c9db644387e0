package mvpos.sim;

import mvpos.adversary.DoubleVoter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.HashKey;
import mvpos.node.NodeCore;

/**
 * Runs a {@link Scenario}: a {@link Devnet} of real nodes set up as the scenario says (stakes, network,
 * clock skew, byzantine validators), its faults and workload on the event queue, the
 * {@link InvariantChecker} and {@link SimMetrics} on every node; stops at the first violation.
 */
public final class Simulation {
    /** Told of the run's progress now and then (every few thousand events): virtual ms since start, events. */
    @FunctionalInterface
    public interface Progress {
        void update(long virtualMillis, long events, long highestHead);
    }

    private final Scenario scenario;
    private final long seed;
    private Devnet devnet;
    private InvariantChecker checker;
    private SimMetrics metrics;
    private final Set<Integer> byzantine;
    private final TreeSet<Integer> offenders = new TreeSet<>();
    private long highestHead;
    private long highestFinalizedEpoch;
    private long lastFinalizedMillis = -1;
    private boolean producing = true;

    public Simulation(Scenario scenario, long seed) {
        this.scenario = scenario;
        this.seed = seed;
        this.byzantine = new HashSet<>(scenario.byzantine());
    }

    private long duration() {
        return scenario.length().durationMillis(scenario.slotMillis());
    }

    /** Runs the scenario to its end or its first violation. */
    public SimReport run(Progress progress) throws Exception {
        build();
        long duration = scenario.length().durationMillis(scenario.slotMillis());
        long[] calls = {0};
        Devnet.Summary summary;
        try {
            summary = devnet.run(scenario.length().blocks(), duration, () -> {
                if ((++calls[0] & 4095) == 0) {
                    progress.update(devnet.events().millis() - Devnet.SEEDED_START_MILLIS, devnet.events().executed(),
                            highestHead);
                }
                return checker.violated();
            });
        } catch (Exception | StackOverflowError e) {
            checker.fail("no exception escapes a node", e.getClass().getSimpleName() + ": " + e.getMessage());
            summary = null;
        }
        producing = false;
        checkLiveness();
        return report(summary);
    }

    private void build() throws Exception {
        HashDrbg random = new HashDrbg(seed ^ 0x5eed5eedL);
        boolean exponential = "pow".equals(scenario.engine()) && scenario.powTickMillis() == 0;
        int powTicks = exponential ? 1
                : scenario.powTickMillis() > 0 ? (int) (scenario.slotMillis() / scenario.powTickMillis()) : 0;
        Map<String, String> engineParams = new TreeMap<>(scenario.engineParams());
        if (exponential) {
            engineParams.putIfAbsent(mvpos.consensus.PowEngine.DIFFICULTY, ExponentialMining.DIFFICULTY);
        }
        Devnet.Config config = new Devnet.Config(scenario.engine(), scenario.validators(), scenario.slotMillis(), 20, 10,
                seed, Devnet.SEEDED_START_MILLIS, false,
                exponential ? ExponentialMining.ATTEMPTS : powTicks > 0 ? 1 : 50, engineParams,
                "ffg".equals(scenario.finality()) ? mvpos.state.CasperFfg.NAME : null, scenario.epochSlots());
        List<Long> stakes = scenario.stakes().draw(scenario.validators(), random);
        NetworkModel links = NetworkModel.of(scenario.network(), scenario.nodes(), random);
        int[][] neighbours = NetworkModel.neighbours(scenario.network().topology(), scenario.nodes(), random);
        long[] skew = new long[scenario.nodes()];
        for (Scenario.Fault fault : scenario.faults()) {
            if (fault instanceof Scenario.ClockSkew s) {
                skew[s.node()] = s.skewMillis();
            }
        }
        boolean hosting = scenario.nodes() < scenario.validators(); // each node runs several validators
        DevnetSetup setup = new DevnetSetup(hosting ? 0 : scenario.nodes() - scenario.validators(), stakes, links,
                neighbours, skew, links.delayBound() + 2 * scenario.slotMillis(), powTicks,
                hosting ? scenario.nodes() : 0);
        devnet = new Devnet(config, head -> highestHead = Math.max(highestHead, head.height()),
                index -> byzantine.contains(index) ? doubleVoter(index)
                        : exponential ? ExponentialMining.strategy() : null, setup);
        if (exponential) {
            long end = duration() > 0 ? Devnet.SEEDED_START_MILLIS + duration() : Long.MAX_VALUE;
            new ExponentialMining(devnet, stakes, scenario.slotMillis(), seed, () -> !producing
                    || scenario.length().blocks() > 0 && highestHead >= scenario.length().blocks()
                    || devnet.events().millis() >= end).start();
        }
        checker = new InvariantChecker(() -> devnet.events().millis() - Devnet.SEEDED_START_MILLIS,
                devnet.transitions()::get);
        Map<mvpos.crypto.Address, Integer> honest = new HashMap<>();
        List<mvpos.crypto.KeyPair> keys = devnet.keys();
        for (int i = 0; i < scenario.validators(); i++) {
            if (!byzantine.contains(i)) {
                honest.put(keys.get(i).address(), i);
            }
        }
        checker.honestValidators(honest);
        metrics = new SimMetrics(scenario.nodes(), () -> devnet.events().millis());
        devnet.onNodeStarted((node, index) -> {
            metrics.watch(node, index);
            if (!byzantine.contains(index)) {
                checker.watch(node, index);
            }
        });
        devnet.onFinality(event -> {
            if (event.kind().equals("finalized")) {
                metrics.finalized(event.epoch(), event.timeMillis());
                highestFinalizedEpoch = Math.max(highestFinalizedEpoch, event.epoch());
                lastFinalizedMillis = event.timeMillis() - Devnet.SEEDED_START_MILLIS;
            }
        });
        devnet.onEvidence(event -> {
            if (event.offenderNode() >= 0) {
                offenders.add(event.offenderNode());
            }
        });
        for (int b : byzantine) {
            devnet.network().setBridge(b, true);
        }
        if ("ffg".equals(scenario.finality())) {
            devnet.network().tap((from, to, message) -> {
                if (message instanceof mvpos.net.Message.NewVote v) {
                    checker.heard(v.vote());
                    DoubleVoter voter = doubleVoters.isEmpty() ? null : doubleVoters.get(to);
                    if (voter != null) {
                        voter.echo(v.vote(), devnet.events().millis());
                    }
                }
            });
        }
        schedule();
    }

    /**
     * Byzantine validator {@code index}'s strategy: a {@link DoubleVoter} that echoes every honest vote it
     * hears (it bridges the partition, so it hears both sides) to the side the vote came from.
     */
    private DoubleVoter doubleVoter(int index) {
        DoubleVoter voter = DoubleVoter.echoing(vote -> route(index, vote));
        doubleVoters.put(index, voter);
        return voter;
    }

    private final Map<Integer, DoubleVoter> doubleVoters = new HashMap<>();

    /**
     * A byzantine validator's vote, sent only to the honest nodes whose chain has the block it was made on
     * (its head: the side of the partition it is meant for), never to a node that got another vote of this
     * validator for the same target epoch (an adversary hides its pairs from honest nodes; a target can be a
     * block both sides share, the head never is), and remembered: two votes of one validator for one target
     * epoch are slashable, and their stake is what the attack proves slashable.
     */
    private void route(int from, mvpos.chain.Vote vote) {
        String key = from + ":" + vote.targetEpoch();
        String target = mvpos.crypto.Hex.encode(vote.targetHash());
        String before = targetsVoted.putIfAbsent(key, target);
        if (before != null && !before.equals(target)) {
            offenders.add(from);
        }
        String head = mvpos.crypto.Hex.encode(vote.headHash());
        Map<Integer, String> told = toldVotes.computeIfAbsent(key, k -> new HashMap<>());
        String signed = vote.sourceEpoch() + ":" + mvpos.crypto.Hex.encode(vote.sourceHash()) + ">" + target;
        for (int to = 0; to < devnet.size(); to++) {
            if (to != from && !devnet.isDown(to) && !byzantine.contains(to)
                    && InvariantChecker.onChain(devnet.node(to), head)
                    && told.getOrDefault(to, signed).equals(signed)) {
                told.put(to, signed);
                devnet.network().sendAcross(from, to, new mvpos.net.Message.NewVote(vote));
            }
        }
    }

    private final Map<String, String> targetsVoted = new HashMap<>();
    /** Per "validator:target epoch": the vote (source and target) each honest node was sent. */
    private final Map<String, Map<Integer, String>> toldVotes = new HashMap<>();

    private void at(long millis, EventQueue.Event event) {
        devnet.events().scheduleAt(Devnet.SEEDED_START_MILLIS + millis, event);
    }

    private void schedule() {
        SimNetwork network = devnet.network();
        for (Scenario.Fault fault : scenario.faults()) {
            switch (fault) {
                case Scenario.Partition p -> {
                    int[] groups = new int[scenario.nodes()];
                    java.util.Arrays.fill(groups, p.groups().size());
                    for (int g = 0; g < p.groups().size(); g++) {
                        for (int node : p.groups().get(g)) {
                            groups[node] = g;
                        }
                    }
                    at(p.startMillis(), () -> network.partition(groups));
                    if (p.healMillis() > 0) {
                        at(p.healMillis(), network::heal);
                    }
                }
                case Scenario.Crash c -> {
                    at(c.startMillis(), () -> devnet.crash(c.node()));
                    if (c.restartMillis() > 0) {
                        at(c.restartMillis(), () -> devnet.restart(c.node()));
                    }
                }
                case Scenario.LateJoin j -> {
                    devnet.crash(j.node()); // not there yet
                    at(j.startMillis(), () -> devnet.restart(j.node()));
                }
                case Scenario.DelaySpike d -> {
                    at(d.startMillis(), () -> network.setExtraDelay(d.extraMillis()));
                    at(d.endMillis(), () -> network.setExtraDelay(0));
                }
                case Scenario.ClockSkew s -> { }
            }
        }
        if (scenario.transactionsPerSecond() > 0) {
            HashDrbg random = new HashDrbg(seed ^ 0x7a7a7a7aL);
            long every = Math.max(1, Math.round(1_000 / scenario.transactionsPerSecond()));
            at(every, new EventQueue.Event() {
                @Override
                public void run() throws Exception {
                    if (!producing) {
                        return;
                    }
                    submitTransfer(random);
                    devnet.events().schedule(every, this);
                }
            });
        }
    }

    /** One transfer of 1 token from a random validator's account to another's, submitted at the sender's node. */
    private void submitTransfer(HashDrbg random) {
        int from = (int) random.nextLong(scenario.validators());
        int to = (int) random.nextLong(scenario.validators());
        int host = devnet.hostOf(from);
        if (devnet.isDown(host) || byzantine.contains(from)) {
            return;
        }
        NodeCore node = devnet.node(host);
        var key = devnet.key(from);
        Transaction tx = Transaction.sign(key, node.domain(), node.nextNonce(key.address()), TxKind.TRANSFER,
                devnet.key(to).address(), 1, 1);
        devnet.gossip(host).submit(tx);
    }

    /** After the last fault heals, finality (or one common head) must come back within the scenario's bound. */
    private void checkLiveness() {
        if (scenario.livenessMillis() == 0 || checker.violation().isPresent()) {
            return;
        }
        long healed = scenario.lastFaultEndMillis();
        long now = devnet.events().millis() - Devnet.SEEDED_START_MILLIS;
        if (healed == Long.MAX_VALUE || now < healed + scenario.livenessMillis()) {
            return;
        }
        if ("ffg".equals(scenario.finality())) {
            if (lastFinalizedMillis < healed) {
                checker.fail("liveness", "no checkpoint finalized in the " + scenario.livenessMillis()
                        + " ms after the last fault healed at " + healed + " ms");
            }
        } else if (!commonHead()) {
            checker.fail("liveness", "the nodes have no common head " + scenario.livenessMillis()
                    + " ms after the last fault healed at " + healed + " ms");
        }
    }

    private boolean commonHead() {
        HashKey first = null;
        for (int i = 0; i < devnet.size(); i++) {
            if (devnet.isDown(i)) {
                continue;
            }
            HashKey head = HashKey.of(devnet.node(i).head().hash());
            if (first != null && !first.equals(head)) {
                return false;
            }
            first = head;
        }
        return true;
    }

    private SimReport report(Devnet.Summary summary) throws Exception {
        Devnet.ChainSummary chain = devnet.chainSummary();
        NodeCore reference = devnet.node(0);
        long height = reference.head().height();
        Set<HashKey> canonical = new HashSet<>();
        long txs = 0;
        for (long h = 1; h <= height; h++) {
            Block block = reference.blockAt(h).orElseThrow();
            canonical.add(HashKey.of(block.hash()));
            txs += block.transactions().stream().filter(t -> t.kind() == TxKind.TRANSFER.code()).count();
        }
        List<Long> half = new ArrayList<>();
        List<Long> most = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        long produced = 0;
        long stale = 0;
        for (var entry : metrics.blocks().entrySet()) {
            SimMetrics.Spread s = entry.getValue();
            if (s.height == 0) {
                continue;
            }
            produced++;
            if (!canonical.contains(entry.getKey()) && s.height <= height) {
                stale++;
            }
            if (s.half >= 0) {
                half.add(s.half);
            }
            if (s.most >= 0) {
                most.add(s.most);
            }
            if (s.all >= 0) {
                all.add(s.all);
            }
        }
        Map<String, Long> propagation = new LinkedHashMap<>();
        propagation.put("p50", SimMetrics.percentile(half, 50));
        propagation.put("p90", SimMetrics.percentile(most, 50));
        propagation.put("p100", SimMetrics.percentile(all, 50));
        propagation.put("p50_worst", SimMetrics.percentile(half, 100));
        propagation.put("p90_worst", SimMetrics.percentile(most, 100));
        propagation.put("p100_worst", SimMetrics.percentile(all, 100));
        List<Long> latencies = new ArrayList<>();
        long epochMillis = scenario.epochSlots() * scenario.slotMillis();
        for (long[] f : metrics.finalizedCheckpoints()) {
            if (f[0] > 0) {
                latencies.add(f[1] - (Devnet.SEEDED_START_MILLIS + f[0] * epochMillis));
            }
        }
        Map<String, Long> finalityLatency = new LinkedHashMap<>();
        finalityLatency.put("median", SimMetrics.percentile(latencies, 50));
        finalityLatency.put("max", SimMetrics.percentile(latencies, 100));
        long totalStake = chain.validators().stream().mapToLong(Devnet.ValidatorShare::stake).sum();
        long genesisTotal = 0;
        long slashable = 0;
        for (int i = 0; i < scenario.validators(); i++) {
            long stake = devnet.genesis().accounts().get(devnet.key(i).address()).stake();
            genesisTotal += stake;
            if (offenders.contains(i)) {
                slashable += stake;
            }
        }
        Map<Integer, Long> reorgs = new TreeMap<>(metrics.reorgDepths());
        long virtual = devnet.events().millis() - Devnet.SEEDED_START_MILLIS;
        return new SimReport(scenario.name(), seed, scenario.engine(), scenario.finality(), scenario.nodes(),
                scenario.validators(), virtual, height, produced, produced == 0 ? 0 : (double) stale / produced,
                reorgs, propagation, highestFinalizedEpoch, finalityLatency, txs, chain.chiSquare(),
                Math.max(0, scenario.validators() - 1), chain.validators(), devnet.events().executed(),
                devnet.network().delivered(), devnet.network().dropped(),
                summary == null ? 0 : summary.nodesOnTheSameHead(), summary == null ? "" : summary.head(), slashable,
                totalStake == 0 ? genesisTotal : genesisTotal, List.copyOf(offenders), checker.violation().orElse(null));
    }

    /** The invariants' checker of the last run. */
    public InvariantChecker checker() {
        return checker;
    }

    public SimMetrics metrics() {
        return metrics;
    }

    public Devnet devnet() {
        return devnet;
    }
}
