package mvpos.consensus.forkchoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Map;
import mvpos.chain.Genesis;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ForkChoice;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Uniform tie-breaking for the heaviest chain (Eyal & Sirer 2014, section 6): of two equal branches each node
 * keeps either with probability 1/2, whatever the order it saw them in; a heavier branch always wins; the
 * default, first-seen, keeps the head.
 */
class UniformTieBreakTest {

    /** A node's rule with uniform tie-breaking, seeded as a validator with key seed {@code seed} would be. */
    private static HeaviestChain node(long seed) {
        HeaviestChain rule = HeaviestChain.uniform();
        rule.uniformTieBreak().orElseThrow().seed(UniformTieBreak.secretOf(ByteBuffer.allocate(8).putLong(seed).array()));
        return rule;
    }

    @Test
    void twoEqualBranchesSplitTheNodesAboutHalfAndHalfWhateverTheOrderOfArrival() {
        HandBuiltTree built = new HandBuiltTree(new long[] {1}, false);
        BlockTree.Entry first = built.add(built.root());
        BlockTree.Entry second = built.add(built.root());
        int nodes = 2_000;
        int onSecond = 0;
        for (long seed = 0; seed < nodes; seed++) {
            HeaviestChain rule = node(seed);
            BlockTree.Entry chosen = rule.afterAdd(built.tree, second, first); // saw first, then second
            assertThat(rule.afterAdd(built.tree, first, second)).as("seed %d, the other order", seed).isSameAs(chosen);
            assertThat(rule.choose(built.tree, first)).as("seed %d, a full choice", seed).isSameAs(chosen);
            assertThat(node(seed).choose(built.tree, second)).as("seed %d, the same secret again", seed)
                    .isSameAs(chosen);
            if (chosen == second) {
                onSecond++;
            }
        }
        // Binomial(2000, 1/2): standard deviation 22.4; the bound is about 4.5 of them.
        assertThat(onSecond).isBetween(900, 1_100);
    }

    @Test
    void firstSeenKeepsTheBlockSeenFirst() {
        HandBuiltTree built = new HandBuiltTree(new long[] {1}, false);
        BlockTree.Entry first = built.add(built.root());
        BlockTree.Entry second = built.add(built.root());
        assertThat(HeaviestChain.INSTANCE.afterAdd(built.tree, second, first)).isSameAs(first);
        assertThat(HeaviestChain.INSTANCE.afterAdd(built.tree, first, second)).isSameAs(second);
        assertThat(HeaviestChain.INSTANCE.choose(built.tree, first)).isSameAs(first);
        assertThat(HeaviestChain.INSTANCE.uniformTieBreak()).isEmpty();
    }

    @Property(tries = 200)
    void aLongerBranchWinsAtEveryNode(@ForAll long seed, @ForAll boolean extendTheChosen) {
        HandBuiltTree built = new HandBuiltTree(new long[] {1}, false);
        BlockTree.Entry first = built.add(built.root());
        BlockTree.Entry second = built.add(built.root());
        HeaviestChain rule = node(seed);
        BlockTree.Entry chosen = rule.choose(built.tree, first);
        BlockTree.Entry other = chosen == first ? second : first;
        BlockTree.Entry longer = built.add(extendTheChosen ? chosen : other);
        assertThat(rule.afterAdd(built.tree, longer, chosen)).isSameAs(longer);
        assertThat(rule.choose(built.tree, chosen)).isSameAs(longer);
        assertThat(rule.choose(built.tree, other)).isSameAs(longer);
        assertThat(rule.afterAdd(built.tree, built.add(built.root()), longer)).as("a shorter branch").isSameAs(longer);
    }

    @Test
    void theParameterIsNamedInGenesisAndItsValueChecked() {
        Genesis genesis = new HandBuiltTree(new long[] {1}, false).genesis;
        ForkChoice uniform = ForkChoices.forGenesis(genesis.withForkChoice("heaviest", Map.of("tieBreak", "uniform")));
        ForkChoice another = ForkChoices.forGenesis(genesis.withForkChoice("longest", Map.of("tieBreak", "uniform")));
        assertThat(uniform).isInstanceOf(HeaviestChain.class).isNotSameAs(another); // each node its own secret
        assertThat(((HeaviestChain) uniform).uniformTieBreak()).isPresent();
        assertThat(ForkChoices.forGenesis(genesis.withForkChoice("heaviest", Map.of("tieBreak", "first-seen"))))
                .isSameAs(HeaviestChain.INSTANCE);
        assertThatThrownBy(() -> ForkChoices.check("heaviest", Map.of("tieBreak", "coin"))).hasMessage(
                "fork choice parameter 'tieBreak' must be first-seen or uniform, not 'coin'");
        assertThatThrownBy(() -> ForkChoices.check("ghost", Map.of("tieBreak", "uniform"))).hasMessage(
                "fork choice 'ghost' has no parameter 'tieBreak'; it takes none");
        assertThatThrownBy(() -> new UniformTieBreak().seed(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
