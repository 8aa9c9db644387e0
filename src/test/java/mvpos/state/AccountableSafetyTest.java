package mvpos.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import mvpos.chain.Account;
import mvpos.chain.Checkpoint;
import mvpos.chain.SlashingConditions;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.testing.FfgChain;
import mvpos.testing.FfgChain.Node;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The two properties that make Casper FFG what it is (Buterin and Griffith 2017, sections 2.2 and 4.1),
 * over block trees built with the real state transition and votes signed by the validators' real keys.
 *
 * <p><b>Accountable safety.</b> Random trees with forks, random validator-set changes (deposits and
 * exits), honest validators that never sign a slashable pair, and byzantine ones that vote on every
 * fork and sign lying links (any source and target epochs). Whenever two nodes hold conflicting
 * finalized checkpoints, validators holding at least 1/3 of the stake of the dynasty the two forks
 * share have signed slashable pairs (less only what penalties took from some of them on either fork,
 * which the bound subtracts exactly), and the evidence, sent in a transaction, slashes them.
 *
 * <p><b>Plausible liveness.</b> From any tree reachable by honest play (honest validators following the
 * fork-choice rule with votes and blocks missed at random), the honest validators, holding more than
 * 2/3, can always justify and finalize a new checkpoint without signing a slashable pair.
 */
class AccountableSafetyTest {

    /** A generated run: stakes, who is byzantine, epoch length, epochs, and the seed of every choice. */
    record Scenario(long[] stakes, boolean[] byzantine, long epochLength, int epochs, long seed) {
        @Override
        public String toString() {
            return "stakes " + Arrays.toString(stakes) + ", byzantine " + Arrays.toString(byzantine) + ", epochs of "
                    + epochLength + " slots, " + epochs + " epochs, seed " + seed;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<long[]> stakes = Arbitraries.integers().between(4, 7).flatMap(n ->
                Arbitraries.longs().between(1, 5).map(s -> s * 10_000).array(long[].class).ofSize(n));
        return stakes.flatMap(s -> Combinators.combine(
                Arbitraries.of(true, false).list().ofSize(s.length),
                Arbitraries.longs().between(2, 4), Arbitraries.integers().between(3, 8), Arbitraries.longs())
                .as((byz, length, epochs, seed) -> {
                    boolean[] flags = new boolean[s.length];
                    for (int i = 0; i < flags.length; i++) {
                        flags[i] = byz.get(i);
                    }
                    return new Scenario(s, flags, length, epochs, seed);
                }));
    }

    /** A tree being built, and every vote anyone signed. */
    private static final class Run {
        final FfgChain chain;
        final Scenario scenario;
        final Random random;
        final List<Node> nodes = new ArrayList<>();
        final Map<HashKey, Node> byHash = new HashMap<>();
        final List<Vote> signed = new ArrayList<>();
        final Map<Integer, List<Vote>> signedBy = new HashMap<>();
        final Map<Address, Long> nonces = new HashMap<>();

        Run(Scenario scenario) {
            this.scenario = scenario;
            this.chain = new FfgChain(scenario.stakes(), 2, scenario.epochLength(), scenario.seed());
            this.random = new Random(scenario.seed());
            add(chain.genesis());
        }

        void add(Node node) {
            nodes.add(node);
            byHash.put(HashKey.of(node.hash()), node);
        }

        /**
         * Signs a vote for validator v unless v is honest and it would be slashable with one it signed;
         * returns whether the vote is signed (false: refused by an honest validator's slashing protection).
         */
        boolean sign(int v, Checkpoint source, Checkpoint target) {
            if (source.epoch() >= target.epoch()) {
                return true;
            }
            Vote vote = chain.vote(v, source, target);
            List<Vote> mine = signedBy.computeIfAbsent(v, k -> new ArrayList<>());
            if (!scenario.byzantine()[v] && mine.stream().anyMatch(o -> SlashingConditions.isSlashable(o, vote))) {
                return false;
            }
            if (!mine.contains(vote)) {
                mine.add(vote);
                signed.add(vote);
            }
            return true;
        }

        long nextNonce(Address address) {
            return nonces.merge(address, 1L, Long::sum) - 1;
        }
    }

