package mvpos.state;

import mvpos.crypto.Address;

/**
 * What the state transition needs of a block besides its body: its height and slot, its parent's hash
 * (the checkpoint of the epochs it starts, on a chain with finality) and its proposer (who collects
 * the fees and the reward).
 */
public record BlockContext(long height, long slot, byte[] parentHash, Address proposer) {
    public BlockContext {
        parentHash = parentHash.clone();
    }

    @Override
    public byte[] parentHash() {
        return parentHash.clone();
    }

    /** The context of a block built on top of the block with this header. */
    public static BlockContext child(mvpos.chain.Header parent, long slot, Address proposer) {
        return new BlockContext(parent.height() + 1, slot, parent.hash(), proposer);
    }

    /** The context of this block. */
    public static BlockContext of(mvpos.chain.Header header) {
        return new BlockContext(header.height(), header.slot(), header.parentHash(), header.proposer());
    }
}
