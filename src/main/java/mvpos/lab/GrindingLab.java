package mvpos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.Grinder;
import mvpos.consensus.PosEngine;
import mvpos.consensus.StakeSampler;
import mvpos.crypto.Sha256;

/**
 * Stake grinding: a naive proof-of-stake engine seeds the next slot's stake-weighted draw with the
 * parent block's hash, which its proposer chooses. Build: honest proposers get their stake share.
 * Attack: a {@link Grinder} tries {@code attempts} variants of each block it makes and keeps the slot
 * for itself. Improve: the pos engine's RANDAO: the seed of an epoch is the mix of reveals fixed two
 * epochs before, and a reveal is a deterministic signature, so no variant of a block changes who leads.
 * The draw itself is the pos engine's ({@link PosEngine#selectProposer}).
 */
public final class GrindingLab implements Lab {
    static final String FAIR = "stake-weighted lottery with an unbiased seed: a validator leads a share of the"
            + " slots equal to its stake share s (Kiayias et al. 2017, Ouroboros, section 4)";
    static final String GRIND = "Markov chain of who leads: keeps the lead with 1-(1-s)^k, gets it with s; stationary"
            + " share s / (s + (1-s)^k) (stake grinding, Buterin 2014; Kiayias et al. 2017, section 1)";
    static final String RANDAO = "Ethereum consensus specs, RANDAO (get_seed with MIN_SEED_LOOKAHEAD): the seed is"
            + " fixed before the epoch and reveals are deterministic signatures, so a proposer cannot choose it: share s";
    /** The honest validators beside the grinder, sharing the rest of the stake equally. */
    static final int HONEST_VALIDATORS = 9;
    static final long EPOCH = 8;

    @Override
    public String name() {
        return "grinding";
    }

