package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lottery lab at a small size: a known clock second wins every entry; commit-reveal gives back the odds. */
class LotteryLabTest {
    @Test
    void theClockSeedIsPredictableAndCommitRevealIsNot() throws Exception {
        Lab lab = new LotteryLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("s=0.2", "window=1,4", "rounds=1500")),
                4, 1);
        List<Point> attack = result.act(Point.Act.ATTACK);
        assertThat(attack.get(0).estimate().mean()).isEqualTo(1.0); // knows the second: wins every entry
        assertThat(attack.get(1).estimate().ciLow()).isGreaterThan(0.2); // 4 seconds of doubt: still better
        assertThat(attack.get(1).estimate().mean()).isLessThan(attack.get(0).estimate().mean());
        Point defended = result.act(Point.Act.IMPROVE).get(0);
        assertThat(defended.estimate().ciHigh()).isLessThan(0.3);
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }
}
