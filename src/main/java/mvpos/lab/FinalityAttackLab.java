package mvpos.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.adversary.FinalityAttacker;
import mvpos.chain.ChainDomain;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;

/**
 * Conflicting finality in Casper FFG, and what it costs. A coalition with stake share f splits the
 * honest validators between two chains and votes as {@link FinalityAttacker} plans, with real signed
 * {@link Vote}s. Build: below 1/3 the two checkpoints are never both finalized. Attack: from 1/3 on
 * they are. Improve: the votes, brought together, prove the double voters by the chain's own slashing
 * conditions; the stake proven slashable is at least 1/3 (accountable safety).
 */
public final class FinalityAttackLab implements Lab {
    static final String SAFETY = "Buterin & Griffith 2017, Casper the Friendly Finality Gadget, Theorem 1"
            + " (accountable safety): two conflicting checkpoints cannot both be finalized unless validators"
            + " with at least 1/3 of the stake violate a slashing condition";
    static final String BOUND = "Buterin & Griffith 2017, Theorem 1: two 2/3 quorums overlap in at least 1/3 of the"
            + " stake, which an attacker keeping its exposure minimal reaches exactly (to one validator's stake)";

    @Override
    public String name() {
        return "finality-attack";
    }

    @Override
    public String summary() {
        return "conflicting FFG finality needs 1/3 of the stake to double vote, and that stake is proven slashable";
    }

    @Override
    public List<LabParam> params() {
        return List.of(
                LabParam.numbers("f", "0.1,0.2,0.3,0.35,0.4,0.5", "the coalition's share of the stake (sweep)", 0, 0.66),
                LabParam.integer("validators", "100", "validators, stakes drawn from 1,000 to 10,000", 4, 1000),
                LabParam.integer("trials", "10", "attacks per seed and point, each with new stakes", 1, 10_000));
    }

    @Override
    public String xAxis() {
        return "f";
    }

    @Override
    public String measure(Point.Act act) {
        return switch (act) {
            case BUILD -> "probability of two conflicting finalized checkpoints (f below 1/3)";
            case ATTACK -> "probability of two conflicting finalized checkpoints (f from 1/3)";
            case IMPROVE -> "share of the stake proven slashable after conflicting finality";
        };
    }

    @Override
    public String model() {
        return "a focused model of one FFG round on two chains split by the attacker's network: real Ed25519"
                + " signed votes, the 2/3 supermajority links, and the chain's SlashingConditions on every pair"
                + " of votes by one signer (the devnet cannot yet partition its network)";
    }

    /** One attack: the coalition's actual share, whether both sides finalized, and the stake proven slashable. */
    record Outcome(double coalitionShare, boolean conflicting, double slashedShare, double largestStakeShare,
                   boolean honestSlashed) {
    }

    private final Map<String, List<Outcome>> cache = new HashMap<>();

    @Override
    public List<Point> build(LabContext context) throws Exception {
        return finality(context, Point.Act.BUILD);
    }

    @Override
    public List<Point> attack(LabContext context) throws Exception {
        return finality(context, Point.Act.ATTACK);
    }

    private List<Point> finality(LabContext context, Point.Act act) throws Exception {
        List<Point> points = new ArrayList<>();
        for (double f : context.params().list("f")) {
            boolean enough = 3 * f >= 1;
            if (enough != (act == Point.Act.ATTACK)) {
                continue;
            }
            Estimate conflicting = context.measureShare("attack f=" + f, (random, seed) -> outcomes(context, f, random,
                    seed).stream().filter(Outcome::conflicting).count() / (double) context.params().integer("trials"));
            points.add(new Point(act, Map.of("f", f), conflicting, enough ? 1.0 : 0.0, SAFETY));
        }
        return points;
    }

