package mvpos.consensus.forkchoice;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.state.FinalityState;
import mvpos.state.GenesisState;
import mvpos.state.State;

/**
 * A block tree built by hand for fork-choice tests: validators with given stakes, blocks of weight one
 * on any parent (each with the genesis state, or one naming a justified checkpoint), no seals.
 */
final class HandBuiltTree {
    final Genesis genesis;
    final GenesisState genesisState;
    final BlockTree tree;
    final List<Address> validators = new ArrayList<>();
    final List<BlockTree.Entry> blocks = new ArrayList<>();
    private long nextSlot = 1;

    /** Validators with these stakes; with {@code ffg}, states carry finality. */
    HandBuiltTree(long[] stakes, boolean ffg) {
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (int i = 0; i < stakes.length; i++) {
            byte[] bytes = new byte[Address.LENGTH];
            bytes[0] = (byte) (i + 1);
            Address address = new Address(bytes);
            validators.add(address);
            accounts.put(address, new Account(0, 0, stakes[i]));
        }
        validators.sort(null);
        Genesis g = new Genesis("fc-test", 1_000, 0, 1_000, accounts, "poa", Map.of());
        genesis = ffg ? g.withFinality("ffg", Map.of("epochLength", "4")) : g;
        genesisState = GenesisState.of(genesis);
        tree = new BlockTree(genesis, genesisState.domain(), genesisState.block(), genesisState.state(),
                (key, message, signature) -> true);
        blocks.add(tree.head());
    }

    BlockTree.Entry root() {
        return blocks.get(0);
    }

    /** A block of weight one on {@code parent}, with the genesis state. */
    BlockTree.Entry add(BlockTree.Entry parent) {
        return add(parent, genesisState.state());
    }

    /** A block on {@code parent} whose state names {@code justified} as its justified checkpoint. */
    BlockTree.Entry addJustifying(BlockTree.Entry parent, BlockTree.Entry justified) {
        FinalityState f = genesisState.state().finality().orElseThrow();
        Checkpoint checkpoint = new Checkpoint(1, justified.hash());
        State state = genesisState.state().withFinality(new FinalityState(f.epoch(), f.previousJustified(),
                checkpoint, f.finalized(), f.justificationBits(), f.previousTarget(), f.currentTarget(), f.dynasty(),
                f.validators(), f.previousVotes(), f.currentVotes(), f.participationBasisPoints()));
        return add(parent, state);
    }

    private BlockTree.Entry add(BlockTree.Entry parent, State state) {
        long slot = nextSlot++;
        Header header = new Header(genesis.chainId(), parent.height() + 1, parent.hash(), 1_000 + slot * 1_000, slot,
                validators.get(0), Block.txRoot(List.of()), new byte[32], "poa", new byte[0], new byte[0]);
        Block block = new Block(header, List.of());
        BlockTree.Entry entry = tree.add(block, block.hash(), state, Map.of(), BigInteger.ONE);
        blocks.add(entry);
        return entry;
    }
}