    @Override
    public String summary() {
        return "a proposer that grinds its block hash captures almost every slot of a parent-hash-seeded lottery;"
                + " RANDAO removes the gain";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("s", "0.02,0.05,0.08,0.15,0.25", "the grinder's stake share (sweep)", 0.001, 0.9),
                LabParam.integer("attempts", "64", "block variants the grinder tries per block", 1, 100_000),
                LabParam.integer("slots", "3000", "slots per seed and point", 100, 10_000_000));
    }

    @Override
    public String xAxis() {
        return "s";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "an honest validator's share of the blocks, parent-hash seed";
            case ATTACK -> "the grinder's share of the blocks, parent-hash seed";
            case IMPROVE -> "the grinder's share of the blocks, RANDAO seed";
        };
    }

    @Override
    public String model() {
        return "a focused model of the proposer lottery (one validator of stake s, " + HONEST_VALIDATORS
                + " honest ones sharing the rest, every slot filled), drawn with the pos engine's selectProposer;"
                + " the grinder a Grinder";
    }

    @Override
    public List<Point> build(LabContext context) throws Exception {
        return sweep(context, Point.Act.BUILD, 1);
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        return sweep(context, Point.Act.ATTACK, context.params().integer("attempts"));
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        return sweep(context, Point.Act.IMPROVE, context.params().integer("attempts"));
    }

    private List<Point> sweep(LabContext context, Point.Act act, int attempts) throws Exception {
        int slots = context.params().integer("slots");
        List<Point> points = new ArrayList<>();
        for (double s : context.params().list("s")) {
            Estimate share = context.measureShare(act.label() + " s=" + s, (random, seed) -> {
                byte[] genesis = new byte[32];
                random.nextBytes(genesis);
                return act == Point.Act.IMPROVE ? randaoShare(s, attempts, slots, genesis)
                        : parentHashShare(s, attempts, slots, genesis);
            });
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("s", s);
            params.put("attempts", attempts);
            double theory = act == Point.Act.ATTACK ? s / (s + Math.pow(1 - s, attempts)) : s;
            points.add(new Point(act, params, share, theory, act == Point.Act.BUILD ? FAIR
                    : act == Point.Act.ATTACK ? GRIND : RANDAO));
        }
        return points;
    }

    /** Stakes in millionths: validator 0 holds s, the honest ones share the rest. */
    static StakeSampler sampler(double s) {
        long total = 1_000_000;
        long mine = Math.max(1, Math.round(s * total));
        long[] stakes = new long[HONEST_VALIDATORS + 1];
        stakes[0] = mine;
        for (int i = 1; i <= HONEST_VALIDATORS; i++) {
            stakes[i] = Math.max(1, (total - mine) / HONEST_VALIDATORS);
        }
        return StakeSampler.of(stakes);
    }

    /**
     * The naive engine: the leader of slot n+1 is drawn with the hash of the block of slot n as the seed.
     * Validator 0 grinds with {@code attempts} variants (1: honest); the share of slots it leads.
     */
    static double parentHashShare(double s, int attempts, int slots, byte[] genesis) {
        StakeSampler sampler = sampler(s);
        Grinder grinder = new Grinder(attempts);
        byte[] parent = genesis;
        long mine = 0;
        for (long slot = 1; slot <= slots; slot++) {
            int leader = PosEngine.selectProposer(parent, slot, sampler);
            long next = slot + 1;
            if (leader == 0) {
                mine++;
                parent = grinder.choose(parent, slot, h -> PosEngine.selectProposer(h, next, sampler) == 0);
            } else {
                parent = Grinder.variant(parent, slot, 0);
            }
        }
        return (double) mine / slots;
    }

    /**
     * RANDAO: the seed of epoch e is the mix after the last block of epoch e-2; each block mixes in its
     * proposer's reveal for the epoch, a deterministic value the proposer cannot vary. The grinder's
     * variants change its block's hash but not the mix, so grinding gains nothing.
     */
    static double randaoShare(double s, int attempts, int slots, byte[] genesis) {
        StakeSampler sampler = sampler(s);
        Grinder grinder = new Grinder(attempts);
        byte[] mix = Sha256.hash(genesis);
        List<byte[]> mixAtEpochEnd = new ArrayList<>();
        long mine = 0;
        byte[] parent = genesis;
        for (long slot = 1; slot <= slots; slot++) {
            long epoch = slot / EPOCH;
            byte[] seed = epoch >= 2 ? mixAtEpochEnd.get((int) epoch - 2) : Sha256.hash(genesis);
            int leader = PosEngine.selectProposer(seed, slot, sampler);
            if (leader == 0) {
                mine++;
                long next = slot + 1;
                byte[] nextSeed = (next / EPOCH) >= 2 && (next / EPOCH) - 2 < mixAtEpochEnd.size()
                        ? mixAtEpochEnd.get((int) (next / EPOCH) - 2) : seed;
                parent = grinder.choose(parent, slot, h -> PosEngine.selectProposer(nextSeed, next, sampler) == 0);
            } else {
                parent = Grinder.variant(parent, slot, 0);
            }
            mix = Sha256.hash(concat(mix, reveal(leader, epoch)));
            if ((slot + 1) % EPOCH == 0) {
                mixAtEpochEnd.add(mix);
            }
        }
        return (double) mine / slots;
    }

    /** A proposer's reveal for an epoch: deterministic, as an Ed25519 signature of the epoch is. */
    private static byte[] reveal(int validator, long epoch) {
        return Sha256.hash(java.nio.ByteBuffer.allocate(12).putInt(validator).putLong(epoch).array());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        for (Point p : points) {
            double s = p.param("s");
            if (p.act() == Point.Act.ATTACK && p.theory() > s + 0.02 && p.estimate().ciLow() <= s) {
                failures.add("grinding did not raise the share at s=" + s);
            }
            if (p.act() == Point.Act.IMPROVE && p.estimate().ciLow() > s + 0.02) {
                failures.add("grinding still paid with RANDAO at s=" + s);
            }
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "grinding the parent hash turns a stake share s into s/(s+(1-s)^k) of the blocks; with RANDAO the"
                + " share falls back to s (" + agree + " of " + points.size() + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
