package mvpos.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;

/** The work on blocks done in parallel before they reach the node's loop (see {@link NodeCore.Prechecked}). */
final class Precheck {
    private Precheck() {
    }

    /** Verifies the signatures (through the cache) and computes the body roots of these blocks, in parallel. */
    static NodeCore.Prechecked of(List<Block> blocks, SignatureCache signatures) {
        Set<Transaction> valid = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Block, byte[]> roots = new IdentityHashMap<>();
        List<Transaction> all = new ArrayList<>();
        List<Vote> votes = new ArrayList<>();
        blocks.forEach(b -> {
            all.addAll(b.transactions());
            votes.addAll(b.votes());
        });
        valid.addAll(all.parallelStream().filter(signatures::isValid).toList());
        votes.parallelStream().forEach(signatures::isValid); // remembered by the cache
        List<byte[]> computed = blocks.parallelStream().map(b -> Block.bodyRoot(b.transactions(), b.votes()))
                .toList();
        for (int i = 0; i < blocks.size(); i++) {
            roots.put(blocks.get(i), computed.get(i));
        }
        return new NodeCore.Prechecked(valid, roots);
    }
}
