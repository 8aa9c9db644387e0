package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The finality-attack lab at a small size: safe below 1/3, broken above, and then a third is proven slashable. */
class FinalityAttackLabTest {
    @Test
    void conflictingFinalityNeedsAThirdAndCostsAThird() throws Exception {
        Lab lab = new FinalityAttackLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("f=0.2,0.45", "validators=30",
                "trials=2")), 2, 1);
        assertThat(result.act(Point.Act.BUILD).get(0).estimate().mean()).isZero();
        assertThat(result.act(Point.Act.ATTACK).get(0).estimate().mean()).isEqualTo(1.0);
        Point slashed = result.act(Point.Act.IMPROVE).get(0);
        assertThat(slashed.estimate().ciLow()).isGreaterThanOrEqualTo(1.0 / 3 - slashed.tolerance());
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }
}