    @Override
    public List<Point> improve(LabContext context) throws Exception {
        List<Point> points = new ArrayList<>();
        for (double f : context.params().list("f")) {
            if (3 * f < 1) {
                continue;
            }
            double[] largest = {0};
            Estimate slashed = context.measureShare("attack f=" + f, (random, seed) -> {
                List<Outcome> outcomes = outcomes(context, f, random, seed);
                outcomes.forEach(o -> largest[0] = Math.max(largest[0], o.largestStakeShare()));
                return outcomes.stream().filter(Outcome::conflicting).mapToDouble(Outcome::slashedShare).average()
                        .orElse(0);
            });
            points.add(new Point(Point.Act.IMPROVE, Map.of("f", f), slashed, 1.0 / 3, BOUND, largest[0]));
        }
        return points;
    }

    /** The trials of one seed at share f, run once and shared by the acts. */
    private List<Outcome> outcomes(LabContext context, double f, HashDrbg random, long seed) {
        return cache.computeIfAbsent(f + "/" + seed, k -> {
            List<Outcome> list = new ArrayList<>();
            for (int t = 0; t < context.params().integer("trials"); t++) {
                Outcome outcome = attackOnce(random, context.params().integer("validators"), f);
                if (outcome.honestSlashed()) {
                    throw new IllegalStateException("an honest validator was proven slashable: the plan or the"
                            + " slashing conditions are wrong");
                }
                list.add(outcome);
            }
            return list;
        });
    }

    /**
     * One attack: stakes drawn for every validator, the coalition taken in draw order up to share f, the
     * plan, the votes signed on both chains, the two tallies, and every pair of votes by one signer checked
     * against the slashing conditions.
     */
    static Outcome attackOnce(HashDrbg random, int validators, double f) {
        long[] stakes = new long[validators];
        KeyPair[] keys = new KeyPair[validators];
        long total = 0;
        for (int i = 0; i < validators; i++) {
            stakes[i] = 1_000 + random.nextLong(9_001);
            keys[i] = KeyPair.generate(random);
            total += stakes[i];
        }
        boolean[] inCoalition = new boolean[validators];
        long coalitionStake = 0;
        for (int i = 0; i < validators; i++) {
            if ((coalitionStake + stakes[i]) <= f * total) {
                inCoalition[i] = true;
                coalitionStake += stakes[i];
            }
        }
        List<Long> honest = new ArrayList<>();
        List<Long> coalition = new ArrayList<>();
        List<Integer> honestIndex = new ArrayList<>();
        List<Integer> coalitionIndex = new ArrayList<>();
        for (int i = 0; i < validators; i++) {
            (inCoalition[i] ? coalition : honest).add(stakes[i]);
            (inCoalition[i] ? coalitionIndex : honestIndex).add(i);
        }
        FinalityAttacker.Plan plan = FinalityAttacker.plan(honest, coalition);
        byte[] genesis = hash("genesis", random);
        ChainDomain domain = new ChainDomain("finality-attack-lab", genesis);
        byte[][] chainA = {hash("a1", random), hash("a2", random)};
        byte[][] chainB = {hash("b1", random), hash("b2", random)};
        List<Vote> votes = new ArrayList<>();
        Map<Address, Integer> indexOf = new LinkedHashMap<>();
        for (int i = 0; i < validators; i++) {
            indexOf.put(keys[i].address(), i);
        }
        for (int h = 0; h < honestIndex.size(); h++) {
            KeyPair key = keys[honestIndex.get(h)];
            votes.addAll(linkVotes(key, domain, genesis, plan.honestOnA().get(h) ? chainA : chainB));
        }
        if (plan.feasible()) {
            for (int c = 0; c < coalitionIndex.size(); c++) {
                KeyPair key = keys[coalitionIndex.get(c)];
                FinalityAttacker.Role role = plan.roles().get(c);
                if (role != FinalityAttacker.Role.B) {
                    votes.addAll(linkVotes(key, domain, genesis, chainA));
                }
                if (role != FinalityAttacker.Role.A) {
                    votes.addAll(linkVotes(key, domain, genesis, chainB));
                }
            }
        }
        boolean finalizedA = finalized(votes, chainA, genesis, stakes, indexOf, total);
        boolean finalizedB = finalized(votes, chainB, genesis, stakes, indexOf, total);
        // Accountability: every pair of valid votes by one signer, against the slashing conditions.
        Map<Address, List<Vote>> bySigner = new LinkedHashMap<>();
        for (Vote v : votes) {
            if (v.hasValidSignature(domain)) {
                bySigner.computeIfAbsent(v.validator(), k -> new ArrayList<>()).add(v);
            }
        }
        long slashed = 0;
        boolean honestSlashed = false;
        for (Map.Entry<Address, List<Vote>> e : bySigner.entrySet()) {
            List<Vote> mine = e.getValue();
            boolean proven = false;
            for (int x = 0; x < mine.size() && !proven; x++) {
                for (int y = x + 1; y < mine.size() && !proven; y++) {
                    proven = SlashingConditions.isSlashable(mine.get(x), mine.get(y));
                }
            }
            if (proven) {
                int i = indexOf.get(e.getKey());
                slashed += stakes[i];
                honestSlashed |= !inCoalition[i];
            }
        }
        long largest = java.util.Arrays.stream(stakes).max().orElse(0);
        return new Outcome((double) coalitionStake / total, finalizedA && finalizedB, (double) slashed / total,
                (double) largest / total, honestSlashed);
    }

