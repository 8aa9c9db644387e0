package mvpos.lab;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.RandaoBiaser;
import mvpos.consensus.PosEngine;
import mvpos.consensus.StakeSampler;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Sha256;

/**
 * Biasing RANDAO by withholding reveals. The pos engine seeds epoch e+2 with the mix at the end of epoch
 * e; each block mixes in its proposer's reveal. Build: honest proposers reveal every time and get their
 * stake share of the blocks. Attack: a {@link RandaoBiaser} that holds the last slots of an epoch skips
 * some of them when the resulting seed gives it more slots later. Improve: a penalty for a missed slot
 * (here, in blocks) makes skipping cost more than it gains. Theory: the expected value of the best of the
 * biaser's options, each option's slot count an independent binomial draw, the epoch's tail of attacker
 * slots geometric (exact up to the dependence between epochs, which the lab shows to be small).
 */
public final class RandaoBiasLab implements Lab {
    static final String FAIR = "stake-weighted proposer selection with an unbiased seed: a share s of the blocks";
    static final String BIAS = "the best of m+1 seeds (Ethereum consensus specs, RANDAO and its last-revealer bias):"
            + " own blocks per epoch E[X_j* - j*], all blocks E - E[j*], X_j ~ Binomial(E, s) independent,"
            + " tail m geometric; share = own / all";
    static final String PENALTY = "the same expectation with a penalty per missed slot, in blocks: skipping pays only"
            + " while the gain exceeds the penalty";
    static final int HONEST_VALIDATORS = 9;

    @Override
    public String name() {
        return "randao-bias";
    }

