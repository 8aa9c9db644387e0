package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.DoubleSpender;
import mvpos.adversary.ForkExtender;
import mvpos.crypto.HashDrbg;

/**
 * Nothing at stake: in a longest-chain proof of stake, signing costs nothing, so a rational validator
 * extends every fork. An attacker with share q forks the chain from before its payment ({@link
 * DoubleSpender}, z confirmations). Build: validators follow the fork choice and extend one fork: the
 * attack is Nakamoto's race (Rosenfeld's formula). Attack: {@link ForkExtender}s extend both forks, the
 * attacker's fork grows with every slot and the double-spend always succeeds. Improve: equivocation
 * slashing makes extending both forks cost the deposit; validators extend one, and the race is back.
 */
public final class NothingAtStakeLab implements Lab {
    static final String BOTH = "Poelstra 2014, On stake and consensus; Buterin 2014, On stake (nothing at stake):"
            + " when every validator extends both forks, the attacker's fork grows every slot and wins: 1";

    @Override
    public String name() {
        return "nothing-at-stake";
    }

    @Override
    public String summary() {
        return "validators that extend every fork make any double-spend succeed; equivocation slashing restores the race";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("q", "0.1,0.2,0.3", "the attacker's share of the stake (sweep)", 0.001, 0.49),
                LabParam.integer("z", "6", "confirmations the merchant waits for", 1, 50),
                LabParam.integer("trials", "20000", "payments attacked per seed and point", 100, 10_000_000));
    }

    @Override
    public String xAxis() {
        return "q";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "probability the payment is reversed, validators extend one fork";
            case ATTACK -> "probability the payment is reversed, validators extend every fork";
            case IMPROVE -> "probability the payment is reversed, extending two forks slashed";
        };
    }

    @Override
    public String model() {
        return "a focused model of a slot-by-slot race between the public fork and the attacker's (published)"
                + " fork: each slot's proposer is the attacker's with probability q; the others are ForkExtenders";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        return sweep(context, Point.Act.BUILD, null);
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        return sweep(context, Point.Act.ATTACK, new ForkExtender(false));
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        return sweep(context, Point.Act.IMPROVE, new ForkExtender(true));
    }

    private List<Point> sweep(LabContext context, Point.Act act, ForkExtender validators) throws Exception {
        int z = context.params().integer("z");
        int trials = context.params().integer("trials");
        List<Point> points = new ArrayList<>();
        for (double q : context.params().list("q")) {
            boolean both = validators != null && validators.extendsBothForks();
            Estimate success = context.measureShare(act.label() + " q=" + q,
                    (random, seed) -> successRate(random, q, z, trials, both));
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("q", q);
            params.put("z", z);
            points.add(new Point(act, params, success, both ? 1.0 : DoubleSpendLab.catchUp(q, z),
                    both ? BOTH : DoubleSpendLab.NAKAMOTO));
        }
        return points;
    }

    /** The share of payments reversed when the honest validators do ({@code both}) or do not extend both forks. */
    static double successRate(HashDrbg random, double q, int z, int trials, boolean both) {
        int giveUp = DoubleSpender.giveUpDeficit(z, q, DoubleSpendLab.LOST_SHARE);
        long won = 0;
        for (int t = 0; t < trials; t++) {
            DoubleSpender attacker = new DoubleSpender(z, giveUp);
            DoubleSpender.Outcome outcome = DoubleSpender.Outcome.RACING;
            while (outcome == DoubleSpender.Outcome.RACING) {
                if (LabContext.uniform(random) < q) {
                    outcome = attacker.attackerBlock();
                } else {
                    outcome = attacker.honestBlock();
                    if (both && outcome == DoubleSpender.Outcome.RACING) {
                        outcome = attacker.attackerBlock(); // the same proposer signs on the attacker's fork too
                    }
                }
            }
            if (outcome == DoubleSpender.Outcome.WON) {
                won++;
            }
        }
        return (double) won / trials;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        for (Point p : points) {
            if (p.act() == Point.Act.ATTACK && p.estimate().mean() < 1) {
                failures.add("a double-spend failed although everyone extended both forks at q=" + p.params().get("q"));
            }
            if (p.act() == Point.Act.IMPROVE && p.estimate().mean() >= 0.5) {
                failures.add("slashing did not restore the race at q=" + p.params().get("q"));
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "when validators extend every fork, every double-spend succeeds whatever the attacker's stake;"
                + " with equivocation slashing they extend one and the success falls back to Nakamoto's race ("
                + agree + " of " + points.size() + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
