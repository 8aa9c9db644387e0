package mvpos.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.VoteWithholder;
import mvpos.sim.Devnet;
import mvpos.state.FfgConstants;

/**
 * Stalling Casper FFG: a share of the stake keeps producing blocks but withholds its finality votes
 * ({@link VoteWithholder}), in a real devnet of pos nodes with the ffg gadget, in virtual time. Build:
 * below a third withholding, every epoch is finalized. Attack: above a third, no checkpoint gets two
 * thirds, and finality stops. Improve: the inactivity leak drains the withholders' stake quadratically
 * until the voters hold two thirds again; the lab measures the epochs from the stall to the first new
 * finalized checkpoint against the leak's recurrence (the rewards rules with the chain's constants).
 */
public final class FinalityStallLab implements Lab {
    static final String LIVENESS = "Buterin & Griffith 2017, Casper FFG, section 2: a checkpoint is justified by"
            + " votes of 2/3 of the stake and finalized by the next one: rate 1 with more than 2/3 voting, 0"
            + " with less";
    static final String LEAK = "Ethereum consensus specs (Altair), process_inactivity_updates and"
            + " get_inactivity_penalty_deltas, with this chain's constants (bias 4, quotient 512, delay 4 epochs,"
            + " base reward 1/256): first epoch whose voters hold 2/3, plus the epoch that finalizes it";
    /** The epochs a stall is watched for the attack act, before the leak starts (its delay, 4 epochs, + 1). */
    static final int ATTACK_WINDOW = (int) FfgConstants.MIN_EPOCHS_TO_INACTIVITY_PENALTY + 1;

    private final Map<Long, Run> runs = new HashMap<>();

    @Override
    public String name() {
        return "finality-stall";
    }

