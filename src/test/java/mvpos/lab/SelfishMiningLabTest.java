package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The selfish-mining lab at a small size: above the threshold it pays, and tie-breaking takes the gain away at 0.2. */
class SelfishMiningLabTest {
    @Test
    void selfishMiningPaysAboveTheThresholdAndTheDefenceRaisesIt() throws Exception {
        Lab lab = new SelfishMiningLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("alpha=0.2,0.4", "gamma=0,1",
                "blocks=20000")), 5, 1);
        List<Point> attack = result.act(Point.Act.ATTACK);
        Point lowNoEdge = attack.get(0);   // alpha 0.2, gamma 0: below 1/3, loses
        Point highNoEdge = attack.get(1);  // alpha 0.4, gamma 0: above 1/3, gains
        Point lowEdge = attack.get(2);     // alpha 0.2, gamma 1: gains
        assertThat(lowNoEdge.estimate().ciHigh()).isLessThan(0.2);
        assertThat(highNoEdge.estimate().ciLow()).isGreaterThan(0.4);
        assertThat(lowEdge.estimate().ciLow()).isGreaterThan(0.2);
        Point defended = result.act(Point.Act.IMPROVE).get(0); // alpha 0.2, random ties: below 1/4, loses
        assertThat(defended.estimate().ciHigh()).isLessThan(0.2);
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }
}