    /** Builds a random tree: honest and byzantine votes, deposits and exits, forks. */
    private static Run build(Scenario scenario) {
        Run run = new Run(scenario);
        FfgChain chain = run.chain;
        Random random = run.random;
        long length = scenario.epochLength();
        long lastSlot = (scenario.epochs() + 1) * length;
        for (int step = 0; step < scenario.epochs() * length * 2; step++) {
            // A parent: mostly a recent node (a tip), sometimes any node (a fork).
            Node parent = random.nextInt(4) == 0 ? run.nodes.get(random.nextInt(run.nodes.size()))
                    : run.nodes.get(Math.max(0, run.nodes.size() - 1 - random.nextInt(3)));
            if (parent.slot() >= lastSlot) {
                continue;
            }
            long slot = parent.slot() + 1 + random.nextInt((int) length);
            // Votes signed before the block: each validator may vote on this parent's chain.
            FinalityState view = chain.atSlot(parent, slot);
            Checkpoint honestSource = view.currentJustified();
            Checkpoint honestTarget = new Checkpoint(view.epoch(), view.currentTarget());
            for (int v = 0; v < scenario.stakes().length; v++) {
                if (random.nextInt(3) == 0) {
                    continue;
                }
                run.sign(v, honestSource, honestTarget);
                if (scenario.byzantine()[v] && random.nextInt(3) == 0) {
                    // A lying link between any two checkpoints the tree knows, any epochs.
                    Node a = run.nodes.get(random.nextInt(run.nodes.size()));
                    Node b = run.nodes.get(random.nextInt(run.nodes.size()));
                    long sourceEpoch = random.nextInt((int) (view.epoch() + 1));
                    run.sign(v, new Checkpoint(sourceEpoch, a.hash()),
                            new Checkpoint(sourceEpoch + 1 + random.nextInt(3), b.hash()));
                }
            }
            // The block counts some of the votes it may count.
            StateTransition.SlotView slotView = chain.rules().atSlot(parent.state(),
                    BlockContext.child(parent.block().header(), slot, chain.validator(0).address()));
            List<Vote> included = new ArrayList<>();
            Set<String> counted = new HashSet<>();
            for (Vote vote : run.signed) {
                String key = vote.validator() + "/" + vote.targetEpoch();
                if (random.nextInt(4) != 0 && !counted.contains(key)
                        && slotView.whyNotCountable(vote, false, tx -> true).isEmpty()) {
                    included.add(vote);
                    counted.add(key);
                }
            }
            // Validator-set changes: a deposit by a rich account, an exit by a validator (nonces follow the chain).
            List<Transaction> txs = new ArrayList<>();
            if (random.nextInt(6) == 0) {
                mvpos.crypto.KeyPair depositor = chain.rich(random.nextInt(2));
                txs.add(chain.stake(depositor, parent.state().account(depositor.address()).nonce(),
                        10_000 + random.nextInt(100_000)));
            }
            if (random.nextInt(8) == 0) {
                mvpos.crypto.KeyPair leaver = chain.validator(random.nextInt(scenario.stakes().length));
                Transaction exit = chain.unstake(leaver, parent.state().account(leaver.address()).nonce(), 5_000);
                List<Transaction> attempt = new ArrayList<>(txs);
                attempt.add(exit);
                if (chain.tryExtend(parent, slot, included, attempt) instanceof StateTransition.Applied) {
                    txs.add(exit);
                }
            }
            run.add(chain.extend(parent, slot, included, txs));
        }
        return run;
    }

    private static boolean conflicting(Run run, Checkpoint a, Checkpoint b) {
        Node na = nodeOf(run, a);
        Node nb = nodeOf(run, b);
        return !na.descendsFrom(nb.hash()) && !nb.descendsFrom(na.hash());
    }

    /** The node of a checkpoint (genesis for the genesis state's placeholder). */
    private static Node nodeOf(Run run, Checkpoint checkpoint) {
        return Arrays.equals(checkpoint.hash(), Checkpoint.GENESIS_PLACEHOLDER) ? run.chain.genesis()
                : run.byHash.get(HashKey.of(checkpoint.hash()));
    }

    private static Node commonAncestor(Node a, Node b) {
        Set<HashKey> ancestors = new HashSet<>();
        for (Node at = a; at != null; at = at.parent()) {
            ancestors.add(HashKey.of(at.hash()));
        }
        for (Node at = b; at != null; at = at.parent()) {
            if (ancestors.contains(HashKey.of(at.hash()))) {
                return at;
            }
        }
        throw new IllegalStateException("two nodes of one tree always share genesis");
    }

