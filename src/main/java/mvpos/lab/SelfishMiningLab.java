package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.SelfishMiner;
import mvpos.crypto.HashDrbg;

/**
 * Selfish mining (Eyal and Sirer 2014): a pool with hash share alpha withholds blocks to orphan the
 * honest miners' work and earns more than its share once alpha passes (1-gamma)/(3-2gamma). Build: an
 * honest pool earns alpha. Attack: the {@link SelfishMiner} pool's revenue for each gamma. Improve:
 * the paper's defence, uniform tie-breaking, against a pool that wins every tie on the network
 * (gamma = 1): honest miners pick one of two equal branches at random, which sets gamma to 1/2 and
 * raises the threshold from 0 to 1/4.
 */
public final class SelfishMiningLab implements Lab {
    static final String PAPER = "Eyal & Sirer 2014, Majority is not Enough: Bitcoin Mining is Vulnerable,"
            + " eq. 8: R = [a(1-a)^2(4a+g(1-2a)) - a^3] / [1 - a(1+(2-a)a)], threshold (1-g)/(3-2g)";
    static final String HONEST = "Nakamoto 2008, section 4: an honest pool's share of the blocks is its hash share a";
    static final String DEFENCE = "Eyal & Sirer 2014, section 6 (uniform tie-breaking: g becomes 1/2, threshold"
            + " 1/4), eq. 8 at g = 1/2";

    @Override
    public String name() {
        return "selfish-mining";
    }

    @Override
    public String summary() {
        return "a pool that withholds blocks earns more than its share alpha above (1-gamma)/(3-2gamma);"
                + " uniform tie-breaking raises the bar to 1/4";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("alpha", "0.1,0.2,0.25,0.3,0.35,0.4,0.45", "the pool's share of the hash power"
                        + " (sweep)", 0, 0.49),
                LabParam.shares("gamma", "0,0.5,1", "share of honest miners that mine on the pool's block in a tie"
                        + " (sweep)"),
                LabParam.integer("blocks", "100000", "blocks found per seed and point", 100, 100_000_000));
    }

    @Override
    public String xAxis() {
        return "alpha";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "an honest pool's share of the chain's blocks";
            case ATTACK -> "the selfish pool's relative revenue (share of the chain's blocks)";
            case IMPROVE -> "the selfish pool's relative revenue when honest miners break ties at random";
        };
    }

    @Override
    public String model() {
        return "a focused model of the block race (each block is the pool's with probability alpha), the pool a"
                + " SelfishMiner state machine; propagation is instantaneous except in ties, decided by gamma";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        int blocks = context.params().integer("blocks");
        List<Point> points = new ArrayList<>();
        for (double alpha : context.params().list("alpha")) {
            Estimate share = context.measureShare("build alpha=" + alpha, (random, seed) -> {
                long pool = 0;
                for (int i = 0; i < blocks; i++) {
                    if (LabContext.uniform(random) < alpha) {
                        pool++;
                    }
                }
                return (double) pool / blocks;
            });
            points.add(new Point(Point.Act.BUILD, Map.of("alpha", alpha), share, alpha, HONEST));
        }
        return points;
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        int blocks = context.params().integer("blocks");
        List<Point> points = new ArrayList<>();
        for (double gamma : context.params().list("gamma")) {
            for (double alpha : context.params().list("alpha")) {
                Estimate revenue = context.measureShare("attack alpha=" + alpha + " gamma=" + gamma,
                        (random, seed) -> revenue(random, alpha, gamma, blocks));
                points.add(new Point(Point.Act.ATTACK, params(alpha, gamma), revenue,
                        SelfishMiner.theoreticalRevenue(alpha, gamma), PAPER));
            }
        }
        return points;
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        int blocks = context.params().integer("blocks");
        List<Point> points = new ArrayList<>();
        for (double alpha : context.params().list("alpha")) {
            // The pool reaches every miner first (gamma = 1), but each honest miner picks a branch at random.
            Estimate revenue = context.measureShare("improve alpha=" + alpha,
                    (random, seed) -> revenue(random, alpha, 0.5, blocks));
            points.add(new Point(Point.Act.IMPROVE, params(alpha, "uniform"), revenue,
                    SelfishMiner.theoreticalRevenue(alpha, 0.5), DEFENCE));
        }
        return points;
    }

    private static Map<String, Object> params(double alpha, Object gamma) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("alpha", alpha);
        params.put("gamma", gamma);
        return params;
    }

    /**
     * The selfish pool's relative revenue over {@code blocks} blocks: each is the pool's with probability
     * alpha; in a tie, an honest block extends the pool's branch with probability gamma.
     */
    static double revenue(HashDrbg random, double alpha, double gamma, int blocks) {
        SelfishMiner pool = new SelfishMiner();
        for (int i = 0; i < blocks; i++) {
            if (LabContext.uniform(random) < alpha) {
                pool.poolBlock();
            } else {
                boolean onPool = pool.tie() && LabContext.uniform(random) < gamma;
                pool.honestBlock(onPool ? SelfishMiner.TieBranch.POOL : SelfishMiner.TieBranch.HONEST);
            }
        }
        return pool.relativeRevenue();
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = disagreements(points, p -> p.act() != Point.Act.BUILD && p.theory() != null, 0.01,
                p -> p.act().label() + " at alpha=" + p.param("alpha") + " gamma=" + p.params().get("gamma"));
        long agree = points.stream().filter(Point::agrees).count();
        String text = failures.isEmpty()
                ? "selfish mining pays above (1-gamma)/(3-2gamma) (0.333, 0.25, 0 for gamma 0, 0.5, 1) and not"
                + " below; with uniform tie-breaking a pool that wins every tie needs 1/4 again (" + agree + " of "
                + points.size() + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }

    /**
     * Where the measured revenue and Eyal and Sirer's disagree on whether selfish mining pays (for the
     * points {@code judged}, when theory is further than {@code tolerance} from alpha), and whether fewer
     * than 80% of all points agree with theory within their interval: one line each.
     */
    static List<String> disagreements(List<Point> points, java.util.function.Predicate<Point> judged, double tolerance,
                                      java.util.function.Function<Point, String> where) {
        List<String> failures = new ArrayList<>();
        for (Point p : points) {
            if (!judged.test(p)) {
                continue;
            }
            double alpha = p.param("alpha");
            double predicted = p.theory() - alpha;
            double measured = p.estimate().mean() - alpha;
            if (Math.abs(predicted) > tolerance && Math.signum(predicted) != Math.signum(measured)) {
                failures.add(where.apply(p) + ": theory says selfish mining " + (predicted > 0 ? "pays" : "does not pay")
                        + ", measured the opposite");
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        return failures;
    }
}
