package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mvpos.adversary.DoubleSpender;
import mvpos.adversary.EclipseDoubleSpender;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.consensus.BlockTree;
import mvpos.consensus.PowEngine;
import mvpos.crypto.Address;
import mvpos.net.Message;
import mvpos.sim.Devnet;
import mvpos.sim.DevnetSetup;
import mvpos.sim.SimNetwork;

/**
 * An eclipse on real nodes: a devnet of proof-of-work miners, the last of them an attacker with share q of
 * the hash power, and a merchant's node (a follower, which does not mine) that ships after z
 * confirmations. Each trial is a fresh devnet and one payment the attacker tries to reverse
 * ({@link EclipseDoubleSpender}). Build: the merchant among honest peers; the attacker races in private
 * (Nakamoto's section 11). Attack: the attacker holds every peer slot of the merchant's node
 * ({@link SimNetwork#eclipse}) and feeds it a private chain with the payment; the honest chain carries the
 * same coins elsewhere. Improve: the same takeover, but the node keeps anchor connections to honest
 * peers (Heilman et al. 2015, section 6); not holding every slot, the attacker is back to the race.
 */
public final class EclipseDevnetLab implements Lab {
    static final String RACE = DoubleSpendLab.NAKAMOTO;
    static final String ECLIPSED = "Heilman, Kendler, Zohar & Goldberg 2015, Eclipse Attacks on Bitcoin's"
            + " Peer-to-Peer Network, section 1 (N-confirmation double spending): a victim whose every peer is the"
            + " attacker's sees no other chain, so with q > 0 its private chain reaches z blocks for sure; when"
            + " the eclipse ends the honest chain (share 1 - q > q) is longer and replaces it: success 1";
    static final String ANCHORED = "Heilman et al. 2015, section 6 (anchor connections): an honest peer kept"
            + " gives the victim the public chain, so the attacker is back to Nakamoto's race: " + RACE;
    /** Slot (block time) of the devnet, ms. */
    static final long SLOT_MILLIS = 1000;
    static final long LATENCY_MILLIS = 20;
    static final long JITTER_MILLIS = 10;
    /** Proof-of-work ticks per slot. */
    static final int POW_TICKS = 10;
    /** Nonces a node tries per tick (the difficulty scales with it). */
    static final long ATTEMPTS = 8;
    /** The head height the attack starts at. */
    static final long START_HEIGHT = 2;
    /** Blocks the merchant's node waits for after the attacker published, so that a tie is decided. */
    static final int SETTLING_BLOCKS = 2;
    /** The share of its chances the racing attacker may lose to its give-up rule. */
    static final double LOST_SHARE = 1e-2;
    /** The longest a trial runs, in block times of virtual time, per confirmation, divided by q. */
    static final long SLOTS_PER_CONFIRMATION = 40;
    /**
     * Widening of the interval for the comparison: ticks (a block's time known to a tenth of the block
     * time), natural forks of the honest miners, the latency before the public transfer is in their pools.
     */
    static final double TOLERANCE = 0.04;

    /** How the merchant's node is linked in an act. */
    enum Links {
        /** Among honest peers (full mesh). */
        OPEN,
        /** Every peer slot the attacker's. */
        ECLIPSED,
        /** The attacker's, but for anchor connections to honest peers. */
        ANCHORED
    }

    @Override
    public String name() {
        return "eclipse-devnet";
    }

