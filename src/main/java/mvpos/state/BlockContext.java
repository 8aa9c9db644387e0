package mvpos.state;

import mvpos.crypto.Address;

/**
 * What the state transition needs of a block besides its body: its height and slot, its parent's hash
 * (the checkpoint of the epochs it starts, on a chain with finality) and its proposer (who collects
 * the fees and the reward), and its parent's slot (which engine epochs it enters; {@code slot - 1} when
 * the caller does not know it).
 */
public record BlockContext(long height, long slot, byte[] parentHash, Address proposer, long parentSlot) {
    public BlockContext {
        parentHash = parentHash.clone();
    }

    /** A context whose parent's slot is taken to be the slot before. */
    public BlockContext(long height, long slot, byte[] parentHash, Address proposer) {
        this(height, slot, parentHash, proposer, slot - 1);
    }

    @Override
    public byte[] parentHash() {
        return parentHash.clone();
    }

    /** The context of a block built on top of the block with this header. */
    public static BlockContext child(mvpos.chain.Header parent, long slot, Address proposer) {
        return new BlockContext(parent.height() + 1, slot, parent.hash(), proposer, parent.slot());
    }

    /** The context of this block, on a parent in {@code parentSlot}. */
    public static BlockContext of(mvpos.chain.Header header, long parentSlot) {
        return new BlockContext(header.height(), header.slot(), header.parentHash(), header.proposer(), parentSlot);
    }

    /** The context of this block (its parent's slot taken to be the slot before). */
    public static BlockContext of(mvpos.chain.Header header) {
        return new BlockContext(header.height(), header.slot(), header.parentHash(), header.proposer());
    }
}
