package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.RealSelfishMiner;
import mvpos.adversary.SelfishMiner;
import mvpos.chain.ChainStore;
import mvpos.consensus.PowEngine;
import mvpos.consensus.forkchoice.HeaviestChain;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;
import mvpos.sim.Devnet;
import mvpos.sim.DevnetSetup;
import mvpos.sim.SimNetwork;

/**
 * Selfish mining on real nodes: a devnet of proof-of-work nodes in virtual time, the last of them a pool
 * with share alpha of the hash power. Build: the pool mines honestly and its share of the final chain is
 * alpha. Attack: the pool is a {@link RealSelfishMiner} (Eyal and Sirer's Algorithm 1 on the node's own
 * code: it mines on its private tip and releases when the others' blocks arrive); its share of the final
 * chain is set against Eyal and Sirer's formula at the gamma measured in the same runs (the share of ties
 * the others decided on the pool's block). The pool's links have a latency of their own, so that a
 * well-connected pool (a low latency) wins ties. Improve: the same attack on a chain whose fork choice
 * breaks ties uniformly ({@code tieBreak: uniform}, Eyal and Sirer's defence): each node keeps either of two
 * equal branches with probability 1/2, so gamma is 1/2 wherever the pool sits, and the pool's share is set
 * against their formula at gamma = 1/2, below alpha for alpha under 1/4.
 */
public final class SelfishMiningDevnetLab implements Lab {
    static final String HONEST = "Nakamoto 2008, section 4: an honest pool's share of the blocks is its hash share a";
    static final String PAPER = "Eyal & Sirer 2014, Majority is not Enough, eq. 8 at the gamma measured on the"
            + " devnet: R = [a(1-a)^2(4a+g(1-2a)) - a^3] / [1 - a(1+(2-a)a)]";
    static final String DEFENCE = "Eyal & Sirer 2014, section 6: with uniform tie-breaking gamma = 1/2, eq. 8 at"
            + " g = 1/2, and selfish mining pays only above a = 1/4";
    /** Eyal and Sirer's gamma under uniform tie-breaking (section 6): its threshold is 1/4. */
    static final double UNIFORM_GAMMA = 0.5;
    /** Slot (block time) of the devnet, ms. */
    static final long SLOT_MILLIS = 1000;
    /** Latency and jitter of the links between honest nodes, ms. */
    static final long LATENCY_MILLIS = 20;
    static final long JITTER_MILLIS = 10;
    /** Proof-of-work ticks per slot: a block's time is known to a tenth of the block time. */
    static final int POW_TICKS = 10;
    /**
     * Nonces a node tries per tick (the difficulty scales with it, so the chance a tick finds a block does
     * not depend on it): few, as the hashing is not what the lab measures.
     */
    static final long ATTEMPTS = 8;
    /** Widening of the interval for the comparison: ticks, natural forks and the end of a finite run. */
    static final double TOLERANCE = 0.03;

    @Override
    public String name() {
        return "selfish-mining-devnet";
    }

