package mvpos.adversary;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;

/**
 * A coalition's private channel: its members post the blocks they make in private, and each member reads
 * every block posted so far, so that they all build on the coalition's private tip. Nothing posted here
 * reaches an honest node; publishing is each member's {@link HeldOutbox}.
 */
public final class Coalition {
    private final List<Block> posted = new ArrayList<>();

    /** Posts a block to the other members. */
    public void post(Block block) {
        posted.add(block);
    }

    /** Every block posted, in the order posted. */
    public List<Block> blocks() {
        return List.copyOf(posted);
    }

    /** The highest block posted, if any: the coalition's private tip. */
    public java.util.Optional<Block> tip() {
        return posted.stream().max(java.util.Comparator.comparingLong((Block b) -> b.header().height()));
    }
}
