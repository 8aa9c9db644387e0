package mvpos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import mvpos.chain.Account;
import mvpos.chain.ChainDomain;
import mvpos.chain.TestDomain;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.crypto.Sha256;
import mvpos.state.BucketedState;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The invariants on states, supply and honest votes: each is silent while the rule holds, and catches
 * one planted violation, whatever comes before it; and on a real run they check blocks and votes and
 * find nothing.
 */
class StateSupplyAndVoteInvariantsProperties {
    private static final ChainDomain DOMAIN = TestDomain.of("sim-invariants");
    private static final KeyPair HONEST = KeyPair.generate(new HashDrbg(1));
    private static final KeyPair BYZANTINE = KeyPair.generate(new HashDrbg(2));

    private static byte[] hash(String label) {
        return Sha256.hash(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Each step: (minted, burned); the supply moves by exactly minted - burned, and step {@code planted} (if any) by {@code off} more. */
    private static InvariantChecker supplyChain(List<Long> minted, List<Long> burned, int planted, long off) {
        InvariantChecker checker = new InvariantChecker(() -> 0);
        long supply = 1_000_000;
        for (int i = 0; i < Math.min(minted.size(), burned.size()); i++) {
            long after = supply + minted.get(i) - burned.get(i) + (i == planted ? off : 0);
            checker.supply(i % 4, hash("block " + i), i + 1, supply, after, minted.get(i), burned.get(i));
            supply = after;
        }
        return checker;
    }

    @Property(tries = 200)
    void blocksThatMoveSupplyByWhatTheyMintAndBurnAreSilent(
            @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 0, max = 5_000) Long> minted,
            @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 0, max = 5_000) Long> burned) {
        assertThat(supplyChain(minted, burned, -1, 0).violation()).isEmpty();
    }

