package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The double-spender's race, driven block by block. */
class DoubleSpenderTest {
    @Test
    void winsOnlyAfterTheMerchantShippedAndWithALongerChain() {
        DoubleSpender attacker = new DoubleSpender(2, 10);
        assertThat(attacker.attackerBlock()).isEqualTo(DoubleSpender.Outcome.RACING); // 2 private, 0 public
        assertThat(attacker.attackerBlock()).isEqualTo(DoubleSpender.Outcome.RACING); // ahead, but nothing shipped
        assertThat(attacker.honestBlock()).isEqualTo(DoubleSpender.Outcome.RACING);
        assertThat(attacker.merchantShipped()).isFalse();
        assertThat(attacker.honestBlock()).isEqualTo(DoubleSpender.Outcome.WON); // shipped; 3 private > 2 public
        assertThat(attacker.honestBlock()).isEqualTo(DoubleSpender.Outcome.WON); // a decided race stays decided
    }

    @Test
    void aTieIsNotEnough() {
        DoubleSpender attacker = new DoubleSpender(1, 5);
        assertThat(attacker.honestBlock()).isEqualTo(DoubleSpender.Outcome.RACING); // 1 pre-mined vs 1: a tie
        assertThat(attacker.attackerBlock()).isEqualTo(DoubleSpender.Outcome.WON);
    }

    @Test
    void givesUpAtTheDeficit() {
        DoubleSpender attacker = new DoubleSpender(1, 3);
        attacker.honestBlock();
        attacker.honestBlock();
        assertThat(attacker.honestBlock()).isEqualTo(DoubleSpender.Outcome.RACING); // 3 - 1 = 2 behind
        assertThat(attacker.honestBlock()).isEqualTo(DoubleSpender.Outcome.GAVE_UP); // 3 behind
        assertThat(attacker.attackerBlock()).isEqualTo(DoubleSpender.Outcome.GAVE_UP);
    }

    @Test
    void theGiveUpDeficitLosesAtMostTheShareAsked() {
        int deficit = DoubleSpender.giveUpDeficit(6, 0.25, 1e-4);
        assertThat(Math.pow(0.25 / 0.75, deficit - 6)).isLessThanOrEqualTo(1e-4);
        assertThat(Math.pow(0.25 / 0.75, deficit - 7)).isGreaterThan(1e-4);
        assertThatThrownBy(() -> DoubleSpender.giveUpDeficit(1, 0.5, 1e-4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DoubleSpender(0, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
