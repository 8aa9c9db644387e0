package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Intervals of proportions stay within [0, 1] and contain the measured share; others are unchanged. */
class EstimateTest {
    @Property
    void wilsonIntervalStaysWithinZeroAndOneAroundTheShare(@ForAll @IntRange(min = 1, max = 1_000_000) int trials,
                                                           @ForAll @DoubleRange(min = 0, max = 1) double fraction) {
        long successes = Math.round(fraction * trials);
        Estimate e = Estimate.wilson(successes, trials, 5);
        assertThat(e.ciLow()).isGreaterThanOrEqualTo(0);
        assertThat(e.ciLow()).isLessThanOrEqualTo(e.mean());
        assertThat(e.mean()).isLessThanOrEqualTo(e.ciHigh());
        assertThat(e.ciHigh()).isLessThanOrEqualTo(1);
        assertThat(e.mean()).isEqualTo((double) successes / trials);
    }

    @Property
    void sharesOverSeedsStayWithinZeroAndOne(@ForAll @Size(min = 2, max = 40) List<@DoubleRange(min = 0, max = 1) Double>
                                                     shares) {
        Estimate e = Estimate.ofShares(shares);
        assertThat(e.ciLow()).isGreaterThanOrEqualTo(0);
        assertThat(e.ciLow()).isLessThanOrEqualTo(e.mean() + 1e-12);
        assertThat(e.mean()).isLessThanOrEqualTo(e.ciHigh() + 1e-12);
        assertThat(e.ciHigh()).isLessThanOrEqualTo(1);
    }

    @Test
    void aShareNearZeroIsClippedWhereTheTIntervalWouldGoBelow() {
        Estimate t = Estimate.of(List.of(0.0, 0.0, 0.0, 0.1));
        assertThat(t.ciLow()).isNegative();
        Estimate share = Estimate.ofShares(List.of(0.0, 0.0, 0.0, 0.1));
        assertThat(share.ciLow()).isZero();
        assertThat(share.ciHigh()).isEqualTo(t.ciHigh());
        assertThat(share.mean()).isEqualTo(t.mean());
    }

    @Test
    void wilsonAtNoSuccessIsNotEmpty() {
        // 0 of 10: [0, 0.2775] (Agresti & Coull 1998, the score interval at x = 0 is [0, z^2/(n + z^2)]).
        Estimate e = Estimate.wilson(0, 10, 1);
        assertThat(e.ciLow()).isZero();
        assertThat(e.ciHigh()).isCloseTo(1.96 * 1.96 / (10 + 1.96 * 1.96), within(1e-3));
    }

    @Test
    void quantitiesThatAreNotSharesKeepTheirInterval() {
        Estimate epochs = Estimate.of(List.of(3.0, 7.0, 2.0));
        assertThat(epochs.ciLow()).isNegative(); // epochs are not clipped: the t interval as it is
        assertThat(epochs.ciHigh()).isGreaterThan(7);
    }

    @Test
    void aShareOutsideZeroAndOneIsRefused() {
        assertThatThrownBy(() -> Estimate.ofShares(List.of(0.5, 1.5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Estimate.wilson(3, 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
