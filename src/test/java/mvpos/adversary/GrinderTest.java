package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The grinder keeps the first variant that makes it the next leader, and the first variant when none does. */
class GrinderTest {
    @Test
    void choosesTheFirstVariantThatWins() {
        byte[] parent = new byte[32];
        byte[] third = Grinder.variant(parent, 5, 2);
        byte[] chosen = new Grinder(10).choose(parent, 5, h -> Arrays.equals(h, third));
        assertThat(chosen).isEqualTo(third);
    }

    @Test
    void withoutAWinnerItPublishesTheFirstVariant() {
        byte[] parent = new byte[32];
        assertThat(new Grinder(10).choose(parent, 5, h -> false)).isEqualTo(Grinder.variant(parent, 5, 0));
    }

    @Test
    void triesNoMoreThanItsAttempts() {
        byte[] parent = new byte[32];
        byte[] eleventh = Grinder.variant(parent, 5, 10);
        assertThat(new Grinder(10).choose(parent, 5, h -> Arrays.equals(h, eleventh)))
                .isEqualTo(Grinder.variant(parent, 5, 0));
        assertThat(Grinder.variant(parent, 5, 1)).isNotEqualTo(Grinder.variant(parent, 5, 0));
    }
}
