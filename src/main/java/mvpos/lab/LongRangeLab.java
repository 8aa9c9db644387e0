package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.LongRangeAttacker;
import mvpos.crypto.HashDrbg;
import mvpos.state.FfgConstants;

/**
 * Long-range attacks on proof of stake. Validators leave the set over time (a share c of the original set
 * each epoch); their keys stay valid signatures of old epochs. Build: the share of an old set that has
 * left after D epochs, 1-(1-c)^D. Attack: a {@link LongRangeAttacker} with those keys rewrites history from D
 * epochs back and a fresh node accepts it once they held 2/3 (a binomial tail). Improve: the node starts
 * from a weak-subjectivity checkpoint no older than the safe period the spec computes, and refuses every
 * history without it.
 */
public final class LongRangeLab implements Lab {
    static final String CHURN = "each validator of the set leaves with probability c per epoch: exited share"
            + " 1-(1-c)^D";
    static final String TAIL = "Buterin 2014, Proof of stake: how I learned to love weak subjectivity: the keys of"
            + " exited validators rewrite history once they held 2/3: P(Binomial(n, 1-(1-c)^D) >= 2n/3)";
    static final String WS = "Ethereum consensus specs, weak subjectivity guide (compute_weak_subjectivity_period,"
            + " SAFETY_DECAY 10%): a checkpoint within the period is never older than a rewritable fork: 0";
    static final long SAFETY_DECAY = 10; // percent, as the spec

    @Override
    public String name() {
        return "long-range";
    }

    @Override
    public String summary() {
        return "keys of long-gone validators rewrite history for a fresh node; a weak-subjectivity checkpoint"
                + " within the safe period stops it";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.integers("age", "25,50,100,110,125,150,200", "epochs back the attacker forks (sweep)", 1,
                        100_000),
                LabParam.numbers("churn", "0.01", "share of the validators that leave per epoch", 0.0001, 0.5),
                LabParam.integer("validators", "100", "validators in the set", 3, 100_000),
                LabParam.integer("trials", "2000", "fresh nodes per seed and point", 10, 10_000_000));
    }

    @Override
    public String xAxis() {
        return "age";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "share of the old validator set that has left";
            case ATTACK -> "probability a fresh node accepts the rewritten history";
            case IMPROVE -> "probability a fresh node with a weak-subjectivity checkpoint accepts it";
        };
    }

    @Override
    public String model() {
        return "a focused model of validator churn and of a fresh node's choice (the node's --checkpoint"
                + " option is not there yet), the attacker a LongRangeAttacker";
    }

    /**
     * The weak-subjectivity period, as the spec computes it for a constant churn: the withdrawal delay plus
     * the epochs over which the exits stay under half the safety decay, {@code SAFETY_DECAY * n / (2 * 100 *
     * churn per epoch)}.
     */
    static long weakSubjectivityPeriod(int validators, double churn) {
        double perEpoch = Math.max(1, churn * validators);
        return FfgConstants.MIN_VALIDATOR_WITHDRAWABILITY_DELAY
                + (long) Math.floor(SAFETY_DECAY * validators / (2 * 100 * perEpoch));
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        return sweep(context, Point.Act.BUILD);
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        return sweep(context, Point.Act.ATTACK);
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        return sweep(context, Point.Act.IMPROVE);
    }

    private List<Point> sweep(LabContext context, Point.Act act) throws Exception {
        double churn = context.params().number("churn");
        int n = context.params().integer("validators");
        int trials = context.params().integer("trials");
        long period = weakSubjectivityPeriod(n, churn);
        List<Point> points = new ArrayList<>();
        for (int age : context.params().integers("age")) {
            double left = 1 - Math.pow(1 - churn, age);
            Estimate estimate = context.measureShare(act.label() + " age=" + age, (random, seed) -> {
                double sum = 0;
                for (int t = 0; t < trials; t++) {
                    int exited = exited(random, n, churn, age);
                    switch (act) {
                        case BUILD -> sum += (double) exited / n;
                        case ATTACK -> sum += LongRangeAttacker.accepted(age, -1, exited, n) ? 1 : 0;
                        case IMPROVE -> {
                            long checkpointAge = random.nextLong(period + 1);
                            sum += LongRangeAttacker.accepted(age, checkpointAge, exited, n) ? 1 : 0;
                        }
                    }
                }
                return sum / trials;
            });
            double theory = switch (act) {
                case BUILD -> left;
                case ATTACK -> binomialTail(n, left, (int) Math.ceil(2.0 * n / 3));
                case IMPROVE -> age <= period ? binomialTail(n, left, (int) Math.ceil(2.0 * n / 3)) : 0.0;
            };
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("age", age);
            params.put("checkpoint", act == Point.Act.IMPROVE ? "within " + period : "none");
            points.add(new Point(act, params, estimate, theory, act == Point.Act.BUILD ? CHURN
                    : act == Point.Act.ATTACK ? TAIL : WS, act == Point.Act.BUILD ? 0 : 1.0 / trials));
        }
        return points;
    }

    /** How many of the n validators of D epochs ago have left since, each with probability c per epoch. */
    static int exited(HashDrbg random, int n, double churn, int age) {
        double left = 1 - Math.pow(1 - churn, age);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (LabContext.uniform(random) < left) {
                count++;
            }
        }
        return count;
    }

    /** P(Binomial(n, p) >= k). */
    static double binomialTail(int n, double p, int k) {
        double sum = 0;
        for (int x = k; x <= n; x++) {
            sum += Math.exp(logChoose(n, x) + x * Math.log(p) + (n - x) * Math.log1p(-p));
        }
        return Math.min(1, sum);
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        boolean anySuccess = points.stream().anyMatch(p -> p.act() == Point.Act.ATTACK && p.estimate().mean() > 0.5);
        if (!anySuccess) {
            failures.add("no age at which the rewrite succeeds: sweep older forks (e.g. --param age=150,300)");
        }
        if (points.stream().anyMatch(p -> p.act() == Point.Act.IMPROVE && p.estimate().mean() > 0)) {
            failures.add("a node with a weak-subjectivity checkpoint accepted a rewritten history");
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "once 2/3 of an old set has left, its keys rewrite history for a fresh node; a checkpoint within"
                + " the weak-subjectivity period rejects every such history (" + agree + " of " + points.size()
                + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