    @Property(tries = 200)
    void aBlockThatCreatesOrLosesATokenMoreIsASupplyViolation(
            @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 0, max = 5_000) Long> minted,
            @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 0, max = 5_000) Long> burned,
            @ForAll @IntRange(min = 0, max = 29) int planted, @ForAll @LongRange(min = -3, max = 3) long off) {
        int steps = Math.min(minted.size(), burned.size());
        InvariantChecker checker = supplyChain(minted, burned, planted % steps, off == 0 ? 1 : off);
        assertThat(checker.violation()).hasValueSatisfying(v -> {
            assertThat(v.invariant()).isEqualTo("supply conservation");
            assertThat(v.detail()).contains("off by " + (off == 0 ? 1 : off));
        });
    }

    @Test
    void aStatesSupplyIsEveryBalanceStakeAndUnbondingToken() {
        Address a = KeyPair.generate(new HashDrbg(3)).address();
        Address b = KeyPair.generate(new HashDrbg(4)).address();
        var state = BucketedState.of(Map.of(a, new Account(100, 0, 50), b, new Account(7, 3, 0, false, 20, 9)));
        assertThat(SupplyConservation.supplyOf(state)).isEqualTo(100 + 50 + 7 + 20);
        assertThat(new SupplyConservation().supply(state)).isEqualTo(177);
    }

    @Property(tries = 200)
    void nodesHoldingTheSameBlocksWithTheRootsTheirHeadersCommitToAreSilent(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 9) Integer> blocks,
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 7) Integer> nodes) {
        InvariantChecker checker = new InvariantChecker(() -> 0);
        for (int i = 0; i < Math.min(blocks.size(), nodes.size()); i++) {
            int b = blocks.get(i);
            checker.stateRoot(nodes.get(i), hash("block " + b), b, hash("root " + b), hash("root " + b));
        }
        assertThat(checker.violation()).isEmpty();
    }

    @Property(tries = 200)
    void aNodeWithAnotherRootForABlockOrARootItsHeaderDoesNotCommitToIsCaught(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 9) Integer> blocks,
            @ForAll @IntRange(min = 0, max = 59) int planted, @ForAll boolean againstTheHeader) {
        InvariantChecker checker = new InvariantChecker(() -> 0);
        for (int i = 0; i < blocks.size(); i++) {
            int b = blocks.get(i);
            checker.stateRoot(i % 8, hash("block " + b), b, hash("root " + b), hash("root " + b));
        }
        int b = blocks.get(planted % blocks.size()); // a block some node holds already
        byte[] wrong = hash("another root");
        checker.stateRoot(9, hash("block " + b), b, againstTheHeader ? hash("root " + b) : wrong, wrong);
        assertThat(checker.violation()).hasValueSatisfying(v -> {
            assertThat(v.invariant()).isEqualTo("equal state roots for equal blocks");
            assertThat(v.detail()).startsWith("node 9 holds block");
        });
    }

    /** The honest validator's votes: epoch e from the justified e - 1, each heard by several nodes. */
    private static InvariantChecker honestVotes(int epochs) {
        InvariantChecker checker = new InvariantChecker(() -> 0);
        checker.honestValidators(Map.of(HONEST.address(), 0));
        for (int e = 1; e <= epochs; e++) {
            Vote vote = Vote.sign(HONEST, DOMAIN, e - 1, hash("checkpoint " + (e - 1)), e, hash("checkpoint " + e));
            for (int copies = 0; copies < 3; copies++) {
                checker.heard(vote);
            }
        }
        return checker;
    }

    @Property(tries = 50)
    void anHonestValidatorsVotesAreSilentAndAByzantinesPairsAreNotItsConcern(
            @ForAll @IntRange(min = 1, max = 20) int epochs) {
        InvariantChecker checker = honestVotes(epochs);
        checker.heard(Vote.sign(BYZANTINE, DOMAIN, 0, hash("checkpoint 0"), 1, hash("side A")));
        checker.heard(Vote.sign(BYZANTINE, DOMAIN, 0, hash("checkpoint 0"), 1, hash("side B")));
        assertThat(checker.violation()).isEmpty();
        assertThat(checker.honestVotesHeard()).isEqualTo(3L * epochs);
    }

    /**
     * The checker compares each vote with every earlier one of its validator, however long ago: on any
     * sequence of votes (sources and targets up to 300 epochs, so far older than any window), it reports
     * a pair exactly when some pair of them is slashable, the first time one is, and the pair it reports is.
     */
    @Property(tries = 300)
    void theSlashablePairCheckAgreesWithComparingEveryPair(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 300) Integer> sources,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 30) Integer> spans,
            @ForAll @Size(min = 1, max = 40) List<Boolean> forks) {
        HonestVotes checker = new HonestVotes();
        List<Vote> earlier = new java.util.ArrayList<>();
        int n = Math.min(sources.size(), Math.min(spans.size(), forks.size()));
        for (int i = 0; i < n; i++) {
            long source = sources.get(i);
            long target = source + spans.get(i);
            Vote vote = Vote.sign(HONEST, DOMAIN, source, hash("checkpoint " + source), target,
                    hash((forks.get(i) ? "fork " : "checkpoint ") + target));
            boolean expected = earlier.stream().anyMatch(e -> mvpos.chain.SlashingConditions.isSlashable(e, vote));
            java.util.Optional<Vote> found = checker.observe(vote);
            assertThat(found.isPresent()).as("vote %d: %d -> %d", i, source, target).isEqualTo(expected);
            if (found.isPresent()) {
                assertThat(mvpos.chain.SlashingConditions.isSlashable(found.get(), vote)).isTrue();
                return; // the first violation ends a run
            }
            earlier.add(vote);
        }
    }

    @Property(tries = 50)
    void anHonestDoubleOrSurroundVoteIsCaught(@ForAll @IntRange(min = 3, max = 20) int epochs,
                                              @ForAll @IntRange(min = 2, max = 20) int at, @ForAll boolean surround) {
        InvariantChecker checker = honestVotes(epochs);
        int target = Math.min(at, epochs);
        Vote planted = surround
                ? Vote.sign(HONEST, DOMAIN, target - 2, hash("checkpoint " + (target - 2)), target + 1,
                        hash("elsewhere " + (target + 1))) // surrounds (target-1 -> target)
                : Vote.sign(HONEST, DOMAIN, target - 1, hash("checkpoint " + (target - 1)), target, hash("fork " + target));
        checker.heard(planted);
        assertThat(checker.violation()).hasValueSatisfying(v -> {
            assertThat(v.invariant()).isEqualTo("no honest validator signs a slashable pair");
            assertThat(v.detail()).startsWith("honest validator 0 (" + HONEST.address() + ") signed");
        });
    }

    @Test
    void onAnHonestRunWithFinalityEveryBlockAndVoteIsCheckedAndNothingIsFound() throws Exception {
        Scenario scenario = ScenarioReader.read(ScenarioReader.parse("""
                engine: pos
                finality: ffg
                epoch: 4
                slot: 1s
                validators: 6
                workload: {tps: 2}
                run: {slots: 40}
                """), "honest");
        Simulation simulation = new Simulation(scenario, 3);
        SimReport report = simulation.run((v, e, h) -> { });
        assertThat(report.violation()).isNull();
        assertThat(report.finalizedEpoch()).isPositive();
        // every node added every block (about 40) and its supply was checked: rewards were minted
        assertThat(simulation.checker().supplyChecks()).isGreaterThan(6L * 30);
        assertThat(simulation.checker().honestVotesHeard()).isGreaterThan(6L * 5);
    }
}
