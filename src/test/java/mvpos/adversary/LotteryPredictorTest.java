package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The predictor enters exactly when one second of its window draws one of its tickets. */
class LotteryPredictorTest {
    @Test
    void entersOnlyWhenSomeSecondOfTheWindowWins() {
        // Second 100 draws ticket 7, second 101 draws ticket 2; the predictor holds tickets 0..4.
        java.util.function.LongBinaryOperator draw = (second, pool) -> second == 101 ? 2 : 7;
        assertThat(new LotteryPredictor(1).shouldEnter(100, 5, 10, draw)).isFalse();
        assertThat(new LotteryPredictor(2).shouldEnter(100, 5, 10, draw)).isTrue();
        assertThat(new LotteryPredictor(1).shouldEnter(101, 5, 10, draw)).isTrue();
        assertThat(new LotteryPredictor(3).shouldEnter(102, 5, 10, draw)).isFalse();
    }
}
