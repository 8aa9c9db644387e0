package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.consensus.BlockTree;
import mvpos.consensus.PowEngine;
import mvpos.crypto.Address;
import mvpos.net.Message;
import mvpos.sim.Devnet;
import mvpos.sim.DevnetSetup;
import mvpos.sim.SimNetwork;
import org.junit.jupiter.api.Test;

/**
 * The eclipse double-spender on real pow nodes: three honest miners (0-2), the attacker (3) and a merchant's
 * node that does not mine (4). Eclipsed, the merchant's node sees the payment confirmed on a chain no honest
 * node has, and loses it when the eclipse ends; in the open race, the payment is confirmed on the public
 * chain while the attacker withholds its branch, then reversed when the attacker publishes a longer one.
 */
class EclipseDoubleSpenderTest {
    private static final int ATTACKER = 3;
    private static final int MERCHANT = 4;
    private static final long AMOUNT = 500;
    private static final Address MERCHANT_ADDRESS = new Address(new byte[20]);
    private static final Address ELSEWHERE = new Address(filled((byte) 7));

    private Devnet devnet;

    private static byte[] filled(byte value) {
        byte[] bytes = new byte[20];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    private EclipseDoubleSpender.Wire wire() {
        return new EclipseDoubleSpender.Wire() {
            @Override
            public void toVictim(Block block) {
                devnet.network().endpointOf(ATTACKER).send(SimNetwork.peerOf(MERCHANT), new Message.NewBlock(block));
            }

            @Override
            public void toHonest(Transaction transaction) {
                for (int i = 0; i < ATTACKER; i++) {
                    devnet.network().endpointOf(ATTACKER).send(SimNetwork.peerOf(i),
                            new Message.NewTransaction(transaction));
                }
            }
        };
    }

    private EclipseDoubleSpender start(double rounds, int z, boolean eclipse, long seed) throws Exception {
        EclipseDoubleSpender spender = new EclipseDoubleSpender(rounds, z, z + 8, eclipse, 2,
                new EclipseDoubleSpender.Spend(MERCHANT_ADDRESS, ELSEWHERE, AMOUNT, 1), wire());
        Devnet.Config config = new Devnet.Config("pow", 4, 1000, 20, 10, seed, Devnet.SEEDED_START_MILLIS, false, 8,
                Map.of(PowEngine.RETARGET_WINDOW, "10000"), null, 0);
        devnet = new Devnet(config, head -> { }, i -> i == ATTACKER ? spender : null,
                new DevnetSetup(1, List.of(), null, null, new long[0], 0, 10));
        return spender;
    }

    private int confirmations(int node, Address to) {
        BlockTree tree = devnet.node(node).tree();
        return EclipseDoubleSpender.confirmationsOf(tree.head(), tree, to, AMOUNT);
    }

    @Test
    void anEclipsedMerchantSeesThePaymentConfirmedOnAChainNoHonestNodeHasThenLosesIt() throws Exception {
        EclipseDoubleSpender spender = start(1, 3, true, 5);
        devnet.network().eclipse(MERCHANT, Set.of(ATTACKER));
        int step = 0;
        while (spender.phase() != EclipseDoubleSpender.Phase.SHIPPED && step++ < 2_000) {
            devnet.advance(100);
            if (spender.privateBlocks() > 0) {
                byte[] tip = spender.privateTip().orElseThrow().hash();
                for (int honest = 0; honest < ATTACKER; honest++) {
                    assertThat(devnet.node(honest).tree().contains(tip)).as("a private block reached node " + honest)
                            .isFalse();
                }
            }
        }
        assertThat(spender.phase()).isEqualTo(EclipseDoubleSpender.Phase.SHIPPED);
        devnet.advance(200); // the last private block reaches the merchant's node
        assertThat(confirmations(MERCHANT, MERCHANT_ADDRESS)).isGreaterThanOrEqualTo(3);
        assertThat(devnet.node(MERCHANT).tree().head().hash()).isEqualTo(spender.privateTip().orElseThrow().hash());
        assertThat(confirmations(0, MERCHANT_ADDRESS)).isZero();
        assertThat(confirmations(0, ELSEWHERE)).as("the honest chain carries the same coins elsewhere").isPositive();
        // The attacker stopped; the honest chain, three times its hash power, outgrows the private one (with this
        // seed the attacker was lucky: its chain was the longer when the merchant shipped), and once the eclipse
        // is healed the merchant's node follows it.
        long privateHeight = spender.privateTip().orElseThrow().height();
        assertThat(devnet.node(0).tree().head().height()).isLessThan(privateHeight);
        devnet.network().heal(MERCHANT);
        while (devnet.node(MERCHANT).tree().head().height() <= privateHeight && step++ < 4_000) {
            devnet.advance(100);
        }
        assertThat(spender.privateTip().orElseThrow().height()).isEqualTo(privateHeight);
        assertThat(confirmations(MERCHANT, MERCHANT_ADDRESS)).as("the payment is gone").isZero();
        assertThat(confirmations(MERCHANT, ELSEWHERE)).isPositive();
    }

    @Test
    void inTheOpenRaceThePaymentIsConfirmedInPublicThenReversedByTheWithheldBranch() throws Exception {
        // Six rounds a tick against the honest three: the attacker has two thirds of the hash power and wins.
        EclipseDoubleSpender spender = start(6, 2, false, 9);
        boolean[] merchantSawIt = new boolean[1];
        devnet.node(MERCHANT).onHeadChanged(change -> {
            if (!merchantSawIt[0] && confirmations(MERCHANT, MERCHANT_ADDRESS) >= 2) {
                merchantSawIt[0] = true; // the merchant ships
                spender.merchantShipped(devnet.gossip(ATTACKER).outbox());
            }
        });
        int step = 0;
        while (spender.phase() != EclipseDoubleSpender.Phase.WON && step++ < 2_000) {
            devnet.advance(100);
            if (spender.phase() == EclipseDoubleSpender.Phase.RACING) {
                byte[] tip = spender.privateTip().orElseThrow().hash();
                assertThat(devnet.node(0).tree().contains(tip)).as("a withheld block reached an honest node").isFalse();
                assertThat(confirmations(0, ELSEWHERE)).isZero();
            }
        }
        assertThat(spender.phase()).isEqualTo(EclipseDoubleSpender.Phase.WON);
        assertThat(merchantSawIt[0]).as("the merchant's node saw two confirmations before the release").isTrue();
        assertThat(spender.privateBlocks()).isGreaterThan(spender.publicBlocks());
        devnet.advance(3_000);
        assertThat(confirmations(MERCHANT, MERCHANT_ADDRESS)).isZero();
        assertThat(confirmations(MERCHANT, ELSEWHERE)).isPositive();
        assertThat(confirmations(0, ELSEWHERE)).isPositive();
    }

    @Test
    void aSpenderWithTooSmallAGiveUpDeficitIsRefused() {
        assertThatThrownBy(() -> new EclipseDoubleSpender(1, 3, 3, false, 0,
                new EclipseDoubleSpender.Spend(MERCHANT_ADDRESS, ELSEWHERE, AMOUNT, 1), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