    @Override
    public String summary() {
        return "more than 1/3 of the stake withholding votes stalls FFG finality; the inactivity leak brings it back";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.shares("share", "0,0.2,0.4,0.5,0.6", "share of the validators withholding votes (sweep)"),
                LabParam.integer("validators", "10", "validators (equal stakes)", 3, 64),
                LabParam.integer("epoch", "4", "slots per finality epoch", 2, 32),
                LabParam.integer("epochs", "60", "longest run, in epochs, waiting for finality to resume", 8, 1000));
    }

    @Override
    public String xAxis() {
        return "share";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "share of the checkpoints finalized (share withholding below 1/3)";
            case ATTACK -> "finalized checkpoints per epoch in the first " + ATTACK_WINDOW
                    + " epochs of the stall, before the leak starts (share above 1/3)";
            case IMPROVE -> "epochs from the stall to the first new finalized checkpoint, with the inactivity leak";
        };
    }

    @Override
    public String model() {
        return "real nodes: a devnet of pos validators with the ffg gadget in virtual time (1 s slots, 20 ms"
                + " latency), the last share of them VoteWithholder adversaries, the others honest";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        for (double share : context.params().list("share")) {
            if (!stalls(context, share)) {
                Estimate rate = context.measure("run share=" + share, (random, seed) -> run(context, share, seed)
                        .finalizedShare(1, context.params().integer("epochs") / 4));
                points.add(new Point(Point.Act.BUILD, Map.of("share", share), rate, 1.0, LIVENESS, 0.1));
            }
        }
        return points;
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        for (double share : context.params().list("share")) {
            if (stalls(context, share)) {
                Estimate rate = context.measure("run share=" + share, (random, seed) -> run(context, share, seed)
                        .rate(1, ATTACK_WINDOW));
                points.add(new Point(Point.Act.ATTACK, Map.of("share", share), rate, 0.0, LIVENESS));
            }
        }
        return points;
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        int validators = context.params().integer("validators");
        for (double share : context.params().list("share")) {
            int k = withholders(context, share);
            if (stalls(context, share)) {
                Estimate recovery = context.measure("run share=" + share, (random, seed) -> {
                    Run run = run(context, share, seed);
                    if (run.resumedAfter < 0) {
                        throw new IllegalArgumentException("finality did not resume within epochs="
                                + context.params().integer("epochs") + " at share=" + share
                                + "; raise epochs (e.g. --param epochs=" + 2 * context.params().integer("epochs") + ")");
                    }
                    return run.resumedAfter;
                });
                points.add(new Point(Point.Act.IMPROVE, Map.of("share", share), recovery,
                        (double) epochsToRecover((double) k / validators), LEAK, 2));
            }
        }
        return points;
    }

    /** Whether the voters hold less than 2/3 of the (equal) stakes: then no checkpoint can be justified. */
    private static boolean stalls(LabContext context, double share) {
        int validators = context.params().integer("validators");
        return 3 * (validators - withholders(context, share)) < 2 * validators;
    }

    private static int withholders(LabContext context, double share) {
        return (int) Math.round(share * context.params().integer("validators"));
    }

    /** What a run showed: the head epoch at which each epoch was first finalized, and the recovery. */
    private record Run(Map<Long, Long> finalizedAt, long resumedAfter) {
        /** The share of the checkpoints of epochs {@code from} to {@code to} (inclusive) finalized in the run. */
        double finalizedShare(long from, long to) {
            long count = finalizedAt.keySet().stream().filter(e -> e >= from && e <= to).count();
            return (double) count / (to - from + 1);
        }

        /** Checkpoints finalized per epoch while the head was in epochs {@code from} to {@code to} (inclusive). */
        double rate(long from, long to) {
            long count = finalizedAt.values().stream().filter(e -> e >= from && e <= to).count();
            return (double) count / (to - from + 1);
        }
    }

    private Run run(LabContext context, double share, long seed) throws Exception {
        int validators = context.params().integer("validators");
        int epoch = context.params().integer("epoch");
        int epochs = context.params().integer("epochs");
        int k = withholders(context, share);
        long key = seed * 31 + k;
        Run cached = runs.get(key);
        if (cached != null) {
            return cached;
        }
        long slot = 1000;
        Devnet.Config config = Devnet.Config.seeded("pos", validators, slot, seed).withFfg(epoch).withStake(1000);
        Devnet devnet = new Devnet(config, head -> { }, i -> i >= validators - k ? new VoteWithholder() : null);
        Map<Long, Long> finalizedAt = new HashMap<>();
        long[] resumed = {-1};
        long epochMillis = epoch * slot;
        devnet.onFinality(event -> {
            if (event.kind().equals("finalized")) {
                finalizedAt.putIfAbsent(event.epoch(), (event.timeMillis() - config.startMillis()) / epochMillis);
            }
        });
        devnet.onStall(event -> {
            if (!event.stalled() && resumed[0] < 0) {
                resumed[0] = event.epoch() - event.sinceEpoch();
            }
        });
        long until = Math.max(epochs / 4 + 3, ATTACK_WINDOW + 1);
        for (long e = 0; e < epochs; e++) {
            devnet.advance(epochMillis);
            boolean stalledAtStart = 3 * (validators - k) < 2 * validators;
            if (e >= until && (!stalledAtStart || resumed[0] >= 0)) {
                break;
            }
        }
        Run run = new Run(Map.copyOf(finalizedAt), resumed[0]);
        runs.put(key, run);
        return run;
    }

    /**
     * The epochs from the stall to the first new finalized checkpoint when a share {@code withholding} of
     * equal stakes never votes, by the leak's recurrence: each epoch a withholder loses the base reward
     * (1/256 of its weight) and, once finality is more than the delay behind, its inactivity score grows by
     * the bias and it loses {@code weight * score / (bias * quotient)}; the first epoch whose voters hold
     * 2/3 of the weight is justified, and finalized in the next.
     */
    static long epochsToRecover(double withholding) {
        double online = 1 - withholding;
        double offline = withholding;
        long score = 0;
        for (long e = 1; e < 100_000; e++) {
            if (online * 3 >= 2 * (online + offline)) {
                return e + 1; // justified in epoch e, finalized by epoch e + 1's votes
            }
            boolean leaking = e > FfgConstants.MIN_EPOCHS_TO_INACTIVITY_PENALTY;
            score = leaking ? score + FfgConstants.INACTIVITY_SCORE_BIAS
                    : Math.max(0, score + FfgConstants.INACTIVITY_SCORE_BIAS - FfgConstants.INACTIVITY_SCORE_RECOVERY_RATE);
            double penalty = offline / FfgConstants.BASE_REWARD_QUOTIENT + (leaking || score > 0
                    ? offline * score / (FfgConstants.INACTIVITY_SCORE_BIAS * FfgConstants.INACTIVITY_PENALTY_QUOTIENT) : 0);
            offline = Math.max(0, offline - penalty);
        }
        throw new IllegalStateException("the leak never restores finality");
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        for (Point p : points) {
            if (p.act() == Point.Act.BUILD && p.estimate().mean() < 0.8) {
                failures.add("finality slowed below 1/3 at share=" + p.params().get("share"));
            }
            if (p.act() == Point.Act.ATTACK && p.estimate().mean() > 0) {
                failures.add("a checkpoint was finalized with more than 1/3 withholding at share=" + p.params().get("share"));
            }
        }
        List<Point> recovery = points.stream().filter(p -> p.act() == Point.Act.IMPROVE).toList();
        for (int i = 1; i < recovery.size(); i++) {
            if (recovery.get(i).estimate().mean() < recovery.get(i - 1).estimate().mean()) {
                failures.add("recovery was faster with a larger share withholding");
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "finality continues below 1/3 withholding and stops above it; the inactivity leak restores it in"
                + " the epochs its recurrence predicts, later for larger shares (" + agree + " of " + points.size()
                + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
