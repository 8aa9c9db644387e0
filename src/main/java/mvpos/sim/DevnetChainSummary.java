package mvpos.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.chain.Block;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.crypto.KeyPair;
import mvpos.node.NodeCore;

/** A devnet's chain as one node has it: proposals against stake shares, forks, reorganisations. */
final class DevnetChainSummary {
    private DevnetChainSummary() {
    }

    /**
     * @param byStake    whether shares follow stake ({@code pos}) or are equal
     * @param headHeights the height of every block that was some node's head
     */
    static Devnet.ChainSummary of(NodeCore node, List<KeyPair> keys, boolean byStake, Map<HashKey, Long> headHeights,
                                  int reorganisations, int deepestReorganisation)
            throws mvpos.chain.ChainStore.StoreException {
        long height = node.head().height();
        Map<Address, Long> won = new java.util.HashMap<>();
        Set<HashKey> canonical = new HashSet<>();
        for (long h = 1; h <= height; h++) {
            Block block = node.blockAt(h).orElseThrow();
            canonical.add(HashKey.of(block.hash()));
            won.merge(block.header().proposer(), 1L, Long::sum);
        }
        long stale = headHeights.keySet().stream().filter(hash -> !canonical.contains(hash)
                && headHeights.get(hash) > 0).count();
        mvpos.state.State state = node.headState();
        long totalStake = 0;
        for (KeyPair key : keys) {
            totalStake += state.account(key.address()).stake();
        }
        List<Devnet.ValidatorShare> validators = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Address address = keys.get(i).address();
            long stake = state.account(address).stake();
            double share = byStake ? (totalStake == 0 ? 0 : (double) stake / totalStake) : 1.0 / keys.size();
            validators.add(new Devnet.ValidatorShare(i, address.toString(), stake, won.getOrDefault(address, 0L),
                    share * height));
        }
        return new Devnet.ChainSummary(validators, height, stale, reorganisations, deepestReorganisation);
    }
}
