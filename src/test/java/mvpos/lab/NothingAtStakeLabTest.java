package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import mvpos.adversary.ForkExtender;
import org.junit.jupiter.api.Test;

/** The nothing-at-stake lab at a small size: extending both forks makes a 10% attacker always win; slashing undoes it. */
class NothingAtStakeLabTest {
    @Test
    void extendingEveryForkMakesEveryDoubleSpendSucceedAndSlashingStopsIt() throws Exception {
        Lab lab = new NothingAtStakeLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("q=0.2", "z=3", "trials=3000")), 4, 1);
        Point race = result.act(Point.Act.BUILD).get(0);
        Point both = result.act(Point.Act.ATTACK).get(0);
        Point slashed = result.act(Point.Act.IMPROVE).get(0);
        assertThat(both.estimate().mean()).isEqualTo(1.0);
        assertThat(race.estimate().ciHigh()).isLessThan(0.3);
        assertThat(slashed.estimate().ciHigh()).isLessThan(0.3);
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void extendingBothForksPaysOnlyWithoutSlashing() {
        assertThat(new ForkExtender(false).extendsBothForks()).isTrue();
        assertThat(new ForkExtender(true).extendsBothForks()).isFalse();
        assertThat(new ForkExtender(false).gainFromBoth(10, 0.3, 1000)).isPositive();
        assertThat(new ForkExtender(true).gainFromBoth(10, 0.3, 1000)).isNegative();
    }
}
