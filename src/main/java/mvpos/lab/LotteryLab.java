package mvpos.lab;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.LotteryPredictor;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Sha256;

/**
 * The tutorial's lobby lottery: every round (30 s), a winner is drawn among the validators that
 * proposed, one ticket per token, with a generator seeded by the Unix second of the draw. Build: an
 * honest validator with share s of the tickets, entering every round, wins a share s of its entries.
 * Attack: a {@link LotteryPredictor} that knows the draw's second to within w seconds enters only when
 * it would win; its entries win with probability s / (1 - (1-s)^w), all of them for w = 1. Improve:
 * commit-reveal, the seed is the hash of every participant's secret, committed before and revealed after
 * the entries close: the prediction is worth nothing and the share falls back to s.
 */
public final class LotteryLab implements Lab {
    static final String FAIR = "a fair lottery of one ticket per token: a validator with share s of the tickets wins"
            + " with probability s";
    static final String PREDICTED = "Bayes over w equally likely seconds, each an independent draw won with"
            + " probability s: P(win | enter) = s / (1 - (1-s)^w) (the tutorial's pickWinner seeds math/rand with"
            + " time.Now().Unix())";
    static final String COMMIT_REVEAL = "commit-reveal (Blum 1981, coin flipping by telephone): the seed depends on"
            + " secrets committed before the entries and revealed after, so a prediction is independent of the"
            + " draw: P(win | enter) = s";
    static final long ROUND_SECONDS = 30;
    /** The honest tickets in the pool (one per token). */
    static final long HONEST_TICKETS = 10_000;

    @Override
    public String name() {
        return "lottery";
    }

    @Override
    public String summary() {
        return "the tutorial lobby's clock-seeded lottery is predictable: an attacker enters only when it wins;"
                + " a commit-reveal seed restores the odds";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("s", "0.05,0.1,0.2,0.3", "the attacker's share of the tickets (sweep)", 0.001, 0.99),
                LabParam.integers("window", "1,2,4,8", "seconds of uncertainty on the draw's time (sweep)", 1, 3600),
                LabParam.integer("rounds", "4000", "lottery rounds per seed and point", 100, 10_000_000));
    }

    @Override
    public String xAxis() {
        return "s";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "share of an honest validator's entries that win";
            case ATTACK -> "share of the predicting attacker's entries that win (clock seed)";
            case IMPROVE -> "share of the predicting attacker's entries that win (commit-reveal seed)";
        };
    }

    @Override
    public String model() {
        return "a focused model of the tutorial's lottery (the pool one ticket per token, the draw a generator"
                + " seeded by the draw's Unix second; this project's own lobby seeds from --seed instead), the"
                + " attacker a LotteryPredictor";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        int rounds = context.params().integer("rounds");
        List<Point> points = new ArrayList<>();
        for (double s : context.params().list("s")) {
            Estimate wins = context.measureShare("build s=" + s, (random, seed) -> {
                long own = tickets(s);
                long pool = HONEST_TICKETS + own;
                long won = 0;
                long start = startSecond(random);
                for (int r = 0; r < rounds; r++) {
                    long second = drawSecond(random, start, r, 1);
                    if (clockDraw(second, pool) < own) {
                        won++;
                    }
                }
                return (double) won / rounds;
            });
            points.add(new Point(Point.Act.BUILD, params(s, "-"), wins, share(s), FAIR));
        }
        return points;
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        for (int window : context.params().integers("window")) {
            for (double s : context.params().list("s")) {
                Estimate wins = context.measureShare("attack s=" + s + " w=" + window,
                        (random, seed) -> predicted(random, s, window, context.params().integer("rounds"), false));
                double p = share(s);
                points.add(new Point(Point.Act.ATTACK, params(s, window), wins, p / (1 - Math.pow(1 - p, window)),
                        PREDICTED));
            }
        }
        return points;
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        int window = context.params().integers("window").get(0);
        for (double s : context.params().list("s")) {
            Estimate wins = context.measureShare("improve s=" + s,
                    (random, seed) -> predicted(random, s, window, context.params().integer("rounds"), true));
            points.add(new Point(Point.Act.IMPROVE, params(s, window), wins, share(s), COMMIT_REVEAL));
        }
        return points;
    }

    private static Map<String, Object> params(double s, Object window) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("s", s);
        params.put("window", window);
        return params;
    }

    /** The attacker's tickets for a share s of the pool. */
    static long tickets(double s) {
        return Math.max(1, Math.round(s * HONEST_TICKETS / (1 - s)));
    }

    /** The attacker's exact share of the tickets (its tickets are whole). */
    static double share(double s) {
        long own = tickets(s);
        return (double) own / (HONEST_TICKETS + own);
    }

    /** The second the lobby started, somewhere in the year after 2026-01-01 (each seed its own). */
    private static long startSecond(HashDrbg random) {
        return 1_767_225_600L + random.nextLong(365L * 24 * 3600);
    }

    /** The second of round r's draw: the round's start plus an offset the attacker knows only to within w seconds. */
    private static long drawSecond(HashDrbg random, long start, int round, int window) {
        return start + round * ROUND_SECONDS + random.nextLong(window);
    }

    /** The tutorial's draw: a generator seeded by the Unix second picks a ticket. */
    static long clockDraw(long second, long poolSize) {
        return new HashDrbg(second).nextLong(poolSize);
    }

    /** Commit-reveal: a generator seeded by the hash of the honest participants' secret and the attacker's. */
    static long commitRevealDraw(long honestSecret, long attackerSecret, long poolSize) {
        byte[] seed = Sha256.hash(ByteBuffer.allocate(16).putLong(honestSecret).putLong(attackerSecret).array());
        return new HashDrbg(ByteBuffer.wrap(seed).getLong()).nextLong(poolSize);
    }

    /** The share of the predictor's entries that win over {@code rounds} rounds. */
    static double predicted(HashDrbg random, double s, int window, int rounds, boolean commitReveal) {
        LotteryPredictor predictor = new LotteryPredictor(window);
        long own = tickets(s);
        long pool = HONEST_TICKETS + own;
        long entries = 0;
        long won = 0;
        long start = startSecond(random);
        for (int r = 0; r < rounds; r++) {
            long earliest = start + r * ROUND_SECONDS;
            long second = drawSecond(random, start, r, window);
            long honestSecret = random.nextLong();
            long attackerSecret = random.nextLong();
            if (!predictor.shouldEnter(earliest, own, pool, LotteryLab::clockDraw)) {
                continue;
            }
            entries++;
            long ticket = commitReveal ? commitRevealDraw(honestSecret, attackerSecret, pool) : clockDraw(second, pool);
            if (ticket < own) {
                won++;
            }
        }
        return entries == 0 ? 0 : (double) won / entries;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        for (Point p : points) {
            double s = share(p.param("s"));
            if (p.act() == Point.Act.ATTACK && p.estimate().ciLow() <= s) {
                failures.add("predicting did not pay at s=" + p.params().get("s") + " window=" + p.params().get("window"));
            }
            if (p.act() == Point.Act.IMPROVE && p.estimate().ciLow() > s + 0.02) {
                failures.add("predicting still paid with commit-reveal at s=" + p.params().get("s"));
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "with the clock seed the attacker's entries win with s/(1-(1-s)^w), every one when it knows the"
                + " second; with commit-reveal they win with s (" + agree + " of " + points.size()
                + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
