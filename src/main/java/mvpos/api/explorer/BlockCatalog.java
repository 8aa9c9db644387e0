package mvpos.api.explorer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Block;
import mvpos.chain.Transaction;

/**
 * Every block the explorer has seen, on every fork and from every node it watches, by hash and by
 * height; with the full block when it is kept (a devnet in memory), and which block holds each recent
 * transaction. It keeps the {@link #MAX_BLOCKS} highest blocks: memory follows that bound, not the
 * chain's age. Thread-safe: nodes add from their threads, pages read from the server's.
 */
public final class BlockCatalog {
    /** Most blocks kept; the lowest heights are forgotten first. */
    public static final int MAX_BLOCKS = 200_000;
    /** Most transactions whose block is remembered. */
    public static final int MAX_TRANSACTIONS = 200_000;
    /** Most blocks one {@link #range} answer holds. */
    public static final int MAX_RANGE_BLOCKS = 5_000;

    private final boolean keepBodies;
    private final Map<String, BlockSummary> byHash = new HashMap<>();
    private final TreeMap<Long, List<String>> byHeight = new TreeMap<>();
    private final Map<String, Block> bodies = new HashMap<>();
    private final Map<String, String> blockOfTransaction = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_TRANSACTIONS;
        }
    };
    private long added;

    /** @param keepBodies keep each block's transactions (when no store can give them back) */
    public BlockCatalog(boolean keepBodies) {
        this.keepBodies = keepBodies;
    }

    /** Adds a block; returns its summary when it is new. */
    public synchronized Optional<BlockSummary> add(Block block, int seenBy, long nowMillis) {
        String hash = mvpos.crypto.Hex.encode(block.hash());
        if (byHash.containsKey(hash)) {
            return Optional.empty();
        }
        BlockSummary summary = BlockSummary.of(block, seenBy, nowMillis);
        put(summary);
        if (keepBodies) {
            bodies.put(hash, block);
        }
        for (Transaction tx : block.transactions()) {
            blockOfTransaction.put(tx.hashHex(), hash);
        }
        return Optional.of(summary);
    }

    /** Adds a block described without a {@link Block} (the lobby's); returns it when it is new. */
    public synchronized Optional<BlockSummary> add(BlockSummary summary) {
        if (byHash.containsKey(summary.hash())) {
            return Optional.empty();
        }
        put(summary);
        return Optional.of(summary);
    }

    private void put(BlockSummary summary) {
        byHash.put(summary.hash(), summary);
        byHeight.computeIfAbsent(summary.height(), h -> new ArrayList<>(1)).add(summary.hash());
        added++;
        while (byHash.size() > MAX_BLOCKS) {
            Map.Entry<Long, List<String>> lowest = byHeight.pollFirstEntry();
            for (String hash : lowest.getValue()) {
                byHash.remove(hash);
                bodies.remove(hash);
            }
        }
    }

    public synchronized Optional<BlockSummary> get(String hash) {
        return Optional.ofNullable(byHash.get(hash));
    }

    /** The whole block, when the catalog keeps bodies. */
    public synchronized Optional<Block> body(String hash) {
        return Optional.ofNullable(bodies.get(hash));
    }

    /** The hash of the block that holds a recent transaction. */
    public synchronized Optional<String> blockOfTransaction(String txHash) {
        return Optional.ofNullable(blockOfTransaction.get(txHash));
    }

    /** The blocks from height {@code from} to {@code to} (both included), lowest first, at most {@link #MAX_RANGE_BLOCKS}. */
    public synchronized List<BlockSummary> range(long from, long to) {
        List<BlockSummary> blocks = new ArrayList<>();
        for (List<String> hashes : byHeight.subMap(from, true, to, true).values()) {
            for (String hash : hashes) {
                if (blocks.size() >= MAX_RANGE_BLOCKS) {
                    return blocks;
                }
                blocks.add(byHash.get(hash));
            }
        }
        return blocks;
    }

    /**
     * The canonical chain of a head, by height, from {@code from} up to the head: the head's ancestors
     * as far down as the catalog knows them.
     */
    public synchronized Map<Long, String> ancestors(String head, long from) {
        Map<Long, String> chain = new HashMap<>();
        BlockSummary at = byHash.get(head);
        while (at != null && at.height() >= from) {
            chain.put(at.height(), at.hash());
            at = byHash.get(at.parent());
        }
        return chain;
    }

    /** How many blocks each proposer has on the chain ending at {@code head}, from height 1. */
    public synchronized Map<String, Long> proposalsOnChain(String head) {
        Map<String, Long> counts = new HashMap<>();
        BlockSummary at = byHash.get(head);
        while (at != null && at.height() > 0) {
            counts.merge(at.proposer(), 1L, Long::sum);
            at = byHash.get(at.parent());
        }
        return counts;
    }

    public synchronized long highest() {
        return byHeight.isEmpty() ? 0 : byHeight.lastKey();
    }

    public synchronized long lowest() {
        return byHeight.isEmpty() ? 0 : byHeight.firstKey();
    }

    public synchronized int size() {
        return byHash.size();
    }

    /** How many blocks were ever added. */
    public synchronized long added() {
        return added;
    }
}
