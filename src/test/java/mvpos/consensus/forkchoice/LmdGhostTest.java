package mvpos.consensus.forkchoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

/** LMD-GHOST on hand-built trees and vote sets, and as a property over random ones. */
class LmdGhostTest {

    private static LmdGhost lmd(HandBuiltTree t, long boost) {
        LmdGhost rule = new LmdGhost(new LatestMessages(), boost, 1);
        t.tree.setForkChoice(rule);
        return rule;
    }

    private static void vote(LmdGhost rule, HandBuiltTree t, int validator, long epoch, BlockTree.Entry head) {
        rule.messages().offer(t.validators.get(validator), epoch, head.hash());
    }

    @Test
    void theChildWithTheMostLatestVoteWeightWinsEvenWhenItsBranchIsShorter() {
        HandBuiltTree t = new HandBuiltTree(new long[] {10, 20, 35}, false);
        LmdGhost rule = lmd(t, 0);
        BlockTree.Entry a = t.add(t.root());
        BlockTree.Entry a2 = t.add(a);
        BlockTree.Entry a3 = t.add(a2);
        BlockTree.Entry b = t.add(t.root());
        vote(rule, t, 0, 1, a3);
        vote(rule, t, 1, 1, a2);
        vote(rule, t, 2, 1, b); // 35 against 30
        t.tree.refreshHead();
        assertSame(b, t.tree.head(), "the heavier stake wins over the longer chain");
        // A later message replaces the voter's earlier one; an older one does not.
        vote(rule, t, 2, 2, a);
        vote(rule, t, 2, 1, b);
        t.tree.refreshHead();
        assertSame(a3, t.tree.head());
    }

    @Test
    void aBalancedSplitKeepsTheHeadAndTheProposerBoostDecidesIt() {
        // The balancing attack's picture: two branches holding exactly half the stake each.
        HandBuiltTree t = new HandBuiltTree(new long[] {25, 25, 25, 25}, false);
        LmdGhost rule = lmd(t, 40);
        BlockTree.Entry left = t.add(t.root());
        BlockTree.Entry right = t.add(t.root());
        vote(rule, t, 0, 1, left);
        vote(rule, t, 1, 1, left);
        vote(rule, t, 2, 1, right);
        vote(rule, t, 3, 1, right);
        t.tree.refreshHead();
        assertSame(left, t.tree.head(), "a tie keeps the branch of the current head (the block first seen)");
        BlockTree.Entry onRight = t.add(right); // the new slot's block, on the other branch
        rule.messages().boost(onRight.hash(), onRight.header().slot());
        t.tree.refreshHead();
        assertSame(onRight, t.tree.head(), "the boost (40% of one slot's stake) breaks the tie");
        rule.messages().endBoostBefore(onRight.header().slot() + 1);
        t.tree.refreshHead();
        assertSame(onRight, t.tree.head(), "once the boost ends the tie keeps the head where it is");
        // Without the boost, one more vote on the left wins again: a boost is not a vote.
        vote(rule, t, 3, 2, left);
        t.tree.refreshHead();
        assertSame(left, t.tree.head());
    }

    @Test
    void anEquivocatorsMessageStopsCounting() {
        HandBuiltTree t = new HandBuiltTree(new long[] {10, 30}, false);
        LmdGhost rule = lmd(t, 0);
        BlockTree.Entry a = t.add(t.root());
        BlockTree.Entry b = t.add(t.root());
        vote(rule, t, 0, 1, a);
        vote(rule, t, 1, 1, b);
        t.tree.refreshHead();
        assertSame(b, t.tree.head());
        rule.messages().equivocated(t.validators.get(1));
        t.tree.refreshHead();
        assertSame(a, t.tree.head());
    }

    @Test
    void theFfgFilterDropsBranchesWhoseLeavesDoNotKnowTheJustifiedCheckpoint() {
        HandBuiltTree t = new HandBuiltTree(new long[] {10, 10, 10}, true);
        LmdGhost rule = lmd(t, 0);
        BlockTree.Entry j = t.add(t.root());
        BlockTree.Entry knows = t.addJustifying(j, j);
        BlockTree.Entry unaware = t.add(j);
        BlockTree.Entry unaware2 = t.add(unaware);
        vote(rule, t, 0, 1, unaware2);
        vote(rule, t, 1, 1, unaware2);
        vote(rule, t, 2, 1, knows);
        t.tree.setAnchor(j.hash());
        assertSame(knows, t.tree.head(), "the branch with more votes has no leaf that justified the anchor");
    }

    @Test
    void ghostCountsTheBlocksOfABranchNotJustItsLength() {
        HandBuiltTree t = new HandBuiltTree(new long[] {1}, false);
        BlockTree.Entry a = t.add(t.root());
        BlockTree.Entry a2 = t.add(a);
        t.add(a2); // the longest chain: root, a, a2, a3
        BlockTree.Entry b = t.add(t.root());
        BlockTree.Entry b2 = t.add(b);
        t.add(b);
        t.add(b);
        t.add(b2);
        assertTrue(t.tree.descendsFrom(t.tree.head(), a), "the heaviest-chain rule keeps the longest chain seen first");
        t.tree.setForkChoice(new Ghost());
        assertTrue(t.tree.descendsFrom(t.tree.head(), b), "GHOST follows the bushier subtree (5 blocks against 3)");
        assertSame(b2, t.tree.entry(t.tree.head().header().parentHash()).orElseThrow());
    }

