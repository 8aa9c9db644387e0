package mvpos.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mvpos.adversary.DoubleSpender;
import mvpos.crypto.HashDrbg;

/**
 * Double-spending a proof-of-work payment: the attacker with hash share q mines a private chain
 * against a payment with z confirmations ({@link DoubleSpender}). Build: blocks go to miners in
 * proportion to their hash power. Attack: the probability that the payment is reversed, against
 * Rosenfeld's exact form of Nakamoto's section 11 race. Improve: the merchant waits for Casper FFG
 * finality; honest nodes never revert a finalized checkpoint, and a conflicting one needs two thirds
 * of the stake, so an attacker with less than a third of it never succeeds.
 */
public final class DoubleSpendLab implements Lab {
    static final String NAKAMOTO = "Nakamoto 2008, Bitcoin, section 11 (exact negative-binomial form: Rosenfeld"
            + " 2014, Analysis of hashrate-based double spending, eq. 1): r = 1 - sum_{m=0..z} C(m+z-1,m)"
            + " (p^z q^m - p^m q^z)";
    static final String LOTTERY = "Nakamoto 2008, section 4: one CPU one vote; a miner finds the next block"
            + " with probability equal to its hash share q";
    static final String FFG = "Buterin & Griffith 2017, Casper the Friendly Finality Gadget, Theorem 1"
            + " (accountable safety): reverting a finalized block needs 1/3 of the stake slashable, so with"
            + " less than 1/3 the success is 0";
    /** The share of its chances the attacker may lose to its give-up rule (a bias far below the CI). */
    static final double LOST_SHARE = 1e-4;

    @Override
    public String name() {
        return "double-spend";
    }

