package mvpos.node;

import mvpos.chain.ChainStore;
import mvpos.chain.Genesis;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.Engines;
import mvpos.consensus.ForkChoice;
import mvpos.consensus.forkchoice.ForkChoices;

/**
 * The engine and the fork-choice rule a genesis names, configured for its chain; a choice that does not
 * exist or refuses its parameters is a {@link ChainStore.StoreException} naming the chain (a stored chain
 * this build cannot run).
 */
final class GenesisChoices {
    private GenesisChoices() {
    }

    static ConsensusEngine engine(Genesis genesis) throws ChainStore.StoreException {
        try {
            return Engines.named(genesis.engine()).configure(genesis);
        } catch (IllegalArgumentException e) {
            throw refused(genesis, e);
        }
    }

    static ForkChoice forkChoice(Genesis genesis) throws ChainStore.StoreException {
        try {
            return ForkChoices.forGenesis(genesis);
        } catch (IllegalArgumentException e) {
            throw refused(genesis, e);
        }
    }

    private static ChainStore.StoreException refused(Genesis genesis, IllegalArgumentException e) {
        return new ChainStore.StoreException("genesis of chain '" + genesis.chainId() + "': " + e.getMessage());
    }
}
