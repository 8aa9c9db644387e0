package mvpos.lab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.adversary.DoubleSpender;
import mvpos.adversary.RealDoubleSpender;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.consensus.PowEngine;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.HashKey;
import mvpos.crypto.KeyPair;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;
import mvpos.sim.DevnetSetup;

/**
 * Double-spending on real proof-of-work nodes: a devnet in virtual time, node 0 the merchant's, the last
 * {@code members} nodes an attacker with share q of the hash power ({@link RealDoubleSpender}, its members
 * mining on one private tip through a {@link mvpos.adversary.Coalition}). Build: the same nodes mine in public
 * and pay honestly; no payment is reverted. Attack: the attacker pre-mines a conflicting transfer, pays, races
 * in private and publishes once the payment has z confirmations and its chain is longer: the share of
 * payments the merchant's final chain no longer holds, against Rosenfeld's exact form of Nakamoto's race.
 * Improve: the same chain with Casper FFG (pow blocks, stake-weighted finality: the hybrid {@code --engine pow
 * --finality ffg}), the attacker holding less than a third of the stake and racing by the same rule, the
 * merchant shipping a payment only once its node finalized the payment's block: the share of shipped payments
 * later reversed is 0 (the attacker still reverses payments, but only before they are finalized, and every
 * node, its own included, refuses a block on a branch that leaves a finalized checkpoint out).
 */
public final class DoubleSpendDevnetLab implements Lab {
    static final String HONEST = "Nakamoto 2008, section 11: with no attacker, a confirmed payment is never"
            + " reversed (0)";
    /**
     * The share of its chances the attacker may lose to its give-up rule: the bias of the measurement, below
     * 0.001 of the success, far below the interval.
     */
    static final double LOST_SHARE = 1e-3;
    /** Slot (mean block time) of the devnet, ms. */
    static final long SLOT_MILLIS = 1000;
    /** Latency and jitter of the links, ms. */
    static final long LATENCY_MILLIS = 20;
    static final long JITTER_MILLIS = 10;
    /** Proof-of-work ticks per slot: a block's time is known to a tenth of the block time. */
    static final int POW_TICKS = 10;
    /** Nonces a node tries per tick (the difficulty scales with it): few, hashing is not what is measured. */
    static final long ATTEMPTS = 8;
    /** Blocks mined after the last payment, before the run settles (what an orphaned payment needs to come back). */
    static final int SETTLE_BLOCKS = 3;
    /** What each payment moves. */
    static final long AMOUNT = 1_000;
    /** An honest validator's stake in the improve act. */
    static final long HONEST_STAKE = 1_000;
    /**
     * Widening of the interval for the comparison: natural forks among honest nodes (blocks found within a
     * latency of each other) and a payment that misses the first honest block slow the honest chain a little.
     */
    static final double TOLERANCE = 0.03;

    @Override
    public String name() {
        return "double-spend-devnet";
    }

