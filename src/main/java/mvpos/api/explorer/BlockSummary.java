package mvpos.api.explorer;

import mvpos.chain.Block;
import mvpos.crypto.Hex;

/**
 * What the explorer shows of a block in the tree: its place (height, slot, parent), who proposed it,
 * how many transactions it carries, and when the explorer first saw it (wall clock, to measure how fast
 * a new block reaches the page).
 *
 * @param note     a short text shown with the block (the lobby's BPM), or empty
 * @param seenBy   the index of the node whose view first had it
 * @param seenMillis wall-clock time when the explorer first saw it
 */
public record BlockSummary(String hash, String parent, long height, long slot, String proposer, int transactions,
                           long timestamp, String note, int seenBy, long seenMillis) {
    static BlockSummary of(Block block, int seenBy, long seenMillis) {
        return new BlockSummary(Hex.encode(block.hash()), Hex.encode(block.header().parentHash()), block.height(),
                block.header().slot(), block.header().proposer().toString(), block.transactions().size(),
                block.header().timestamp(), "", seenBy, seenMillis);
    }
}
