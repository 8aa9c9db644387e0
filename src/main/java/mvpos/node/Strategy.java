package mvpos.node;

import mvpos.chain.ChainStore;

/**
 * How a validator behaves, apart from what the rules are: what it produces and when, what it votes,
 * when it releases what it made and to whom. Honest behaviour is one strategy ({@link HonestStrategy});
 * every adversary is another, in a file of its own, overriding the decisions it changes and nothing
 * else. The {@link Validator} gives a strategy its means (build a block on a parent, sign a vote) and
 * keeps the node's rules: a strategy cannot make the node accept an invalid block.
 */
public interface Strategy {

    /** A tick of the node's timer: the moment to produce, vote and release. */
    void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException;

    /**
     * A block from another node that this node accepted (added to its tree, on any fork), heard after
     * the message that brought it was handled: the moment a strategy that withholds blocks decides what
     * to release. Only a strategy that {@link #hearsBlocks} is told; the validator's own blocks are not
     * heard here.
     */
    default void onBlock(Validator validator, Outbox outbox, mvpos.chain.Block block, long nowMillis)
            throws ChainStore.StoreException {
    }

    /**
     * Whether this strategy is told of the blocks its node accepts ({@link #onBlock}). Honest strategies
     * are not (they act at their ticks), so their validators keep no list of blocks heard.
     */
    default boolean hearsBlocks() {
        return false;
    }

    /**
     * Whether the validator checks its signing record before it signs (slashing protection). Honest
     * validators always do; an adversary may turn it off to equivocate.
     */
    default boolean slashingProtection() {
        return true;
    }

    /**
     * The engine protocol this validator runs, given the honest one (for engines that decide blocks in rounds
     * of votes, a BFT engine): the honest one by default; an adversary may wrap it (to equivocate, to go
     * silent) in its own file.
     */
    default mvpos.consensus.EngineProtocol engineProtocol(mvpos.consensus.EngineProtocol honest) {
        return honest;
    }

    /** A short name for logs and reports. */
    default String name() {
        return getClass().getSimpleName();
    }
}
