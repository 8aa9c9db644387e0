package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.Vote;
import mvpos.testing.FfgForks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fork-choice rule genesis names, as a node runs it: with LMD-GHOST the on-time block of the slot is
 * boosted, and gossiped votes (their heads) move the head on the next tick; with the heaviest chain the
 * block seen first stays the head whatever the votes say. The fork is built with {@link FfgForks}.
 */
class ForkChoiceNodeTest {
    @ParameterizedTest
    @ValueSource(strings = {"lmd-ghost", "heaviest"})
    void theBoostAndTheVotesMoveTheHeadOnlyUnderLmdGhost(String rule) throws Exception {
        FfgForks forks = FfgForks.poa(4, 4, rule, 3);
        NodeCore core = forks.node();
        forks.extend("main", 3);
        Block checkpoint = forks.tip("main"); // the last block of epoch 0
        forks.fork("a", "main").fork("b", "main").extend("a", 1).extend("b", 1);
        Block a = forks.tip("a");
        Block b = forks.tip("b"); // a sibling, one slot later, on time in its slot
        assertThat(a.header().slot()).isEqualTo(4);
        assertThat(b.header().slot()).isEqualTo(5);
        boolean lmd = rule.equals("lmd-ghost");
        assertThat(core.head()).as("after the sibling").isEqualTo(lmd ? b : a);

        core.onTick(FfgForks.T0 + 6 * FfgForks.SLOT + 500); // the boost ends with its slot: a tie keeps the head
        assertThat(core.head()).isEqualTo(lmd ? b : a);

        Checkpoint genesis = new Checkpoint(0, core.blockAt(0).orElseThrow().hash());
        for (int voter = 0; voter < 3; voter++) {
            Vote vote = forks.sign(voter, genesis, new Checkpoint(1, checkpoint.hash()), a.hash());
            assertThat(core.addVote(vote, FfgForks.T0 + 6 * FfgForks.SLOT + 600)).isInstanceOf(NodeCore.VoteAccepted.class);
        }
        core.onTick(FfgForks.T0 + 6 * FfgForks.SLOT + 700);
        assertThat(core.head()).as("three of four validators' latest messages name A").isEqualTo(a);
        assertThat(core.store().head().orElseThrow()).as("the head change is stored").isEqualTo(a);
    }
}