    @Property(tries = 300, seed = "20261202")
    void conflictingFinalityProvesAThirdOfTheStakeSlashable(@ForAll("scenarios") Scenario scenario) {
        Run run = build(scenario);
        Map<Integer, Boolean> slashable = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Vote>> e : run.signedBy.entrySet()) {
            List<Vote> votes = e.getValue();
            boolean any = false;
            for (int i = 0; i < votes.size() && !any; i++) {
                for (int j = i + 1; j < votes.size() && !any; j++) {
                    any = SlashingConditions.isSlashable(votes.get(i), votes.get(j));
                }
            }
            slashable.put(e.getKey(), any);
            if (any) {
                assertThat(scenario.byzantine()[e.getKey()]).as("an honest validator never signs a slashable pair")
                        .isTrue();
            }
        }
        boolean conflict = false;
        for (int x = 0; x < run.nodes.size(); x++) {
            for (int y = x + 1; y < run.nodes.size(); y++) {
                Node nx = run.nodes.get(x);
                Node ny = run.nodes.get(y);
                if (!conflicting(run, nx.finality().finalized(), ny.finality().finalized())) {
                    continue;
                }
                conflict = true;
                Node fork = commonAncestor(nx, ny);
                for (ValidatorRegistry.Dynasty dynasty : List.of(ValidatorRegistry.Dynasty.PREVIOUS,
                        ValidatorRegistry.Dynasty.CURRENT)) {
                    assertSlashableThird(run, fork, nx, ny, dynasty, slashable);
                }
                assertEvidenceSlashes(run, nx, slashable);
            }
        }
        double byzantineShare = 0;
        long total = Arrays.stream(scenario.stakes()).sum();
        for (int v = 0; v < scenario.stakes().length; v++) {
            byzantineShare += scenario.byzantine()[v] ? (double) scenario.stakes()[v] / total : 0;
        }
        Statistics.label("byzantine share").collect(Math.round(byzantineShare * 10) / 10.0);
        Statistics.label("conflicting finality").collect(conflict);
        // The generator must make the attack happen often enough for the property to mean something.
        Statistics.label("conflicting finality").coverage(coverage -> coverage.check(true).percentage(p -> p > 3));
    }

    /**
     * Slashable validators' weight, in the fork's dynasty and never more than either fork still counts
     * of them (u), is at least U - 2W/3, where W is the dynasty's whole weight at the fork and U its
     * weight so measured: exactly 1/3 of W when nobody was penalized.
     */
    private static void assertSlashableThird(Run run, Node fork, Node x, Node y, ValidatorRegistry.Dynasty dynasty,
                                             Map<Integer, Boolean> slashable) {
        ValidatorRegistry registry = fork.finality().validators();
        BigInteger whole = BigInteger.ZERO;
        BigInteger kept = BigInteger.ZERO;
        BigInteger proven = BigInteger.ZERO;
        for (int v = 0; v < run.chain.validators(); v++) {
            Address address = run.chain.validator(v).address();
            int index = registry.indexOf(address);
            if (index < 0) {
                continue;
            }
            long ceiling = registry.ceiling(dynasty, index);
            long atFork = ValidatorRegistry.weight(ceiling, fork.state().account(address));
            long u = Math.min(atFork, Math.min(ValidatorRegistry.weight(ceiling, unslashed(x, address)),
                    ValidatorRegistry.weight(ceiling, unslashed(y, address))));
            whole = whole.add(BigInteger.valueOf(atFork));
            kept = kept.add(BigInteger.valueOf(u));
            if (slashable.getOrDefault(v, false)) {
                proven = proven.add(BigInteger.valueOf(u));
            }
        }
        // 3 * proven >= 3 * kept - 2 * whole
        assertThat(proven.multiply(BigInteger.valueOf(3)))
                .as("%s dynasty: slashable %s of %s (kept %s)", dynasty, proven, whole, kept)
                .isGreaterThanOrEqualTo(kept.multiply(BigInteger.valueOf(3)).subtract(whole.multiply(BigInteger.TWO)));
    }

    /** An account as its locked tokens count before any slashing (slashing proves, it does not excuse). */
    private static Account unslashed(Node node, Address address) {
        Account account = node.state().account(address);
        return account.slashed() ? new Account(account.balance(), account.nonce(), 0) : account;
    }

    /** The evidence of a slashable validator, sent in a transaction on {@code at}'s chain, slashes it. */
    private static void assertEvidenceSlashes(Run run, Node at, Map<Integer, Boolean> slashable) {
        for (Map.Entry<Integer, Boolean> e : slashable.entrySet()) {
            if (!e.getValue()) {
                continue;
            }
            Address offender = run.chain.validator(e.getKey()).address();
            Account account = at.state().account(offender);
            if (account.slashed() || account.locked() == 0) {
                continue;
            }
            List<Vote> votes = run.signedBy.get(e.getKey());
            SlashingEvidence evidence = null;
            for (int i = 0; i < votes.size() && evidence == null; i++) {
                for (int j = i + 1; j < votes.size() && evidence == null; j++) {
                    if (SlashingConditions.isSlashable(votes.get(i), votes.get(j))) {
                        evidence = new SlashingEvidence.VotePair(votes.get(i), votes.get(j));
                    }
                }
            }
            mvpos.crypto.KeyPair reporter = run.chain.rich(0);
            Transaction slash = run.chain.slash(reporter, at.state().account(reporter.address()).nonce(), offender,
                    evidence);
            StateTransition.Outcome outcome = run.chain.tryExtend(at, at.slot() + 1, List.of(), List.of(slash));
            assertThat(outcome).isInstanceOf(StateTransition.Applied.class);
            assertThat(((StateTransition.Applied) outcome).postState().account(offender).slashed()).isTrue();
            return;
        }
    }

