package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.SlashingConditions;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/**
 * FFG's second slashing condition as one node sees it, in either order: a vote whose link surrounds
 * one its validator signed before (or is surrounded by it), from gossip or carried in a block, is
 * found by the node's offence detector, reported once as a {@link SlashingEvidence.VotePair}, and
 * turned by the node's validator into a slashing transaction that cuts the offender's stake on every
 * node once a block carries it. The byzantine validator's honest vote is one the chain really carries,
 * so the verdict does not depend on what gossip delivered when.
 */
class SurroundVoteNodeTest {
    private static final long SLOT = 100;

    /** A poa devnet with epochs of 4 slots, run until justification has moved past genesis. */
    private static Devnet devnet() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("poa", 4, SLOT, 41).withFfg(4), head -> { });
        devnet.advance(25 * SLOT);
        return devnet;
    }

    private static List<Block> chain(NodeCore node) throws Exception {
        List<Block> blocks = new ArrayList<>();
        for (long h = 1; h <= node.head().height(); h++) {
            blocks.add(node.blockAt(h).orElseThrow());
        }
        return blocks;
    }

    /** The index of the first block carrying a vote of {@code voter} whose source is past genesis. */
    private static int firstCarrying(List<Block> chain, KeyPair voter) {
        for (int i = 0; i < chain.size(); i++) {
            for (Vote vote : chain.get(i).votes()) {
                if (vote.validator().equals(voter.address()) && vote.sourceEpoch() >= 1) {
                    return i;
                }
            }
        }
        throw new AssertionError("no vote of the validator with a source past genesis on the chain");
    }

    private static Vote carriedVote(Block block, KeyPair voter) {
        return block.votes().stream().filter(v -> v.validator().equals(voter.address()) && v.sourceEpoch() >= 1)
                .findFirst().orElseThrow();
    }

    /** A vote by {@code voter} whose link strictly surrounds {@code honest}'s. */
    private static Vote surrounding(Devnet devnet, KeyPair voter, Vote honest) throws Exception {
        NodeCore node = devnet.node(0);
        return Vote.sign(voter, node.domain(), honest.sourceEpoch() - 1, node.blockAt(0).orElseThrow().hash(),
                honest.targetEpoch() + 1, new byte[32]);
    }

    private static void assertSurroundPair(List<SlashingEvidence> seen, Vote honest, Vote surrounding,
                                           KeyPair offender) {
        assertThat(seen).singleElement().isInstanceOf(SlashingEvidence.VotePair.class);
        SlashingEvidence.VotePair pair = (SlashingEvidence.VotePair) seen.get(0);
        assertThat(List.of(pair.first(), pair.second())).containsExactlyInAnyOrder(honest, surrounding);
        assertThat(SlashingConditions.isSurroundVote(pair.first(), pair.second())).isTrue();
        assertThat(SlashingConditions.isDoubleVote(pair.first(), pair.second())).as("not a double vote").isFalse();
        assertThat(pair.offender()).isEqualTo(offender.address());
    }

    @Test
    void aGossipedVoteSurroundingOneTheChainCarriesIsReportedAndItsSignerSlashedOnEveryNode() throws Exception {
        Devnet devnet = devnet();
        KeyPair byzantine = devnet.keys().get(3);
        List<Block> chain = chain(devnet.node(0));
        Vote honest = carriedVote(chain.get(firstCarrying(chain, byzantine)), byzantine);

        NodeCore watcher = NodeCore.open(devnet.genesis(), new MemoryChainStore());
        Validator reporter = Validator.honest(watcher, devnet.keys().get(0), SlashingProtection.inMemory(),
                new HashDrbg(1), 1);
        List<SlashingEvidence> seen = new ArrayList<>();
        watcher.onEvidence(seen::add);
        long now = devnet.events().millis();
        for (Block block : chain) {
            assertThat(watcher.addBlock(block, now)).isInstanceOf(NodeCore.Added.class);
        }
        assertThat(seen).as("an honest chain proves no offence").isEmpty();

        Vote surrounding = surrounding(devnet, byzantine, honest);
        watcher.addVote(surrounding, now);
        assertSurroundPair(seen, honest, surrounding, byzantine);
        watcher.addVote(Vote.sign(byzantine, watcher.domain(), honest.sourceEpoch() - 1,
                watcher.blockAt(0).orElseThrow().hash(), honest.targetEpoch() + 2, new byte[32]), now);
        assertThat(seen).as("an offender is reported once").hasSize(1);

        // The node's validator turns the evidence into one slashing transaction against the offender.
        List<Transaction> outgoing = reporter.drainOutgoing();
        assertThat(outgoing).singleElement().satisfies(tx -> {
            assertThat(tx.kind()).isEqualTo(TxKind.SLASH.code());
            assertThat(tx.to()).isEqualTo(byzantine.address());
        });
        // Carried by the devnet's chain (no node of it saw the surrounding vote), it slashes everywhere.
        assertThat(devnet.node(0).headState().account(byzantine.address()).slashed()).isFalse();
        assertThat(devnet.node(0).submit(outgoing.get(0))).isInstanceOf(Mempool.Accepted.class);
        devnet.advance(8 * SLOT);
        for (int n = 0; n < devnet.size(); n++) {
            assertThat(devnet.node(n).headState().account(byzantine.address()).slashed())
                    .as("node %d sees the offender slashed", n).isTrue();
            assertThat(devnet.node(n).headState().account(byzantine.address()).stake()).isZero();
        }
    }

    @Test
    void aVoteCarriedInABlockAndSurroundedByOneSeenBeforeIsReported() throws Exception {
        Devnet devnet = devnet();
        KeyPair byzantine = devnet.keys().get(3);
        List<Block> chain = chain(devnet.node(0));
        int carrying = firstCarrying(chain, byzantine);
        Vote honest = carriedVote(chain.get(carrying), byzantine);

        NodeCore watcher = NodeCore.open(devnet.genesis(), new MemoryChainStore());
        List<SlashingEvidence> seen = new ArrayList<>();
        watcher.onEvidence(seen::add);
        long now = devnet.events().millis();
        for (Block block : chain.subList(0, carrying)) {
            watcher.addBlock(block, now);
        }
        // First the surrounding vote (its target block unknown, it waits); nothing it surrounds is known yet.
        Vote surrounding = surrounding(devnet, byzantine, honest);
        watcher.addVote(surrounding, now);
        assertThat(seen).isEmpty();
        // Then the block carrying the vote it surrounds.
        assertThat(watcher.addBlock(chain.get(carrying), now)).isInstanceOf(NodeCore.Added.class);
        assertSurroundPair(seen, honest, surrounding, byzantine);
    }
}