    @Override
    public String summary() {
        return "double-spending on real pow nodes: an attacker with hash share q reverses a payment with z"
                + " confirmations as Nakamoto's race predicts; with pow+ffg finality it never does";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("q", "0.1,0.2,0.3,0.4", "attacker's share of the hash power (sweep)", 0.05, 0.45),
                LabParam.integers("z", "1,2", "confirmations the merchant waits for (sweep)", 1, 6),
                LabParam.integer("payments", "8", "payments attacked per seed and point", 1, 10_000),
                LabParam.integer("honest", "3", "honest nodes, node 0 the merchant's", 2, 16),
                LabParam.integer("members", "2", "nodes the attacker's hash power is spread over (a coalition)", 1, 4),
                new LabParam("stake", "0.25", "attacker's share of the stake in the improve act (below 1/3)",
                        LabParam.Kind.NUMBER, 0, 0.33),
                LabParam.integer("epoch", "2", "blocks per finality epoch in the improve act", 1, 16));
    }

    @Override
    public String xAxis() {
        return "q";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "share of honest payments with z confirmations later reversed";
            case ATTACK -> "share of payments with z confirmations reversed by the attacker";
            case IMPROVE -> "share of finalized payments reversed by the attacker (pow+ffg)";
        };
    }

    @Override
    public String model() {
        return "real nodes: a devnet of pow nodes in virtual time (" + SLOT_MILLIS + " ms block time, " + POW_TICKS
                + " mining ticks per block time, constant difficulty, " + LATENCY_MILLIS + " ms + up to "
                + JITTER_MILLIS + " ms latency), node 0 the merchant's; the last nodes a RealDoubleSpender coalition"
                + " with hash share q, giving up " + (int) Math.round(-Math.log10(LOST_SHARE))
                + " orders of magnitude of chance down; the improve act adds Casper FFG (pow+ffg), the attacker's members"
                + " holding the share 'stake' of the stake and not voting, the merchant shipping on finality";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        int z = context.params().integers("z").get(0);
        for (double q : context.params().list("q")) {
            String key = "build q=" + q + " z=" + z;
            Map<Long, Run> runs = runs(context, key, seed -> run(context, q, z, false, true, seed));
            Estimate reverted = context.measureShare(key, (random, seed) -> runs.get(seed).reversedShare());
            points.add(new Point(Point.Act.BUILD, ordered(q, z), reverted, 0.0, HONEST));
        }
        return points;
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        for (int z : context.params().integers("z")) {
            for (double q : context.params().list("q")) {
                String key = "attack q=" + q + " z=" + z;
                Map<Long, Run> runs = runs(context, key, seed -> run(context, q, z, false, false, seed));
                Estimate reverted = context.measureShare(key, (random, seed) -> runs.get(seed).reversedShare());
                points.add(new Point(Point.Act.ATTACK, ordered(q, z), reverted, DoubleSpendLab.catchUp(q, z),
                        DoubleSpendLab.NAKAMOTO, TOLERANCE));
            }
        }
        return points;
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        int z = context.params().integers("z").get(0);
        for (double q : context.params().list("q")) {
            String key = "improve q=" + q;
            Map<Long, Run> runs = runs(context, key, seed -> run(context, q, z, true, false, seed));
            long[] counts = new long[4]; // payments, reversed before finality, refused by finality, shipped
            Estimate reverted = context.measureShare(key, (random, seed) -> {
                Run run = runs.get(seed);
                counts[0] += run.payments();
                counts[1] += run.reversed();
                counts[2] += run.finalizedAgainst();
                counts[3] += run.shipped();
                return run.reversedAfterShippedShare();
            });
            points.add(new Point(Point.Act.IMPROVE, ordered(q, "finalized"), reverted, 0.0, DoubleSpendLab.FFG
                    + "; attacker's stake " + context.params().number("stake") + ", its rule z=" + z + ": of "
                    + counts[0] + " payments it reversed " + counts[1] + " before they were finalized (the merchant"
                    + " had not shipped) and lost " + counts[2] + " races to finality; " + counts[3] + " were"
                    + " finalized, and shipped"));
        }
        return points;
    }

    private static Map<String, Object> ordered(double q, Object z) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("q", q);
        params.put("z", z);
        return params;
    }

    /**
     * One run: payments finished, those the merchant's final chain lost, and (with finality) those the merchant
     * saw finalized (shipped) and of them those it lost, and the attacker's races ended by finality.
     */
    record Run(int payments, int reversed, int shipped, int reversedAfterShipped, int finalizedAgainst, long height) {
        double reversedShare() {
            return payments == 0 ? 0 : (double) reversed / payments;
        }

        double reversedAfterShippedShare() {
            return shipped == 0 ? 0 : (double) reversedAfterShipped / shipped;
        }
    }

    @FunctionalInterface
    interface SeededRun {
        Run run(long seed) throws Exception;
    }

    /** The runs of one point, one per seed, two at a time (each devnet seeded on its own): by seed. */
    static Map<Long, Run> runs(LabContext context, String key, SeededRun run) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
        try {
            Map<Long, java.util.concurrent.Future<Run>> futures = new LinkedHashMap<>();
            for (int i = 0; i < context.seeds(); i++) {
                long seed = context.seedOf(key, i);
                futures.put(seed, threads.submit(() -> run.run(seed)));
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
     * A devnet run until the attacker (or the honest payer) has finished {@code payments} payments, then settled:
     * the payments the merchant's (node 0's) final chain does not hold are the reversed ones. With
     * {@code finality}, Casper FFG runs beside proof of work and the merchant ships a payment once node 0 has
     * finalized a checkpoint at or above its block.
     */
    static Run run(LabContext context, double q, int z, boolean finality, boolean honest, long seed)
            throws Exception {
        int honestNodes = context.params().integer("honest");
        int members = context.params().integer("members");
        int payments = context.params().integer("payments");
        int validators = honestNodes + members;
        Address merchant = KeyPair.generate(new HashDrbg(seed ^ 0x6D65726368616E74L)).address();
        RealDoubleSpender attacker = new RealDoubleSpender(merchant, AMOUNT, z,
                DoubleSpender.giveUpDeficit(z, q, LOST_SHARE), honest);
        double rounds = q * honestNodes / (1 - q) / members;
        List<mvpos.node.Strategy> strategies = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            strategies.add(attacker.member(rounds, new HashDrbg(seed * 31 + i)));
        }
        Devnet.Config config = new Devnet.Config("pow", validators, SLOT_MILLIS, LATENCY_MILLIS, JITTER_MILLIS, seed,
                Devnet.SEEDED_START_MILLIS, false, ATTEMPTS, Map.of(PowEngine.RETARGET_WINDOW,
                Integer.toString(PowEngine.MAX_RETARGET_WINDOW)), null, 0);
        List<Long> stakes = List.of();
        if (finality) {
            config = config.withFfg(context.params().integer("epoch"));
            stakes = stakes(honestNodes, members, context.params().number("stake"));
        }
        Devnet devnet = new Devnet(config, head -> { },
                i -> i >= honestNodes ? strategies.get(i - honestNodes) : null,
                new DevnetSetup(0, stakes, null, null, new long[0], 0, POW_TICKS));
        Set<HashKey> shipped = new HashSet<>();
        NodeCore merchantNode = devnet.node(0);
        long[] shippedUpTo = {0};
        merchantNode.onFinalityChanged(change -> merchantNode.tree().entry(change.finalized().hash())
                .ifPresent(checkpoint -> shippedUpTo[0] = ship(merchantNode, checkpoint, shippedUpTo[0], shipped)));
        long limit = (long) payments * 400 * SLOT_MILLIS; // a bound far above what the payments take
        devnet.run(0, limit, () -> attacker.finished() >= payments);
        // A few blocks more, so that a payment whose block a natural fork orphaned at the very end is mined again.
        long settledAt = merchantNode.tree().head().height() + SETTLE_BLOCKS;
        devnet.run(0, limit, () -> merchantNode.tree().head().height() >= settledAt);
        devnet.settle();
        Set<HashKey> onChain = transactions(merchantNode);
        int reversed = 0;
        int shippedPayments = 0;
        int reversedAfterShipped = 0;
        int finalizedAgainst = 0;
        List<RealDoubleSpender.Attempt> attempts = attacker.attempts();
        attempts = attempts.subList(0, Math.min(payments, attempts.size())); // not those begun after the stop
        for (RealDoubleSpender.Attempt attempt : attempts) {
            HashKey payment = HashKey.of(attempt.payment().hash());
            boolean lost = !onChain.contains(payment);
            reversed += lost ? 1 : 0;
            if (shipped.contains(payment)) {
                shippedPayments++;
                reversedAfterShipped += lost ? 1 : 0;
            }
            finalizedAgainst += attempt.outcome() == RealDoubleSpender.Outcome.FINALIZED_AGAINST ? 1 : 0;
        }
        return new Run(attempts.size(), reversed, shippedPayments, reversedAfterShipped, finalizedAgainst,
                merchantNode.tree().head().height());
    }

    /**
     * The merchant ships what a newly finalized checkpoint covers: the transactions of the blocks from the
     * checkpoint down to the height shipped before. Returns the new height shipped.
     */
    private static long ship(NodeCore node, mvpos.consensus.BlockTree.Entry checkpoint, long shippedUpTo,
                             Set<HashKey> shipped) {
        if (checkpoint.height() <= shippedUpTo) {
            return shippedUpTo;
        }
        mvpos.consensus.BlockTree.Entry at = checkpoint;
        while (at != null && at.height() > shippedUpTo) {
            at.block().transactions().forEach(tx -> shipped.add(HashKey.of(tx.hash())));
            at = node.tree().entry(at.header().parentHash()).orElse(null);
        }
        return checkpoint.height();
    }

    /** Equal honest stakes; the attacker's members share {@code share} of the total. */
    static List<Long> stakes(int honestNodes, int members, double share) {
        List<Long> stakes = new ArrayList<>();
        long attackerEach = Math.max(1, Math.round(share * honestNodes * HONEST_STAKE / (1 - share) / members));
        for (int i = 0; i < honestNodes + members; i++) {
            stakes.add(i < honestNodes ? HONEST_STAKE : attackerEach);
        }
        return stakes;
    }

    /** The hashes of the transactions on a node's canonical chain. */
    private static Set<HashKey> transactions(NodeCore node) throws ChainStore.StoreException {
        Set<HashKey> hashes = new HashSet<>();
        long height = node.tree().head().height();
        for (long h = 1; h <= height; h++) {
            Block block = node.store().blockAt(h).orElseThrow();
            block.transactions().forEach(tx -> hashes.add(HashKey.of(tx.hash())));
        }
        return hashes;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        List<Point> attack = points.stream().filter(p -> p.act() == Point.Act.ATTACK).toList();
        for (Point p : attack) {
            for (Point other : attack) {
                boolean sameZ = other.params().get("z").equals(p.params().get("z"));
                boolean sameQ = other.param("q") == p.param("q");
                if (sameZ && other.param("q") > p.param("q")
                        && other.estimate().ciHigh() < p.estimate().ciLow()) {
                    failures.add("success fell as q rose at z=" + p.params().get("z"));
                }
                if (sameQ && other.param("z") > p.param("z") && other.estimate().ciLow() > p.estimate().ciHigh()) {
                    failures.add("success rose with z at q=" + p.param("q"));
                }
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        if (points.stream().filter(p -> p.act() != Point.Act.ATTACK).anyMatch(p -> p.estimate().mean() != 0)) {
            failures.add("an honest or finalized payment was reversed");
        }
        String text = failures.isEmpty()
                ? "on real nodes the attacker reverses a payment with z confirmations as often as Nakamoto's race"
                + " predicts, more with q and less with z (" + agree + " of " + points.size() + " points within"
                + " their CI); once the payment is finalized (pow+ffg) it never does"
                : String.join("; ", failures.stream().distinct().toList());
        return new Verdict(failures.isEmpty(), text);
    }
}