    // ---------------------------------------------------------------- plausible liveness

    @Property(tries = 150, seed = "20261203")
    void honestValidatorsCanAlwaysFinalizeWithoutASlashablePair(@ForAll("scenarios") Scenario generated) {
        boolean[] honest = new boolean[generated.stakes().length];
        Scenario scenario = new Scenario(generated.stakes(), honest, generated.epochLength(), generated.epochs(),
                generated.seed());
        Run run = new Run(scenario);
        FfgChain chain = run.chain;
        Random random = run.random;
        long length = scenario.epochLength();
        // Honest play: blocks on the fork-choice head (or, late, on its parent: a fork), votes for the head's
        // chain, some votes and some blocks missed.
        for (long slot = 1; slot <= scenario.epochs() * length; slot++) {
            if (random.nextInt(4) == 0) {
                continue;
            }
            Node head = forkChoice(run);
            Node parent = random.nextInt(5) == 0 && head.parent() != null ? head.parent() : head;
            if (parent.slot() >= slot) {
                continue;
            }
            castHonestVotes(run, parent, slot, 0.7);
            run.add(chain.extend(parent, slot, countable(run, parent, slot)));
        }
        // Then every honest validator votes on the fork-choice head, slot after slot, for three epochs.
        Node head = forkChoice(run);
        long before = head.finality().finalized().epoch();
        long from = head.slot() + 1;
        for (long slot = from; slot <= from + 3 * length + 1; slot++) {
            head = forkChoice(run);
            castHonestVotes(run, head, slot, 1.0);
            run.add(chain.extend(head, slot, countable(run, head, slot)));
        }
        Node last = forkChoice(run);
        Node processed = chain.extend(last, (last.finality().epoch() + 1) * length);
        assertThat(processed.finality().finalized().epoch()).as("finality advanced").isGreaterThan(before);
        for (List<Vote> votes : run.signedBy.values()) {
            for (int i = 0; i < votes.size(); i++) {
                for (int j = i + 1; j < votes.size(); j++) {
                    assertThat(SlashingConditions.isSlashable(votes.get(i), votes.get(j))).isFalse();
                }
            }
        }
    }

    /** The FFG fork choice: the highest block descending from the latest justified checkpoint any state holds. */
    private static Node forkChoice(Run run) {
        Checkpoint justified = run.nodes.get(0).finality().currentJustified();
        Node anchor = run.nodes.get(0);
        for (Node node : run.nodes) {
            Checkpoint j = node.finality().currentJustified();
            if (j.epoch() > justified.epoch()) {
                justified = j;
                anchor = run.byHash.getOrDefault(HashKey.of(j.hash()), anchor);
            }
        }
        Node best = anchor;
        for (Node node : run.nodes) {
            if (node.block().height() > best.block().height() && node.descendsFrom(anchor.hash())) {
                best = node;
            }
        }
        return best;
    }

    /** Each validator votes (with probability {@code share}); false when a slashing protection refused one. */
    private static boolean castHonestVotes(Run run, Node parent, long slot, double share) {
        FinalityState view = run.chain.atSlot(parent, slot);
        if (view.epoch() < 1) {
            return true;
        }
        boolean allSigned = true;
        for (int v = 0; v < run.chain.validators(); v++) {
            if (run.random.nextDouble() < share) {
                long highestTarget = run.signedBy.getOrDefault(v, List.of()).stream().mapToLong(Vote::targetEpoch)
                        .max().orElse(0);
                boolean signed = run.sign(v, view.currentJustified(), new Checkpoint(view.epoch(), view.currentTarget()));
                // Refused only as a second vote for an epoch it voted in already (on another fork): a vote for a
                // later epoch from the latest justified checkpoint is never slashable (the paper's plausible liveness).
                assertThat(signed || view.epoch() <= highestTarget)
                        .as("validator %d's vote for epoch %d from the latest justified checkpoint was refused", v,
                                view.epoch()).isTrue();
                allSigned &= signed;
            }
        }
        return allSigned;
    }

    private static List<Vote> countable(Run run, Node parent, long slot) {
        StateTransition.SlotView view = run.chain.rules().atSlot(parent.state(),
                BlockContext.child(parent.block().header(), slot, run.chain.validator(0).address()));
        List<Vote> included = new ArrayList<>();
        Set<String> counted = new HashSet<>();
        for (Vote vote : run.signed) {
            String key = vote.validator() + "/" + vote.targetEpoch();
            if (!counted.contains(key) && view.whyNotCountable(vote, false, tx -> true).isEmpty()) {
                included.add(vote);
                counted.add(key);
            }
        }
        return included;
    }
}
