package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The randao-bias lab at a small size: withholding raises the share above the stake, a penalty removes the gain. */
class RandaoBiasLabTest {
    @Test
    void withholdingRevealsPaysUntilMissedSlotsArePenalized() throws Exception {
        Lab lab = new RandaoBiasLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("s=0.4", "epochs=1000", "penalty=4")),
                4, 2);
        Point attack = result.act(Point.Act.ATTACK).get(0);
        Point improve = result.act(Point.Act.IMPROVE).get(0);
        assertThat(attack.estimate().ciLow()).isGreaterThan(0.4);
        assertThat(improve.estimate().mean()).isLessThan(attack.estimate().mean());
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void theExpectationIsTheStakeWithoutChoiceAndAboveItWithChoice() {
        assertThat(RandaoBiasLab.expectedShare(0.3, 8, 1000)).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(RandaoBiasLab.expectedShare(0.3, 8, 0)).isGreaterThan(0.31);
    }
}
