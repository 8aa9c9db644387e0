package mvpos.state;

/**
 * What a consensus engine adds to the state transition: rewards and penalties after each block and at
 * the boundaries of its own epochs, applied by the pure state transition like everything else (no
 * clock, no randomness: only the block's context and the accounts). An engine supplies them through
 * {@code ConsensusEngine.hooks(Genesis)}; by default the proposer of each block earns the genesis
 * block reward ({@link #fixedReward}).
 *
 * <p>An engine keeps state of its own in {@link Ledger#register registers}, committed under the state
 * root like the accounts, and may define transactions of its own ({@link #applyTransaction}).
 *
 * <p>Order within a block: epoch boundaries first ({@link #atEpochBoundary}, once for each epoch of
 * {@link #epochSlots} slots the block enters since its parent), then, after the block's transactions,
 * {@link #afterBlock}.
 */
public interface EngineHooks {

    /** After the block's transactions: pay or take what the engine's rules say (the proposer's reward...). */
    void afterBlock(BlockContext block, Ledger ledger);

    /** Slots per engine epoch, or 0 for an engine without epochs (then {@link #atEpochBoundary} is never called). */
    default long epochSlots() {
        return 0;
    }

    /** At the start of engine epoch {@code epoch}, in the first block that enters it. */
    default void atEpochBoundary(long epoch, BlockContext block, Ledger ledger) {
    }

    /**
     * An engine transaction of the block ({@link mvpos.chain.TxKind#ENGINE}), in its place among the block's
     * transactions: apply it to the ledger (its registers, rewards, penalties) and return empty, or say why
     * it is refused, which makes the block invalid. By default an engine takes none.
     */
    default java.util.Optional<String> applyTransaction(EngineTransaction tx, BlockContext block, Ledger ledger) {
        return java.util.Optional.of("this chain's engine takes no engine transactions");
    }

    /** Today's rule for every engine: the proposer earns {@code reward} new tokens per block. */
    static EngineHooks fixedReward(long reward) {
        return new FixedReward(reward);
    }

    /** {@link #fixedReward}: a record, so that two rules with one reward are equal. */
    record FixedReward(long reward) implements EngineHooks {
        public FixedReward {
            if (reward < 0) {
                throw new IllegalArgumentException("negative block reward " + reward);
            }
        }

        @Override
        public void afterBlock(BlockContext block, Ledger ledger) {
            ledger.reward(block.proposer(), reward);
        }
    }
}