    /** A validator's two votes on a chain: genesis (epoch 0) to its epoch-1 checkpoint, then to its epoch-2 one. */
    private static List<Vote> linkVotes(KeyPair key, ChainDomain domain, byte[] genesis, byte[][] chain) {
        return List.of(Vote.sign(key, domain, 0, genesis, 1, chain[0]),
                Vote.sign(key, domain, 1, chain[0], 2, chain[1]));
    }

    /** Whether the chain's epoch-1 checkpoint is justified (genesis to it) and finalized (it to epoch 2). */
    private static boolean finalized(List<Vote> votes, byte[][] chain, byte[] genesis, long[] stakes,
                                     Map<Address, Integer> indexOf, long total) {
        return FinalityAttacker.supermajority(linkStake(votes, genesis, chain[0], stakes, indexOf), total)
                && FinalityAttacker.supermajority(linkStake(votes, chain[0], chain[1], stakes, indexOf), total);
    }

    private static long linkStake(List<Vote> votes, byte[] source, byte[] target, long[] stakes,
                                  Map<Address, Integer> indexOf) {
        long sum = 0;
        for (Vote v : votes) {
            if (java.util.Arrays.equals(v.sourceHash(), source) && java.util.Arrays.equals(v.targetHash(), target)) {
                sum += stakes[indexOf.get(v.validator())];
            }
        }
        return sum;
    }

    private static byte[] hash(String label, HashDrbg random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        bytes[0] = (byte) label.hashCode();
        return bytes;
    }

    @Override
    public Verdict verdict(List<Point> points) {
        List<String> failures = new ArrayList<>();
        for (Point p : points) {
            if (p.act() == Point.Act.BUILD && p.estimate().mean() > 0) {
                failures.add("conflicting finality below 1/3 at f=" + p.params().get("f"));
            }
            if (p.act() == Point.Act.IMPROVE && p.estimate().ciLow() < 1.0 / 3 - p.tolerance()) {
                failures.add("less than 1/3 proven slashable at f=" + p.params().get("f"));
            }
        }
        boolean attacked = points.stream().anyMatch(p -> p.act() == Point.Act.ATTACK && p.estimate().mean() > 0);
        if (!attacked && points.stream().anyMatch(p -> p.act() == Point.Act.ATTACK)) {
            failures.add("no conflicting finality at any f from 1/3");
        }
        long agree = points.stream().filter(Point::agrees).count();
        if (agree < Math.ceil(0.8 * points.size())) {
            failures.add("only " + agree + " of " + points.size() + " points agree with theory");
        }
        String text = failures.isEmpty()
                ? "no conflicting finality below 1/3; from 1/3 the attack succeeds and proves about 1/3 of the"
                + " stake slashable, never an honest validator (" + agree + " of " + points.size()
                + " points within their CI)"
                : String.join("; ", failures);
        return new Verdict(failures.isEmpty(), text);
    }
}