    @Override
    public String summary() {
        return "an attacker with hash share q reverses a payment with z confirmations (Nakamoto section 11);"
                + " finality stops it";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("q", "0.1,0.2,0.3,0.4", "attacker's share of the hash power (sweep)", 0, 0.49),
                LabParam.integers("z", "1,2,4,6", "confirmations the merchant waits for (sweep)", 1, 50),
                LabParam.integer("trials", "20000", "payments attacked per seed and point", 100, 10_000_000),
                LabParam.integer("blocks", "2000", "blocks mined per seed in the build act", 10, 10_000_000),
                LabParam.integer("epoch", "4", "blocks per finality epoch in the improve act", 1, 64));
    }

    @Override
    public String xAxis() {
        return "q";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "the attacker's share of the blocks mined";
            case ATTACK -> "probability that a payment with z confirmations is reversed";
            case IMPROVE -> "probability that a finalized payment is reversed";
        };
    }

    @Override
    public String model() {
        return "a focused model of the race (each block is the attacker's with probability q, the honest"
                + " miners' otherwise; the block interval drops out of the race), the attacker a"
                + " DoubleSpender state machine; the devnet's PoW engine draws winners the same way";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        int blocks = context.params().integer("blocks");
        List<Point> points = new ArrayList<>();
        for (double q : shares(context)) {
            Estimate share = context.measureShare("build q=" + q, (random, seed) -> {
                long mine = 0;
                for (int i = 0; i < blocks; i++) {
                    if (LabContext.uniform(random) < q) {
                        mine++;
                    }
                }
                return (double) mine / blocks;
            });
            points.add(new Point(Point.Act.BUILD, Map.of("q", q), share, q, LOTTERY));
        }
        return points;
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        int trials = context.params().integer("trials");
        List<Point> points = new ArrayList<>();
        for (int z : context.params().integers("z")) {
            for (double q : shares(context)) {
                Estimate success = context.measureShare("attack q=" + q + " z=" + z,
                        (random, seed) -> successRate(random, q, z, trials));
                points.add(new Point(Point.Act.ATTACK, ordered(q, z), success, catchUp(q, z), NAKAMOTO));
            }
        }
        return points;
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        int trials = context.params().integer("trials");
        int epoch = context.params().integer("epoch");
        List<Point> points = new ArrayList<>();
        for (double q : shares(context)) {
            if (q >= 1.0 / 3) {
                continue; // the guarantee is for less than a third of the stake
            }
            Estimate success = context.measureShare("improve q=" + q,
                    (random, seed) -> finalizedSuccessRate(random, q, epoch, trials));
            points.add(new Point(Point.Act.IMPROVE, ordered(q, "finality"), success, 0.0, FFG));
        }
        return points;
    }

    private static List<Double> shares(LabContext context) {
        return context.params().list("q"); // below 0.5: with half the hash power the attacker always wins
    }

    private static Map<String, Object> ordered(double q, Object z) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("q", q);
        params.put("z", z);
        return params;
    }

    /** The share of {@code trials} payments with z confirmations that an attacker of share q reverses. */
    static double successRate(HashDrbg random, double q, int z, int trials) {
        if (q == 0) {
            return 0;
        }
        int giveUp = DoubleSpender.giveUpDeficit(z, q, LOST_SHARE);
        long won = 0;
        for (int t = 0; t < trials; t++) {
            DoubleSpender attacker = new DoubleSpender(z, giveUp);
            DoubleSpender.Outcome outcome = DoubleSpender.Outcome.RACING;
            while (outcome == DoubleSpender.Outcome.RACING) {
                outcome = LabContext.uniform(random) < q ? attacker.attackerBlock() : attacker.honestBlock();
            }
            if (outcome == DoubleSpender.Outcome.WON) {
                won++;
            }
        }
        return (double) won / trials;
    }

    /**
     * The same race when the merchant waits for finality: the payment's checkpoint is finalized two
     * epochs after its block (justified, then finalized by the next epoch's supermajority link), votes from
     * the honest two thirds of the stake that follow the public chain. The attacker's private chain
     * forks below a finalized checkpoint, so honest nodes refuse it however long it is; it can only win by
     * getting its own conflicting checkpoint finalized, which needs 2/3 of the stake: with share q of
     * the stake it has q, less than 2/3 - q, of the votes it needs.
     */
    static double finalizedSuccessRate(HashDrbg random, double q, int epoch, int trials) {
        int finalizedAt = 2 * epoch + 1;
        int giveUp = DoubleSpender.giveUpDeficit(finalizedAt, Math.max(q, 1e-9), LOST_SHARE);
        long won = 0;
        for (int t = 0; t < trials; t++) {
            DoubleSpender attacker = new DoubleSpender(finalizedAt, giveUp);
            DoubleSpender.Outcome outcome = DoubleSpender.Outcome.RACING;
            while (outcome == DoubleSpender.Outcome.RACING) {
                outcome = LabContext.uniform(random) < q ? attacker.attackerBlock() : attacker.honestBlock();
            }
            boolean privateCheckpointFinalized = q >= 2.0 / 3; // the attacker's own votes are all it gets
            if (outcome == DoubleSpender.Outcome.WON && privateCheckpointFinalized) {
                won++;
            }
        }
        return (double) won / trials;
    }

    /** Rosenfeld's exact probability that an attacker of share q reverses a payment with z confirmations. */
    public static double catchUp(double q, int z) {
        double p = 1 - q;
        if (q >= p) {
            return 1;
        }
        double sum = 0;
        double binomial = 1; // C(m+z-1, m), from m = 0
        for (int m = 0; m <= z; m++) {
            if (m > 0) {
                binomial = binomial * (m + z - 1) / m;
            }
            sum += binomial * (Math.pow(p, z) * Math.pow(q, m) - Math.pow(p, m) * Math.pow(q, z));
        }
        return 1 - sum;
    }

    /** Nakamoto's own Poisson approximation (section 11), for the lab's page. */
    public static double nakamoto(double q, int z) {
        double p = 1 - q;
        double lambda = z * (q / p);
        double sum = 1;
        double poisson = Math.exp(-lambda);
        for (int k = 0; k <= z; k++) {
            if (k > 0) {
                poisson = poisson * lambda / k;
            }
            sum -= poisson * (1 - Math.pow(q / p, z - k));
        }
        return sum;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        List<Point> attack = points.stream().filter(p -> p.act() == Point.Act.ATTACK).toList();
        for (Point p : attack) {
            for (Point other : attack) {
                boolean sameZ = other.params().get("z").equals(p.params().get("z"));
                if (sameZ && other.param("q") > p.param("q") && other.estimate().mean() < p.estimate().mean()) {
                    failures.add("success fell as q rose at z=" + p.params().get("z"));
                }
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        boolean improveZero = points.stream().filter(p -> p.act() == Point.Act.IMPROVE)
                .allMatch(p -> p.estimate().mean() == 0);
        if (!improveZero) {
            failures.add("a finalized payment was reversed");
        }
        String text = failures.isEmpty()
                ? "the attacker's success grows with q and shrinks with z as Nakamoto's race predicts (" + agree
                + " of " + points.size() + " points within their CI); after finality it is 0 below 1/3"
                : String.join("; ", failures.stream().distinct().toList());
        return new Verdict(failures.isEmpty(), text);
    }
}