    @Override
    public String summary() {
        return "selfish mining on real pow nodes: the withholding pool's share of the final chain against"
                + " Eyal & Sirer at the measured gamma, and with every node breaking ties uniformly (gamma 1/2)";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("alpha", "0.2,0.33", "the pool's share of the hash power (sweep)", 0.05, 0.49),
                LabParam.integers("poolLatency", "1", "latency of the pool's links, ms (sweep; the others' is "
                        + LATENCY_MILLIS + " + up to " + JITTER_MILLIS + " jitter)", 0, 1000),
                LabParam.integer("validators", "10", "nodes, the pool one of them", 3, 32),
                LabParam.integer("blocks", "250", "height of the chain each run ends at", 20, 100_000));
    }

    @Override
    public String xAxis() {
        return "alpha";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "an honest pool's share of the final chain's blocks";
            case ATTACK -> "the selfish pool's share of the final chain's blocks (relative revenue)";
            case IMPROVE -> "the selfish pool's share of the final chain's blocks, every node breaking ties uniformly";
        };
    }

    @Override
    public String model() {
        return "real nodes: a devnet of pow nodes in virtual time (" + SLOT_MILLIS + " ms block time, "
                + POW_TICKS + " mining ticks per block time, constant difficulty, " + LATENCY_MILLIS + " ms + up to "
                + JITTER_MILLIS + " ms latency), the last node a pool with alpha of the hash power, a"
                + " RealSelfishMiner in the attack and improve acts; the others honest, keeping the block seen first"
                + " on a tie, or in the improve act either block with probability 1/2 (fork choice heaviest,"
                + " tieBreak uniform)";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        int latency = context.params().integers("poolLatency").get(0);
        for (double alpha : context.params().list("alpha")) {
            String key = "build alpha=" + alpha;
            Map<Long, Run> runs = runs(context, key, alpha, latency, false, false);
            Estimate share = context.measureShare(key, (random, seed) -> runs.get(seed).revenue());
            points.add(new Point(Point.Act.BUILD, Map.of("alpha", alpha), share, alpha, HONEST, TOLERANCE));
        }
        return points;
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        return selfish(context, false);
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        return selfish(context, true);
    }

    /**
     * The selfish pool at each sweep point, the others breaking ties by first seen or ({@code uniform})
     * uniformly: its share against eq. 8 at the gamma measured, or at 1/2 with the defence.
     */
    private List<Point> selfish(LabContext context, boolean uniform) throws Exception {
        List<Point> points = new ArrayList<>();
        Point.Act act = uniform ? Point.Act.IMPROVE : Point.Act.ATTACK;
        for (int latency : context.params().integers("poolLatency")) {
            for (double alpha : context.params().list("alpha")) {
                String key = act.label() + " alpha=" + alpha + " poolLatency=" + latency;
                Map<Long, Run> runs = runs(context, key, alpha, latency, true, uniform);
                long[] ties = new long[2]; // decided on the pool's block, on the others'
                Estimate revenue = context.measureShare(key, (random, seed) -> {
                    Run run = runs.get(seed);
                    ties[0] += run.tiesOnPool();
                    ties[1] += run.tiesOnHonest();
                    return run.revenue();
                });
                double gamma = ties[0] + ties[1] == 0 ? 0 : (double) ties[0] / (ties[0] + ties[1]);
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("alpha", alpha);
                params.put("poolLatency", latency);
                String measured = "measured gamma = " + String.format(java.util.Locale.ROOT, "%.3f", gamma) + " ("
                        + (ties[0] + ties[1]) + " ties)";
                points.add(uniform
                        ? new Point(act, params, revenue, SelfishMiner.theoreticalRevenue(alpha, UNIFORM_GAMMA),
                                DEFENCE + "; " + measured, TOLERANCE)
                        : new Point(act, params, revenue, SelfishMiner.theoreticalRevenue(alpha, gamma),
                                PAPER + "; " + measured, TOLERANCE));
            }
        }
        return points;
    }

    /** One run's outcome: the pool's share of the final chain and the ties decided by the others. */
    record Run(double revenue, long tiesOnPool, long tiesOnHonest, long height) {
    }

    /**
     * The runs of one point, one per seed of {@link LabContext#measure}, two at a time (each devnet is on its
     * own and seeded, so the result does not depend on the order): by seed.
     */
    static Map<Long, Run> runs(LabContext context, String key, double alpha, long poolLatency, boolean selfish,
                               boolean uniform) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
        try {
            Map<Long, java.util.concurrent.Future<Run>> futures = new LinkedHashMap<>();
            for (int i = 0; i < context.seeds(); i++) {
                long seed = context.seedOf(key, i);
                futures.put(seed, threads.submit(() -> run(context, alpha, poolLatency, seed, selfish, uniform)));
            }
            Map<Long, Run> runs = new LinkedHashMap<>();
            for (Map.Entry<Long, java.util.concurrent.Future<Run>> f : futures.entrySet()) {
                try {
                    runs.put(f.getKey(), f.getValue().get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return runs;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A devnet run to height {@code blocks} with the pool (the last node) selfish or honest, every node's fork
     * choice breaking ties by first seen or ({@code uniform}) uniformly.
     */
    static Run run(LabContext context, double alpha, long poolLatency, long seed, boolean selfish, boolean uniform)
            throws Exception {
        int validators = context.params().integer("validators");
        int blocks = context.params().integer("blocks");
        int pool = validators - 1;
        double rounds = RealSelfishMiner.roundsFor(alpha, validators - 1);
        RealSelfishMiner miner = new RealSelfishMiner(rounds);
        Strategy poolStrategy = selfish ? miner : new HonestPool(rounds);
        Devnet.Config config = new Devnet.Config("pow", validators, SLOT_MILLIS, LATENCY_MILLIS, JITTER_MILLIS, seed,
                Devnet.SEEDED_START_MILLIS, false, ATTEMPTS, Map.of(PowEngine.RETARGET_WINDOW,
                Integer.toString(PowEngine.MAX_RETARGET_WINDOW)), null, 0);
        if (uniform) {
            config = config.withForkChoice(HeaviestChain.NAME, Map.of(HeaviestChain.TIE_BREAK, HeaviestChain.UNIFORM));
        }
        SimNetwork.Links links = (from, to, message, random) -> from == pool || to == pool
                ? new long[] {poolLatency}
                : new long[] {LATENCY_MILLIS + random.nextLong(JITTER_MILLIS + 1)};
        Devnet devnet = new Devnet(config, head -> { }, i -> i == pool ? poolStrategy : null,
                new DevnetSetup(0, List.of(), links, null, new long[0], 0, POW_TICKS));
        devnet.run(0, 0, () -> devnet.node(0).head().height() >= blocks);
        if (selfish) {
            miner.publishAll(devnet.gossip(pool).outbox()); // the race is over: what the pool holds goes out
        }
        devnet.settle();
        Devnet.ChainSummary chain = devnet.chainSummary();
        long poolBlocks = chain.validators().get(pool).proposals();
        return new Run((double) poolBlocks / chain.blocks(), miner.tiesOnPool(), miner.tiesOnHonest(), chain.blocks());
    }

    /** The pool mining honestly: {@code rounds} rounds per tick on its head, each block announced at once. */
    private static final class HonestPool implements Strategy {
        private final double rounds;
        private double owed;

        HonestPool(double rounds) {
            this.rounds = rounds;
        }

        @Override
        public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
            owed += rounds;
            int now = (int) owed;
            owed -= now;
            for (int i = 0; i < now; i++) {
                validator.produceOnHead(nowMillis).ifPresent(outbox::announce);
            }
        }

        @Override
        public String name() {
            return "honest-pool";
        }
    }

    /**
     * Holds when the attack and improve points agree with theory on whether withholding pays (and 80% of all
     * points lie within their interval), and with uniform tie-breaking no pool below 1/4 of the hash power
     * earns significantly more than its share (the low end of its interval is at most alpha).
     */
    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = SelfishMiningLab.disagreements(points, p -> p.act() != Point.Act.BUILD, TOLERANCE,
                p -> p.act().label() + " at " + where(p));
        List<String> defended = new ArrayList<>();
        for (Point p : points) {
            if (p.act() != Point.Act.IMPROVE || p.param("alpha") >= SelfishMiner.threshold(UNIFORM_GAMMA)) {
                continue;
            }
            double alpha = p.param("alpha");
            if (p.estimate().ciLow() > alpha) {
                failures.add("improve at " + where(p) + ": with uniform tie-breaking the pool still earns "
                        + LabReport.number(p.estimate().mean()) + ", more than its share");
            }
            points.stream().filter(a -> a.act() == Point.Act.ATTACK && a.params().equals(p.params())).findFirst()
                    .ifPresent(a -> defended.add(where(p) + ": " + LabReport.number(a.estimate().mean())
                            + " withholding against first-seen, " + LabReport.number(p.estimate().mean())
                            + " against uniform"));
        }
        long agree = points.stream().filter(Point::agrees).count();
        String text = failures.isEmpty()
                ? "on real nodes the withholding pool earns what Eyal & Sirer predict at the measured gamma: more"
                + " than its share above (1-gamma)/(3-2gamma), less below; with uniform tie-breaking gamma is 1/2"
                + " and below 1/4 it earns no more than its share" + (defended.isEmpty() ? "" : " ("
                + String.join("; ", defended) + ")") + " (" + agree + " of " + points.size()
                + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }

    private static String where(Point p) {
        return "alpha=" + p.param("alpha") + " poolLatency=" + p.params().get("poolLatency");
    }
}