    // ------------------------------------------------------------------ properties

    /** A random tree: each block's parent index, the stakes, and each validator's head index. */
    record Case(List<Integer> parents, List<Long> stakes, List<Integer> heads) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<Integer>> parents = Arbitraries.integers().between(0, 1_000).list().ofMinSize(1).ofMaxSize(30);
        Arbitrary<List<Long>> stakes = Arbitraries.longs().between(1, 100).list().ofMinSize(1).ofMaxSize(12);
        Arbitrary<List<Integer>> heads = Arbitraries.integers().between(0, 1_000).list().ofSize(12);
        return Combinators.combine(parents, stakes, heads).as(Case::new);
    }

    private static HandBuiltTree build(Case c, boolean ffg, List<Integer> justifying) {
        long[] stakes = c.stakes().stream().mapToLong(Long::longValue).toArray();
        HandBuiltTree t = new HandBuiltTree(stakes, ffg);
        for (int i = 0; i < c.parents().size(); i++) {
            BlockTree.Entry parent = t.blocks.get(c.parents().get(i) % t.blocks.size());
            if (ffg && justifying.contains(i)) {
                t.addJustifying(parent, t.blocks.get(1 % t.blocks.size()));
            } else {
                t.add(parent);
            }
        }
        return t;
    }

    private static long subtreeVotes(HandBuiltTree t, BlockTree.Entry root, Map<Address, LatestMessages.Message> votes,
                                     long[] stakes) {
        long sum = 0;
        for (int v = 0; v < t.validators.size(); v++) {
            LatestMessages.Message m = votes.get(t.validators.get(v));
            if (m != null) {
                BlockTree.Entry head = t.tree.entry(m.head()).orElseThrow();
                if (t.tree.descendsFrom(head, root)) {
                    sum += stakes[v];
                }
            }
        }
        return sum;
    }

    @Property(tries = 100)
    void eachStepGoesToTheChildWithTheMostLatestVoteWeight(@ForAll("cases") Case c) {
        HandBuiltTree t = build(c, false, List.of());
        LmdGhost rule = lmd(t, 0);
        long[] stakes = new long[t.validators.size()];
        for (int v = 0; v < stakes.length; v++) {
            stakes[v] = t.genesis.accounts().get(t.validators.get(v)).stake();
            vote(rule, t, v, 1, t.blocks.get(c.heads().get(v) % t.blocks.size()));
        }
        t.tree.refreshHead();
        Map<Address, LatestMessages.Message> votes = rule.messages().counted();
        BlockTree.Entry head = t.tree.head();
        assertTrue(t.tree.children(head).isEmpty(), "the head is a leaf");
        List<BlockTree.Entry> path = new ArrayList<>();
        for (BlockTree.Entry at = head; at != t.root(); at = t.tree.entry(at.header().parentHash()).orElseThrow()) {
            path.add(0, at);
        }
        BlockTree.Entry parent = t.root();
        for (BlockTree.Entry step : path) {
            long chosen = subtreeVotes(t, step, votes, stakes);
            for (BlockTree.Entry sibling : t.tree.children(parent)) {
                assertTrue(chosen >= subtreeVotes(t, sibling, votes, stakes),
                        "a sibling's subtree holds more latest-vote weight than the chosen child's");
            }
            parent = step;
        }
    }

    @Property(tries = 100)
    void theHeadAlwaysDescendsFromTheJustifiedCheckpoint(@ForAll("cases") Case c,
                                                         @ForAll("justifierIndexes") List<Integer> justifying) {
        HandBuiltTree t = build(c, true, justifying);
        LmdGhost rule = lmd(t, 40);
        for (int v = 0; v < t.validators.size(); v++) {
            vote(rule, t, v, 1, t.blocks.get(c.heads().get(v) % t.blocks.size()));
        }
        BlockTree.Entry last = t.blocks.get(t.blocks.size() - 1);
        rule.messages().boost(last.hash(), last.header().slot());
        BlockTree.Entry justified = t.blocks.get(1 % t.blocks.size());
        t.tree.setAnchor(justified.hash());
        BlockTree.Entry head = t.tree.head();
        assertTrue(t.tree.descendsFrom(head, justified), "the head left the justified checkpoint's subtree");
        boolean anyViable = t.blocks.stream().anyMatch(e -> t.tree.children(e).isEmpty()
                && t.tree.descendsFrom(e, justified) && e.state().finality().orElseThrow().currentJustified().hash()
                .length > 0 && java.util.Arrays.equals(e.state().finality().get().currentJustified().hash(),
                justified.hash()));
        if (anyViable) {
            BlockTree.Entry h = head;
            assertTrue(t.blocks.stream().anyMatch(leaf -> t.tree.children(leaf).isEmpty()
                            && t.tree.descendsFrom(leaf, h) && java.util.Arrays.equals(
                            leaf.state().finality().orElseThrow().currentJustified().hash(), justified.hash())),
                    "the head's subtree has no leaf that justified the checkpoint");
        }
    }

    @Provide
    Arbitrary<List<Integer>> justifierIndexes() {
        return Arbitraries.integers().between(0, 29).list().ofMaxSize(5);
    }
}