    @Override
    public String summary() {
        return "proposers of an epoch's last slots withhold reveals to bias RANDAO toward themselves; a missed-slot"
                + " penalty removes the gain";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("s", "0.1,0.2,0.3,0.4", "the biaser's stake share (sweep)", 0.001, 0.9),
                LabParam.integer("epoch", "8", "slots per epoch", 2, 64),
                LabParam.numbers("penalty", "2", "blocks a missed slot costs in the improve act", 0, 1000),
                LabParam.integer("epochs", "3000", "epochs per seed and point", 10, 10_000_000));
    }

    @Override
    public String xAxis() {
        return "s";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "an honest validator's share of the blocks";
            case ATTACK -> "the biaser's share of the blocks";
            case IMPROVE -> "the biaser's share of the blocks, net of missed-slot penalties";
        };
    }

    @Override
    public String model() {
        return "a focused model of the pos engine's proposer schedule (its selectProposer, seeds two epochs"
                + " ahead, a SHA-256 mix of deterministic reveals), one biaser of share s and " + HONEST_VALIDATORS
                + " honest validators sharing the rest";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        return sweep(context, Point.Act.BUILD, -1);
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        return sweep(context, Point.Act.ATTACK, 0);
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        return sweep(context, Point.Act.IMPROVE, context.params().number("penalty"));
    }

    /** {@code penalty} negative: the validator is honest. */
    private List<Point> sweep(LabContext context, Point.Act act, double penalty) throws Exception {
        int epoch = context.params().integer("epoch");
        int epochs = context.params().integer("epochs");
        List<Point> points = new ArrayList<>();
        for (double s : context.params().list("s")) {
            Estimate share = context.measureShare(act.label() + " s=" + s,
                    (random, seed) -> run(random, s, epoch, epochs, penalty));
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("s", s);
            params.put("penalty", penalty < 0 ? "-" : penalty);
            double exact = sampledShare(s);
            double theory = penalty < 0 ? exact : expectedShare(exact, epoch, penalty);
            points.add(new Point(act, params, share, theory, penalty < 0 ? FAIR : penalty == 0 ? BIAS : PENALTY,
                    penalty < 0 ? 0 : 0.01));
        }
        return points;
    }

    static long[] stakes(double s) {
        long total = 1_000_000;
        long mine = Math.max(1, Math.round(s * total));
        long[] stakes = new long[HONEST_VALIDATORS + 1];
        stakes[0] = mine;
        for (int i = 1; i <= HONEST_VALIDATORS; i++) {
            stakes[i] = Math.max(1, (total - mine) / HONEST_VALIDATORS);
        }
        return stakes;
    }

    /** The biaser's exact share of the stake (stakes are whole). */
    static double sampledShare(double s) {
        long[] stakes = stakes(s);
        return (double) stakes[0] / java.util.Arrays.stream(stakes).sum();
    }

    /**
     * Runs {@code epochs} epochs; validator 0 bias the mix when {@code penalty >= 0}. Returns its share of the
     * blocks made, its skipped slots' penalties taken off.
     */
    static double run(HashDrbg random, double s, int epochLength, int epochs, double penalty) {
        StakeSampler sampler = StakeSampler.of(stakes(s));
        RandaoBiaser biaser = penalty < 0 ? null : new RandaoBiaser(penalty);
        byte[] genesis = new byte[32];
        random.nextBytes(genesis);
        List<byte[]> seeds = new ArrayList<>(); // seeds.get(e): the seed of epoch e
        seeds.add(genesis);
        seeds.add(genesis);
        byte[] mix = genesis;
        double own = 0;
        long blocks = 0;
        for (int e = 0; e < epochs; e++) {
            byte[] seed = seeds.get(e);
            int[] proposers = new int[epochLength];
            for (int i = 0; i < epochLength; i++) {
                proposers[i] = PosEngine.selectProposer(seed, (long) e * epochLength + i, sampler);
            }
            int tail = 0;
            while (tail < epochLength && proposers[epochLength - 1 - tail] == 0) {
                tail++;
            }
            byte[] before = mix;
            for (int i = 0; i < epochLength - tail; i++) {
                before = mixIn(before, proposers[i], e);
            }
            int skip = 0;
            if (biaser != null && tail > 0) {
                int[] counts = new int[tail + 1];
                byte[] m = before;
                byte[][] options = new byte[tail + 1][];
                options[tail] = before;
                for (int r = 1; r <= tail; r++) {
                    m = mixIn(m, 0, e);
                    options[tail - r] = m;
                }
                for (int j = 0; j <= tail; j++) {
                    counts[j] = slotsOf(options[j], e + 2, epochLength, sampler);
                }
                skip = biaser.skips(counts);
            }
            int made = epochLength - skip;
            mix = before;
            for (int r = 0; r < tail - skip; r++) {
                mix = mixIn(mix, 0, e);
            }
            for (int i = 0; i < made; i++) {
                if (proposers[i] == 0) {
                    own++;
                }
            }
            own -= skip * Math.max(0, penalty);
            blocks += made;
            seeds.add(mix);
        }
        return own / blocks;
    }

    private static int slotsOf(byte[] seed, long epoch, int epochLength, StakeSampler sampler) {
        int count = 0;
        for (int i = 0; i < epochLength; i++) {
            if (PosEngine.selectProposer(seed, epoch * epochLength + i, sampler) == 0) {
                count++;
            }
        }
        return count;
    }

    /** The mix after a block: SHA-256(mix || SHA-256(reveal)), the reveal deterministic per proposer and epoch. */
    private static byte[] mixIn(byte[] mix, int proposer, long epoch) {
        byte[] reveal = Sha256.hash(ByteBuffer.allocate(12).putInt(proposer).putLong(epoch).array());
        return Sha256.hash(ByteBuffer.allocate(64).put(mix).put(Sha256.hash(reveal)).array());
    }

    /**
     * The biaser's expected share: the tail m of an epoch is the run of its slots at the end (P(m) = s^m (1-s),
     * m = E with s^E); with m+1 options, X_j ~ Binomial(E, s) independent, it takes j* maximizing
     * X_j + (m - j) - j * penalty; own blocks per epoch E[X_j*] - E[j*] - penalty E[j*], all blocks E - E[j*].
     */
    static double expectedShare(double s, int epoch, double penalty) {
        double[] binomial = new double[epoch + 1];
        for (int x = 0; x <= epoch; x++) {
            binomial[x] = choose(epoch, x) * Math.pow(s, x) * Math.pow(1 - s, epoch - x);
        }
        double expectedX = 0;
        double expectedSkips = 0;
        for (int m = 0; m <= epoch; m++) {
            double pm = m < epoch ? Math.pow(s, m) * (1 - s) : Math.pow(s, epoch);
            if (m == 0) {
                expectedX += pm * epoch * s;
                continue;
            }
            double[] xj = new double[1];
            double[] jj = new double[1];
            enumerate(new int[m + 1], 0, pm, binomial, m, penalty, xj, jj);
            expectedX += xj[0];
            expectedSkips += jj[0];
        }
        return (expectedX - expectedSkips * (1 + penalty)) / (epoch - expectedSkips);
    }

    /** Sums, over every joint outcome of the m+1 options, the chosen option's slots and skips (weights multiplied). */
    private static void enumerate(int[] x, int index, double weight, double[] binomial, int m, double penalty,
                                  double[] xj, double[] jj) {
        if (weight < 1e-13) {
            return;
        }
        if (index == x.length) {
            int best = new RandaoBiaser(penalty).skips(x);
            xj[0] += weight * x[best];
            jj[0] += weight * best;
            return;
        }
        for (int v = 0; v < binomial.length; v++) {
            x[index] = v;
            enumerate(x, index + 1, weight * binomial[v], binomial, m, penalty, xj, jj);
        }
    }

    private static double choose(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        Map<Double, Double> attacked = new LinkedHashMap<>();
        for (Point p : points) {
            if (p.act() == Point.Act.ATTACK) {
                attacked.put(p.param("s"), p.estimate().mean());
                if (p.estimate().mean() <= sampledShare(p.param("s"))) {
                    failures.add("withholding did not pay at s=" + p.params().get("s"));
                }
            }
        }
        for (Point p : points) {
            if (p.act() == Point.Act.IMPROVE && attacked.containsKey(p.param("s"))
                    && p.estimate().mean() >= attacked.get(p.param("s"))) {
                failures.add("the penalty did not reduce the gain at s=" + p.params().get("s"));
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "withholding the last reveals raises the biaser's share above its stake, as the best-of-m+1"
                + " expectation predicts; a missed-slot penalty takes the gain back (" + agree + " of "
                + points.size() + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
