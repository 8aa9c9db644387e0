package mvpos.state;

import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.Genesis;

/**
 * What a genesis gives: the state of block 0 (its accounts and, with Casper FFG, the finality state
 * with the genesis validators in every dynasty), block 0 itself, and the chain's signing domain (its
 * chain id and the hash of block 0). Computed once per chain and shared.
 */
public record GenesisState(Genesis genesis, State state, Block block, ChainDomain domain) {

    public static GenesisState of(Genesis genesis) {
        State state = BucketedState.of(genesis.accounts());
        if (CasperFfg.NAME.equals(genesis.finality())) {
            state = state.withFinality(FinalityState.genesis(ValidatorRegistry.genesis(genesis.accounts())));
        }
        Block block = new Block(genesis.header(state.root()), List.of());
        return new GenesisState(genesis, state, block, new ChainDomain(genesis.chainId(), block.hash()));
    }
}
