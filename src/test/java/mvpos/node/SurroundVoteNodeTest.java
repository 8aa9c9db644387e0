package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.SlashingConditions;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.testing.FfgForks;
import org.junit.jupiter.api.Test;

/**
 * FFG's second slashing condition as one node sees it, in either order: a vote whose link surrounds
 * one its validator signed before (or is surrounded by it), from gossip or carried in a block, is
 * found by the node's offence detector, reported once as a {@link SlashingEvidence.VotePair}, and
 * turned by the node's validator into a slashing transaction that cuts the offender's stake on every
 * node once a block carries it. The byzantine validator's honest vote is one the chain really carries
 * (built with {@link FfgForks}), so the verdict does not depend on what gossip delivered when.
 */
class SurroundVoteNodeTest {
    /** Three epochs with every validator voting, then one more: its honest votes wait in the pool. */
    private static FfgForks chainUntilHonestVotes() throws Exception {
        FfgForks forks = FfgForks.poa(4, 4, 41).epochs("main", 3, 0, 1, 2, 3);
        forks.extendToEpoch("main", forks.epochOf(forks.tip("main")) + 1);
        return forks;
    }

    /**
     * The byzantine validator's honest vote (its source past genesis), carried by the block {@code forks}
     * makes next, the tip of its main branch.
     */
    private static Vote honestVoteCarried(FfgForks forks, int byzantine) throws Exception {
        Vote honest = forks.voteHonestly("main", 0, 1, 2, byzantine).get(3);
        assertThat(honest.sourceEpoch()).as("a source past genesis").isPositive();
        forks.extend("main", 1);
        assertThat(forks.tip("main").votes()).as("the block after carries the vote").contains(honest);
        return honest;
    }

    /** A vote by {@code voter} whose link strictly surrounds {@code honest}'s. */
    private static Vote surrounding(FfgForks forks, int voter, Vote honest) throws Exception {
        return forks.sign(voter, new Checkpoint(honest.sourceEpoch() - 1, forks.node().blockAt(0).orElseThrow().hash()),
                new Checkpoint(honest.targetEpoch() + 1, new byte[32]));
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
        FfgForks forks = chainUntilHonestVotes();
        KeyPair byzantine = forks.key(3);
        Vote honest = honestVoteCarried(forks, 3);
        List<Block> chain = forks.blocks("main");

        NodeCore watcher = NodeCore.open(forks.genesis(), new MemoryChainStore());
        Validator reporter = Validator.honest(watcher, forks.key(0), SlashingProtection.inMemory(),
                new HashDrbg(1), 1);
        List<SlashingEvidence> seen = new ArrayList<>();
        watcher.onEvidence(seen::add);
        long now = forks.now();
        for (Block block : chain) {
            assertThat(watcher.addBlock(block, now)).isInstanceOf(NodeCore.Added.class);
        }
        assertThat(seen).as("an honest chain proves no offence").isEmpty();

        Vote surrounding = surrounding(forks, 3, honest);
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
        // Carried by a chain whose node never saw the surrounding vote, it slashes on every node of that chain.
        NodeCore builder = forks.node();
        assertThat(builder.headState().account(byzantine.address()).slashed()).isFalse();
        assertThat(builder.submit(outgoing.get(0))).isInstanceOf(Mempool.Accepted.class);
        forks.extend("main", 2);
        assertThat(forks.blocks("main").stream().flatMap(b -> b.transactions().stream())).contains(outgoing.get(0));
        for (Block block : forks.blocks("main", chain.size() + 1)) {
            assertThat(watcher.addBlock(block, forks.now())).isInstanceOf(NodeCore.Added.class);
        }
        for (NodeCore node : List.of(builder, watcher)) {
            assertThat(node.head()).isEqualTo(forks.tip("main"));
            assertThat(node.headState().account(byzantine.address()).slashed())
                    .as("a node of the chain sees the offender slashed").isTrue();
            assertThat(node.headState().account(byzantine.address()).stake()).isZero();
        }
    }

    @Test
    void aVoteCarriedInABlockAndSurroundedByOneSeenBeforeIsReported() throws Exception {
        FfgForks forks = chainUntilHonestVotes();
        KeyPair byzantine = forks.key(3);
        Vote honest = honestVoteCarried(forks, 3);
        List<Block> chain = forks.blocks("main");
        int carrying = chain.size() - 1;

        NodeCore watcher = NodeCore.open(forks.genesis(), new MemoryChainStore());
        List<SlashingEvidence> seen = new ArrayList<>();
        watcher.onEvidence(seen::add);
        long now = forks.now();
        for (Block block : chain.subList(0, carrying)) {
            watcher.addBlock(block, now);
        }
        // First the surrounding vote (its target block unknown, it waits); nothing it surrounds is known yet.
        Vote surrounding = surrounding(forks, 3, honest);
        watcher.addVote(surrounding, now);
        assertThat(seen).isEmpty();
        // Then the block carrying the vote it surrounds.
        assertThat(watcher.addBlock(chain.get(carrying), now)).isInstanceOf(NodeCore.Added.class);
        assertSurroundPair(seen, honest, surrounding, byzantine);
    }
}