    @Override
    public String summary() {
        return "on real pow nodes an attacker that owns every peer slot of a merchant's node reverses its payment"
                + " for sure; anchor connections bring it back to Nakamoto's race";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("q", "0.2,0.3", "the attacker's share of the hash power (sweep)", 0.01, 0.45),
                LabParam.integers("z", "2", "confirmations the merchant waits for (sweep)", 1, 6),
                LabParam.integer("trials", "30", "payments attacked (fresh devnets) per seed and point", 2, 100_000),
                LabParam.integer("anchors", "2", "anchor connections kept in the improve act", 1, 8),
                LabParam.integer("validators", "4", "mining nodes, the attacker one of them", 3, 32));
    }

    @Override
    public String xAxis() {
        return "q";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "share of payments reversed after z confirmations, merchant among honest peers";
            case ATTACK -> "share of payments reversed after z confirmations, merchant eclipsed";
            case IMPROVE -> "share of payments reversed after z confirmations, eclipse with anchor connections";
        };
    }

    @Override
    public String model() {
        return "real nodes: a devnet of pow nodes in virtual time (" + SLOT_MILLIS + " ms block time, " + POW_TICKS
                + " mining ticks per block time, constant difficulty, " + LATENCY_MILLIS + " ms + up to " + JITTER_MILLIS
                + " ms latency, full mesh), the last miner an EclipseDoubleSpender with q of the hash power, and a"
                + " merchant's node that does not mine; one fresh devnet per payment";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        return act(context, Point.Act.BUILD, Links.OPEN);
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        return act(context, Point.Act.ATTACK, Links.ECLIPSED);
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        return act(context, Point.Act.IMPROVE, Links.ANCHORED);
    }

    private List<Point> act(LabContext context, Point.Act act, Links links) throws Exception {
        List<Point> points = new ArrayList<>();
        for (int z : context.params().integers("z")) {
            for (double q : context.params().list("q")) {
                String key = act.label() + " q=" + q + " z=" + z;
                Map<Long, Double> shares = shares(context, key, q, z, links);
                Estimate success = context.measureShare(key, (random, seed) -> shares.get(seed));
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("q", q);
                params.put("z", z);
                double theory = links == Links.ECLIPSED ? 1.0 : DoubleSpendLab.catchUp(q, z);
                String source = switch (links) {
                    case OPEN -> RACE;
                    case ECLIPSED -> ECLIPSED;
                    case ANCHORED -> ANCHORED;
                };
                points.add(new Point(act, params, success, theory, source, TOLERANCE));
            }
        }
        return points;
    }

    /**
     * The share of successful trials for each seed of {@link LabContext#measure}, the trials run two at a
     * time (each devnet is on its own and seeded, so the result does not depend on the order).
     */
    private static Map<Long, Double> shares(LabContext context, String key, double q, int z, Links links)
            throws Exception {
        int trials = context.params().integer("trials");
        ExecutorService threads = Executors.newFixedThreadPool(
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
        try {
            Map<Long, List<Future<Boolean>>> futures = new LinkedHashMap<>();
            for (int i = 0; i < context.seeds(); i++) {
                long seed = context.seedOf(key, i);
                List<Future<Boolean>> runs = new ArrayList<>();
                for (int t = 0; t < trials; t++) {
                    long trialSeed = seed + t * 0x9E3779B97F4A7C15L;
                    runs.add(threads.submit(() -> trial(context, q, z, links, trialSeed).reversed()));
                }
                futures.put(seed, runs);
            }
            Map<Long, Double> shares = new LinkedHashMap<>();
            for (Map.Entry<Long, List<Future<Boolean>>> seed : futures.entrySet()) {
                long won = 0;
                for (Future<Boolean> run : seed.getValue()) {
                    try {
                        won += run.get() ? 1 : 0;
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
                shares.put(seed.getKey(), (double) won / trials);
            }
            return shares;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * One payment attacked: whether the merchant's node saw it with z confirmations ({@code accepted}) and
     * ended without it ({@code lost}), and the attacker's last phase.
     */
    record Trial(boolean accepted, boolean lost, EclipseDoubleSpender.Phase phase) {
        boolean reversed() {
            return accepted && lost;
        }
    }

    /** The merchant's node's view of the payment, kept up to date at each change of its head. */
    private static final class MerchantView {
        boolean accepted;
        boolean paid;
    }

    /** One trial on a fresh devnet: the attacker is the last miner, the merchant's node the follower after it. */
    static Trial trial(LabContext context, double q, int z, Links links, long seed) throws Exception {
        int validators = context.params().integer("validators");
        int attacker = validators - 1;
        int merchant = validators;
        Address merchantAddress = address("merchant", seed);
        long amount = 1_000;
        EclipseDoubleSpender.Spend spend = new EclipseDoubleSpender.Spend(merchantAddress, address("elsewhere", seed),
                amount, 1);
        Devnet[] devnet = new Devnet[1];
        EclipseDoubleSpender.Wire wire = new EclipseDoubleSpender.Wire() {
            @Override
            public void toVictim(Block block) {
                devnet[0].network().endpointOf(attacker).send(SimNetwork.peerOf(merchant), new Message.NewBlock(block));
            }

            @Override
            public void toHonest(Transaction transaction) {
                SimNetwork.Endpoint endpoint = devnet[0].network().endpointOf(attacker);
                for (int i = 0; i < attacker; i++) {
                    endpoint.send(SimNetwork.peerOf(i), new Message.NewTransaction(transaction));
                }
            }
        };
        EclipseDoubleSpender spender = new EclipseDoubleSpender(
                mvpos.adversary.RealSelfishMiner.roundsFor(q, validators - 1), z,
                DoubleSpender.giveUpDeficit(z, q, LOST_SHARE), links == Links.ECLIPSED, START_HEIGHT, spend, wire);
        Devnet.Config config = new Devnet.Config("pow", validators, SLOT_MILLIS, LATENCY_MILLIS, JITTER_MILLIS, seed,
                Devnet.SEEDED_START_MILLIS, false, ATTEMPTS, Map.of(PowEngine.RETARGET_WINDOW,
                Integer.toString(PowEngine.MAX_RETARGET_WINDOW)), null, 0);
        devnet[0] = new Devnet(config, head -> { }, i -> i == attacker ? spender : null,
                new DevnetSetup(1, List.of(), null, null, new long[0], 0, POW_TICKS));
        SimNetwork network = devnet[0].network();
        switch (links) {
            case OPEN -> { }
            case ECLIPSED -> network.eclipse(merchant, Set.of(attacker));
            case ANCHORED -> network.eclipse(merchant, Set.of(attacker), context.params().integer("anchors"));
        }
        BlockTree tree = devnet[0].node(merchant).tree();
        MerchantView view = new MerchantView();
        devnet[0].node(merchant).onHeadChanged(change -> {
            int confirmations = EclipseDoubleSpender.confirmationsOf(tree.head(), tree, merchantAddress, amount);
            view.paid = confirmations > 0;
            if (confirmations >= z && !view.accepted) {
                view.accepted = true; // the merchant ships; the attacker, its customer, sees the goods leave
                spender.merchantShipped(devnet[0].gossip(attacker).outbox());
            }
        });
        boolean[] healed = new boolean[1];
        long[] published = {-1};
        long limit = (long) Math.ceil(SLOTS_PER_CONFIRMATION * (z + 1) / q) * SLOT_MILLIS;
        devnet[0].run(0, limit, () -> {
            EclipseDoubleSpender.Phase phase = spender.phase();
            if (links == Links.ECLIPSED) {
                if (!healed[0] && phase == EclipseDoubleSpender.Phase.SHIPPED && view.accepted) {
                    network.heal(merchant); // the eclipse ends once the merchant has shipped
                    healed[0] = true;
                }
                return healed[0] && !view.paid;
            }
            if (phase == EclipseDoubleSpender.Phase.WON && published[0] < 0) {
                published[0] = spender.privateTip().orElseThrow().height();
            }
            // Published: two more blocks decide a tie with an honest block found while the chain was on the way.
            return phase == EclipseDoubleSpender.Phase.GAVE_UP
                    || published[0] >= 0 && tree.head().height() >= published[0] + SETTLING_BLOCKS;
        });
        if (spender.phase() == EclipseDoubleSpender.Phase.WON) {
            devnet[0].settle(); // what is on the way arrives
        }
        return new Trial(view.accepted, !view.paid, spender.phase());
    }

    /** A made-up address for a role in a trial (no key: nothing is ever sent from it). */
    private static Address address(String role, long seed) {
        return Address.of((role + ":" + seed).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        for (Point p : points) {
            if (!p.agrees()) {
                failures.add(p.act().label() + " at q=" + p.param("q") + " z=" + p.params().get("z") + ": measured "
                        + String.format(java.util.Locale.ROOT, "%.3f", p.estimate().mean()) + ", theory "
                        + String.format(java.util.Locale.ROOT, "%.3f", p.theory()));
            }
        }
        for (Point attack : points) {
            if (attack.act() != Point.Act.ATTACK) {
                continue;
            }
            for (Point other : points) {
                boolean same = other.act() != Point.Act.ATTACK && other.params().equals(attack.params());
                if (same && attack.estimate().ciLow() <= other.estimate().ciHigh()) {
                    failures.add("the eclipse did not raise the success above the " + other.act().label()
                            + " act at q=" + attack.param("q") + " z=" + attack.params().get("z"));
                }
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        String text = failures.isEmpty()
                ? "a merchant's node whose every peer is the attacker's loses its payment in nearly every trial,"
                + " far above Nakamoto's race among honest peers; anchor connections bring it back to the race ("
                + agree + " of " + points.size() + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
