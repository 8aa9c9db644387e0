package mvpos.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.ChainDomain;
import mvpos.crypto.Address;
import org.junit.jupiter.api.Test;

/** An engine's rewards and penalties, applied by the pure state transition. */
class EngineHooksTest {
    private static final ChainDomain DOMAIN = new ChainDomain("hooks-test", new byte[32]);
    private static final Address PROPOSER = address(1);
    private static final Address SLACKER = address(2);

    private static Address address(int b) {
        byte[] bytes = new byte[Address.LENGTH];
        bytes[0] = (byte) b;
        return new Address(bytes);
    }

    /** Pays 7 per block; at each epoch of 4 slots, takes 5 from the slacker and records the epoch. */
    private record Recording(List<Long> epochs) implements EngineHooks {
        @Override
        public void afterBlock(BlockContext block, Ledger ledger) {
            ledger.reward(block.proposer(), 7);
        }

        @Override
        public long epochSlots() {
            return 4;
        }

        @Override
        public void atEpochBoundary(long epoch, BlockContext block, Ledger ledger) {
            epochs.add(epoch);
            ledger.penalize(SLACKER, 5);
        }
    }

    private static State pre() {
        return BucketedState.of(new TreeMap<>(Map.of(PROPOSER, new Account(0, 0, 10), SLACKER, new Account(12, 0, 10))));
    }

    @Test
    void rewardsAfterEachBlockAndPenaltiesOncePerEpochEnteredMoveSupplyByWhatTheyMintAndBurn() {
        List<Long> epochs = new ArrayList<>();
        StateTransition rules = new StateTransition(DOMAIN, 10).withHooks(new Recording(epochs));
        // A block in slot 13 on a parent in slot 2 enters epochs 1, 2 and 3.
        StateTransition.Applied applied = (StateTransition.Applied) rules.apply(pre(),
                new BlockContext(2, 13, new byte[32], PROPOSER, 2), List.of(), StateTransition.SignatureCheck.direct(DOMAIN));
        assertThat(epochs).containsExactly(1L, 2L, 3L);
        assertThat(applied.postState().account(PROPOSER).balance()).as("the hook's reward, not the genesis one").isEqualTo(7);
        assertThat(applied.postState().account(SLACKER).balance()).as("5 + 5 + 2: never below zero").isZero();
        assertThat(applied.minted()).isEqualTo(7);
        assertThat(applied.burned()).isEqualTo(12);
        // The next block in the same epoch enters none.
        epochs.clear();
        rules.apply(applied.postState(), new BlockContext(3, 14, new byte[32], PROPOSER, 13), List.of(),
                StateTransition.SignatureCheck.direct(DOMAIN));
        assertThat(epochs).isEmpty();
    }

    @Test
    void theDefaultHookPaysTheGenesisBlockRewardAsBefore() {
        StateTransition rules = new StateTransition(DOMAIN, 10);
        StateTransition.Applied applied = (StateTransition.Applied) rules.apply(pre(), PROPOSER, List.of(),
                StateTransition.SignatureCheck.direct(DOMAIN));
        assertThat(applied.postState().account(PROPOSER).balance()).isEqualTo(10);
        assertThat(rules.hooks()).isEqualTo(EngineHooks.fixedReward(10));
    }

    @Test
    void aRewardThatOverflowsMakesTheBlockInvalid() {
        StateTransition rules = new StateTransition(DOMAIN, 0).withHooks((block, ledger) -> ledger.reward(
                block.proposer(), Long.MAX_VALUE));
        State rich = BucketedState.of(new TreeMap<>(Map.of(PROPOSER, new Account(1, 0, 10))));
        StateTransition.Outcome outcome = rules.apply(rich, PROPOSER, List.of(), StateTransition.SignatureCheck.direct(DOMAIN));
        assertThat(outcome).isInstanceOfSatisfying(StateTransition.Rejected.class,
                r -> assertThat(r.rejection().reason()).isEqualTo(Rejection.Reason.OVERFLOW));
    }
}
