package mvpos.node;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.consensus.SealRejection;
import mvpos.crypto.HashKey;

/**
 * Blocks a node holds rather than adds: orphans, whose parent it does not know yet (at most
 * {@link NodeCore#MAX_ORPHANS}, the oldest group forgotten first), and early blocks, whose slot or
 * timestamp its clock has not reached (at most {@link NodeCore#MAX_EARLY_BLOCKS}). Bounded, so that a
 * peer flooding either cannot grow the node's memory. Insertion ordered: nothing depends on hash codes.
 */
final class HeldBlocks {
    private final Map<HashKey, List<Block>> orphansByParent = new LinkedHashMap<>();
    private int orphanCount;
    private final LinkedHashMap<HashKey, Block> early = new LinkedHashMap<>();

    /** Holds a block whose parent is unknown (a block asked for twice and held already is ignored). */
    void holdOrphan(Block block) {
        List<Block> siblings = orphansByParent.get(HashKey.view(block.header().parentHash()));
        if (siblings != null && siblings.stream().anyMatch(b -> Arrays.equals(b.hash(), block.hash()))) {
            return;
        }
        if (orphanCount >= NodeCore.MAX_ORPHANS) {
            var oldest = orphansByParent.entrySet().iterator();
            orphanCount -= oldest.next().getValue().size();
            oldest.remove();
        }
        orphansByParent.computeIfAbsent(HashKey.of(block.header().parentHash()), k -> new ArrayList<>()).add(block);
        orphanCount++;
    }

    /** Removes and returns the orphans waiting for {@code parentHash}, in arrival order. */
    List<Block> takeChildrenOf(byte[] parentHash) {
        List<Block> waiting = orphansByParent.remove(HashKey.of(parentHash));
        if (waiting == null) {
            return List.of();
        }
        orphanCount -= waiting.size();
        return waiting;
    }

    boolean hasChildrenOf(HashKey parent) {
        return orphansByParent.containsKey(parent);
    }

    int orphans() {
        return orphanCount;
    }

    /** The weight of the heaviest chain of held orphans descending from {@code point}. */
    BigInteger heaviestChainFrom(HashKey point, Function<Header, BigInteger> weight) {
        BigInteger best = BigInteger.ZERO;
        Set<HashKey> visited = new HashSet<>();
        Deque<Map.Entry<HashKey, BigInteger>> todo = new ArrayDeque<>();
        todo.add(Map.entry(point, BigInteger.ZERO));
        while (!todo.isEmpty()) {
            Map.Entry<HashKey, BigInteger> at = todo.poll();
            best = best.max(at.getValue());
            for (Block child : orphansByParent.getOrDefault(at.getKey(), List.of())) {
                HashKey id = HashKey.of(child.hash());
                if (visited.add(id)) {
                    todo.add(Map.entry(id, at.getValue().add(weight.apply(child.header()))));
                }
            }
        }
        return best;
    }

    /** Holds a block that came before its time. */
    void holdEarly(Block block) {
        if (early.size() >= NodeCore.MAX_EARLY_BLOCKS) {
            early.remove(early.keySet().iterator().next());
        }
        early.put(HashKey.of(block.hash()), block);
    }

    /** Removes and returns every early block, in arrival order (to be offered again). */
    List<Block> takeEarly() {
        List<Block> due = new ArrayList<>(early.values());
        early.clear();
        return due;
    }

    boolean hasEarly() {
        return !early.isEmpty();
    }

    /** A block refused only because it claims a slot or time this node's clock has not reached (yet). */
    static boolean isEarly(BlockRejection rejection, Header header, long nowMillis) {
        if (header.timestamp() > nowMillis + NodeCore.MAX_EARLY_MILLIS) {
            return false;
        }
        String detail = rejection.detail();
        return rejection.reason() == BlockRejection.Reason.BAD_SEAL
                && (detail.startsWith(SealRejection.Reason.FUTURE_SLOT.name())
                || detail.startsWith(SealRejection.Reason.BAD_TIMESTAMP.name()) && header.timestamp() > nowMillis);
    }
}
