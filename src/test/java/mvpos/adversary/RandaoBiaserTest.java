package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The biaser skips when a later epoch pays more than the slots it gives up, and the penalty changes its mind. */
class RandaoBiaserTest {
    @Test
    void skipsOnlyWhenItPays() {
        // One tail slot: reveal gives 1 slot later (+1 now), skipping gives 4 later.
        assertThat(new RandaoBiaser(0).skips(new int[] {1, 4})).isEqualTo(1);
        // Skipping gives 2 later: 2 = 1 + 1, a tie, and ties keep the block.
        assertThat(new RandaoBiaser(0).skips(new int[] {1, 2})).isZero();
        // A penalty of 3 blocks per missed slot: 4 - 3 < 1 + 1.
        assertThat(new RandaoBiaser(3).skips(new int[] {1, 4})).isZero();
    }

    @Test
    void withALongerTailItChoosesHowManyToSkip() {
        // Two tail slots: reveal both (0 later + 2 now), skip the last (5 + 1), skip both (6 + 0).
        assertThat(new RandaoBiaser(0).skips(new int[] {0, 5, 6})).isEqualTo(1);
        assertThat(new RandaoBiaser(0).skips(new int[] {0, 5, 8})).isEqualTo(2);
    }
}
