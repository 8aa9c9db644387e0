package mvpos.consensus;

import mvpos.state.BlockContext;
import mvpos.state.EngineHooks;
import mvpos.state.Ledger;

/**
 * Proof of stake's rewards, applied by the state transition through {@link EngineHooks}: the proposer of
 * each block earns the genesis block reward. (The stake-weighted choice of that proposer is the
 * engine's; what finality pays and takes is Casper FFG's, in the state transition itself.)
 */
record PosRewards(long blockReward) implements EngineHooks {
    @Override
    public void afterBlock(BlockContext block, Ledger ledger) {
        ledger.reward(block.proposer(), blockReward);
    }
}
