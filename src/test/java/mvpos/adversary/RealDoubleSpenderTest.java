package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.chain.Block;
import mvpos.consensus.BlockTree;
import mvpos.consensus.PowEngine;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.HashKey;
import mvpos.crypto.KeyPair;
import mvpos.node.NodeCore;
import mvpos.node.Strategy;
import mvpos.sim.Devnet;
import mvpos.sim.DevnetSetup;
import org.junit.jupiter.api.Test;

/**
 * A double-spender on real pow nodes: it withholds its private chain, publishes it only when it is longer and
 * the merchant's node has seen the payment with z confirmations (then the merchant's chain holds the conflict,
 * not the payment), and gives up at its deficit (the payment stands). Its two members build on each other's
 * private blocks through their coalition.
 */
class RealDoubleSpenderTest {
    private static final int HONEST = 2;
    private static final Address MERCHANT = KeyPair.generate(new HashDrbg(99)).address();

    private static Devnet devnet(List<Strategy> members, long seed) throws Exception {
        Devnet.Config config = new Devnet.Config("pow", HONEST + members.size(), 1000, 20, 10, seed,
                Devnet.SEEDED_START_MILLIS, false, 8, Map.of(PowEngine.RETARGET_WINDOW,
                Integer.toString(PowEngine.MAX_RETARGET_WINDOW)), null, 0);
        return new Devnet(config, head -> { }, i -> i >= HONEST ? members.get(i - HONEST) : null,
                new DevnetSetup(0, List.of(), null, null, new long[0], 0, 10));
    }

    /** The canonical chain of a node, lowest first. */
    private static List<Block> chain(NodeCore node) throws Exception {
        List<Block> blocks = new ArrayList<>();
        for (long h = 1; h <= node.tree().head().height(); h++) {
            blocks.add(node.store().blockAt(h).orElseThrow());
        }
        return blocks;
    }

    private static Set<HashKey> transactions(List<Block> chain) {
        Set<HashKey> hashes = new HashSet<>();
        chain.forEach(b -> b.transactions().forEach(tx -> hashes.add(HashKey.of(tx.hash()))));
        return hashes;
    }

    /** The confirmations of a transaction on the chain ending at {@code head} (0: not on it). */
    private static long confirmations(NodeCore node, BlockTree.Entry head, byte[] txHash) {
        BlockTree.Entry at = head;
        while (at != null) {
            BlockTree.Entry entry = at;
            if (entry.block().transactions().stream().anyMatch(tx -> java.util.Arrays.equals(tx.hash(), txHash))) {
                return head.height() - entry.height() + 1;
            }
            at = node.tree().entry(entry.header().parentHash()).orElse(null);
        }
        return 0;
    }

    @Test
    void publishesItsLongerChainOnlyAfterZConfirmationsAndTheMerchantLosesThePayment() throws Exception {
        int z = 2;
        // Two members with 60% of the hash power together (1.5 rounds a tick each beside two honest nodes' one).
        RealDoubleSpender attacker = new RealDoubleSpender(MERCHANT, 1_000, z, 50, false);
        List<Strategy> members = List.of(attacker.member(1.5, new HashDrbg(1)), attacker.member(1.5, new HashDrbg(2)));
        Devnet devnet = devnet(members, 5);
        NodeCore merchant = devnet.node(0);
        Map<HashKey, Long> seen = new HashMap<>(); // the most confirmations the merchant saw each payment with
        merchant.onHeadChanged(change -> attacker.currentPayment().ifPresent(payment -> seen.merge(
                HashKey.of(payment.hash()), confirmations(merchant, merchant.tree().head(), payment.hash()), Math::max)));
        int withheld = 0;
        for (int step = 0; step < 2_000 && attacker.finished() < 4; step++) {
            devnet.advance(100);
            for (Block held : attacker.coalition().blocks()) {
                if (attacker.privateBlocks() > 0) {
                    assertThat(merchant.tree().contains(held.hash())).as("a private block reached the merchant")
                            .isFalse();
                    withheld++;
                }
            }
        }
        devnet.settle();
        assertThat(withheld).isPositive();
        List<Block> chain = chain(merchant);
        Set<HashKey> onChain = transactions(chain);
        List<RealDoubleSpender.Attempt> published = attacker.attempts().stream()
                .filter(a -> a.outcome() == RealDoubleSpender.Outcome.PUBLISHED).toList();
        assertThat(published).isNotEmpty();
        for (RealDoubleSpender.Attempt attempt : published) {
            assertThat(attempt.privateHeight()).isGreaterThan(attempt.publicHeight());
            assertThat(attempt.conflict().nonce()).isEqualTo(attempt.payment().nonce());
            assertThat(attempt.conflict().to()).isEqualTo(attempt.conflict().sender());
            assertThat(seen.get(HashKey.of(attempt.payment().hash()))).as("confirmations the merchant saw")
                    .isGreaterThanOrEqualTo(z);
            assertThat(onChain).doesNotContain(HashKey.of(attempt.payment().hash()));
            assertThat(onChain).contains(HashKey.of(attempt.conflict().hash()));
        }
        // The coalition: a block of one member on a private block of the other is on the final chain.
        Address first = devnet.keys().get(HONEST).address();
        Address second = devnet.keys().get(HONEST + 1).address();
        boolean builtOnEachOther = false;
        for (int i = 1; i < chain.size(); i++) {
            Address parent = chain.get(i - 1).header().proposer();
            Address child = chain.get(i).header().proposer();
            builtOnEachOther |= parent.equals(first) && child.equals(second) || parent.equals(second) && child.equals(first);
        }
        assertThat(builtOnEachOther).isTrue();
    }

    @Test
    void givesUpAtItsDeficitAndThePaymentStands() throws Exception {
        int giveUp = 2;
        // One member with 20% of the hash power (0.5 rounds a tick beside two honest nodes' one each).
        RealDoubleSpender attacker = new RealDoubleSpender(MERCHANT, 1_000, 1, giveUp, false);
        Devnet devnet = devnet(List.of(attacker.member(0.5, new HashDrbg(3))), 8);
        devnet.run(0, 2_000_000, () -> attacker.finished() >= 6);
        devnet.settle();
        Set<HashKey> onChain = transactions(chain(devnet.node(0)));
        List<RealDoubleSpender.Attempt> gaveUp = attacker.attempts().stream()
                .filter(a -> a.outcome() == RealDoubleSpender.Outcome.GAVE_UP).toList();
        assertThat(gaveUp).isNotEmpty();
        for (RealDoubleSpender.Attempt attempt : gaveUp) {
            assertThat(attempt.publicHeight() - attempt.privateHeight()).isGreaterThanOrEqualTo(giveUp);
            assertThat(onChain).contains(HashKey.of(attempt.payment().hash()));
            assertThat(onChain).doesNotContain(HashKey.of(attempt.conflict().hash()));
        }
        for (RealDoubleSpender.Attempt attempt : attacker.attempts()) {
            if (attempt.outcome() == RealDoubleSpender.Outcome.PUBLISHED) {
                assertThat(attempt.privateHeight()).isGreaterThan(attempt.publicHeight());
            } else {
                assertThat(attempt.publicHeight() - attempt.privateHeight()).isLessThan(giveUp + 2);
            }
        }
    }
}
