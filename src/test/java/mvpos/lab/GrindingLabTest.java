package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The grinding lab at a small size: 8% of the stake grinds its way to most slots, and RANDAO takes them back. */
class GrindingLabTest {
    @Test
    void grindingCapturesTheSlotsAndRandaoRestoresTheShare() throws Exception {
        Lab lab = new GrindingLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("s=0.08", "attempts=64", "slots=2000")),
                4, 1);
        Point honest = result.act(Point.Act.BUILD).get(0);
        Point grinding = result.act(Point.Act.ATTACK).get(0);
        Point randao = result.act(Point.Act.IMPROVE).get(0);
        assertThat(grinding.estimate().mean()).isGreaterThan(0.8);
        assertThat(grinding.estimate().ciLow()).isGreaterThan(0.5);
        assertThat(honest.estimate().ciHigh()).isLessThan(0.2);
        assertThat(randao.estimate().ciHigh()).isLessThan(0.2);
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }
}
