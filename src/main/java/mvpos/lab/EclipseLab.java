package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.Eclipser;
import mvpos.crypto.HashDrbg;

/**
 * Eclipsing a node: a victim picks its k outbound peers from its address table; if all are the
 * attacker's, it sees only the attacker's chain and accepts its double-spend. Build: a table with the
 * attacker's fair share f of the nodes. Attack: an {@link Eclipser} floods the table with addresses before
 * the victim restarts. Improve: outbound peer diversity (one peer per network group, the attacker holding
 * a share f of the groups) and two anchor connections kept from before the restart. Theory:
 * hypergeometric draws (Heilman et al. 2015).
 */
public final class EclipseLab implements Lab {
    static final String DRAW = "Heilman, Kendler, Zohar & Goldberg 2015, Eclipse Attacks on Bitcoin's Peer-to-Peer"
            + " Network, section 5: k peers drawn from a table with A of N entries the attacker's:"
            + " C(A,k)/C(N,k)";
    static final String DEFENCE = "Heilman et al. 2015, section 6 (countermeasures: anchor connections, diverse"
            + " outbound groups): C(Ga,k-2)/C(G,k-2) for the group-diverse peers times C(A0,2)/C(N0,2) for the anchors";
    static final int TABLE = 1000;
    static final int GROUPS = 256;
    static final int ANCHORS = 2;

    @Override
    public String name() {
        return "eclipse";
    }

    @Override
    public String summary() {
        return "an attacker that floods a victim's address table owns all its outbound peers and feeds it a"
                + " double-spend; diverse groups and anchor peers stop it";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("f", "0.1,0.2,0.3,0.4", "the attacker's share of the nodes and network groups (sweep)",
                        0, 0.99),
                LabParam.integer("outbound", "8", "outbound peers the victim picks", 3, 64),
                LabParam.integer("flood", "10000", "addresses the attacker adds to the victim's table", 0, 10_000_000),
                LabParam.integer("trials", "20000", "victim restarts per seed and point", 100, 10_000_000));
    }

    @Override
    public String xAxis() {
        return "f";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "probability the victim is eclipsed (accepts the double-spend), table not flooded";
            case ATTACK -> "probability the victim is eclipsed after the flood";
            case IMPROVE -> "probability the victim is eclipsed after the flood, with diverse groups and 2 anchors";
        };
    }

    @Override
    public String model() {
        return "a focused model of outbound peer selection from an address table of " + TABLE + " nodes in "
                + GROUPS + " network groups; the devnet's simulated network has no address tables";
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
        int k = context.params().integer("outbound");
        int flood = act == Point.Act.BUILD ? 0 : context.params().integer("flood");
        int trials = context.params().integer("trials");
        List<Point> points = new ArrayList<>();
        for (double f : context.params().list("f")) {
            int own = (int) Math.round(f * TABLE);
            int ownGroups = (int) Math.round(f * GROUPS);
            Eclipser attacker = new Eclipser(own, flood);
            Estimate eclipsed = context.measureShare(act.label() + " f=" + f, (random, seed) -> {
                long count = 0;
                for (int t = 0; t < trials; t++) {
                    boolean all = act == Point.Act.IMPROVE
                            ? allFromAttacker(random, ownGroups, GROUPS, k - ANCHORS) && allFromAttacker(random, own, TABLE, ANCHORS)
                            : allFromAttacker(random, attacker.entries(), TABLE + flood, k);
                    if (all) {
                        count++;
                    }
                }
                return (double) count / trials;
            });
            double theory = act == Point.Act.IMPROVE
                    ? hypergeometricAll(ownGroups, GROUPS, k - ANCHORS) * hypergeometricAll(own, TABLE, ANCHORS)
                    : hypergeometricAll(attacker.entries(), TABLE + flood, k);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("f", f);
            params.put("flood", flood);
            points.add(new Point(act, params, eclipsed, theory, act == Point.Act.IMPROVE ? DEFENCE : DRAW,
                    1.0 / trials));
        }
        return points;
    }

    /** Draws {@code k} distinct entries of {@code total}, the first {@code attacker} the attacker's: all of them? */
    static boolean allFromAttacker(HashDrbg random, int attacker, int total, int k) {
        int left = attacker;
        int remaining = total;
        for (int i = 0; i < k; i++) {
            if (random.nextLong(remaining) >= left) {
                return Eclipser.eclipsed(i, k);
            }
            left--;
            remaining--;
        }
        return Eclipser.eclipsed(k, k);
    }

    /** C(a, k) / C(n, k): k distinct draws from n, all among a. */
    static double hypergeometricAll(int a, int n, int k) {
        double p = 1;
        for (int i = 0; i < k; i++) {
            p *= Math.max(0, (double) (a - i)) / (n - i);
        }
        return p;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        Map<Double, Double> attacked = new LinkedHashMap<>();
        Map<Double, Double> built = new LinkedHashMap<>();
        points.stream().filter(p -> p.act() == Point.Act.ATTACK).forEach(p -> attacked.put(p.param("f"), p.estimate().mean()));
        points.stream().filter(p -> p.act() == Point.Act.BUILD).forEach(p -> built.put(p.param("f"), p.estimate().mean()));
        for (Point p : points) {
            double f = p.param("f");
            if (p.act() == Point.Act.ATTACK && built.containsKey(f) && p.estimate().mean() <= built.get(f)) {
                failures.add("the flood did not raise the eclipse probability at f=" + f);
            }
            if (p.act() == Point.Act.IMPROVE && attacked.containsKey(f) && attacked.get(f) > 0
                    && p.estimate().mean() >= attacked.get(f)) {
                failures.add("the defence did not lower the eclipse probability at f=" + f);
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "flooding the address table makes an eclipse likely even for a small attacker; group-diverse"
                + " outbound peers and anchors bring it back to nearly zero (" + agree + " of " + points.size()
                + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
