package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Vote;
import mvpos.consensus.ProposerSignature;
import mvpos.crypto.KeyPair;
import mvpos.net.Message;
import mvpos.sim.Devnet;
import mvpos.sim.SimNetwork;
import org.junit.jupiter.api.Test;

/**
 * Offences seen by honest nodes end in a slashing transaction: the offender's stake is cut on every
 * node, the reporter is rewarded, and the offender is punished once.
 */
class SlashingDevnetTest {
    private static final long SLOT = 100;

    private static Devnet devnet(long seed) throws Exception {
        return new Devnet(Devnet.Config.seeded("poa", 4, SLOT, seed).withFfg(4), head -> { });
    }

    private static void assertSlashedEverywhere(Devnet devnet, KeyPair offender) {
        for (int n = 0; n < devnet.size(); n++) {
            Account account = devnet.node(n).headState().account(offender.address());
            assertThat(account.slashed()).as("node %d sees the offender slashed", n).isTrue();
            assertThat(account.stake()).isZero();
        }
    }

    @Test
    void aDoubleVoteIsDetectedAndItsValidatorSlashedOnce() throws Exception {
        Devnet devnet = devnet(4);
        devnet.advance(13 * SLOT);
        KeyPair byzantine = devnet.keys().get(3);
        long stakeBefore = devnet.node(0).headState().account(byzantine.address()).stake();
        long reporterBefore = devnet.node(0).headState().account(devnet.keys().get(0).address()).balance();
        List<SlashingEvidence> seen = new ArrayList<>();
        devnet.node(0).onEvidence(seen::add);
        // A second vote for epoch 2, for a block that is not its checkpoint: a double vote.
        Vote conflicting = Vote.sign(byzantine, devnet.node(0).domain(), 0, devnet.node(0).blockAt(0).orElseThrow()
                .hash(), 2, new byte[32]);
        devnet.gossip(0).onMessage(SimNetwork.peerOf(3), new Message.NewVote(conflicting), devnet.events().millis());
        devnet.gossip(0).onMessage(SimNetwork.peerOf(3), new Message.NewVote(conflicting), devnet.events().millis());
        assertThat(seen).hasSize(1).first().isInstanceOf(SlashingEvidence.VotePair.class);

        devnet.advance(8 * SLOT);
        assertThat(devnet.settle().agree()).isTrue();
        assertSlashedEverywhere(devnet, byzantine);
        long reporterAfter = devnet.node(0).headState().account(devnet.keys().get(0).address()).balance();
        // Rewarded stake / 16 less its fee, beside what it earned by producing blocks meanwhile.
        assertThat(reporterAfter - reporterBefore).isGreaterThanOrEqualTo(stakeBefore / 16 - Validator.SLASHING_FEE);
        assertThat(countSlashes(devnet)).as("slashing transactions on the chain").isEqualTo(1);
    }

    @Test
    void twoBlocksForOneSlotAreDetectedAndTheirProposerSlashed() throws Exception {
        Devnet devnet = devnet(6);
        devnet.advance(6 * SLOT);
        NodeCore node = devnet.node(2);
        Block original = null;
        for (long h = 1; h <= node.head().height(); h++) {
            Block b = node.blockAt(h).orElseThrow();
            if (b.header().proposer().equals(devnet.keys().get(1).address())) {
                original = b;
            }
        }
        assertThat(original).isNotNull();
        Header h = original.header();
        Header twin = new Header(h.chainId(), h.height(), h.parentHash(), h.timestamp() + 1, h.slot(), h.proposer(),
                h.bodyRoot(), h.stateRoot(), h.engine(), h.engineData(), new byte[0]);
        Block equivocation = new Block(ProposerSignature.seal(devnet.node(1).tree(), devnet.keys().get(1), twin),
                original.transactions(), original.votes());
        devnet.gossip(2).onMessage(SimNetwork.peerOf(1), new Message.NewBlock(equivocation), devnet.events().millis());

        devnet.advance(8 * SLOT);
        assertThat(devnet.settle().agree()).isTrue();
        assertSlashedEverywhere(devnet, devnet.keys().get(1));
        assertThat(countSlashes(devnet)).isEqualTo(1);
    }

    private static long countSlashes(Devnet devnet) throws Exception {
        long count = 0;
        NodeCore node = devnet.node(0);
        for (long h = 1; h <= node.head().height(); h++) {
            count += node.blockAt(h).orElseThrow().transactions().stream()
                    .filter(tx -> tx.kind() == mvpos.chain.TxKind.SLASH.code()).count();
        }
        return count;
    }
}
