package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import mvpos.adversary.Eclipser;
import org.junit.jupiter.api.Test;

/** The eclipse lab at a small size: the flood makes an eclipse likely, diverse groups and anchors undo it. */
class EclipseLabTest {
    @Test
    void floodingEclipsesAndDiversityWithAnchorsPrevents() throws Exception {
        Lab lab = new EclipseLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("f=0.2", "trials=3000")), 4, 1);
        Point fair = result.act(Point.Act.BUILD).get(0);
        Point flooded = result.act(Point.Act.ATTACK).get(0);
        Point defended = result.act(Point.Act.IMPROVE).get(0);
        assertThat(flooded.estimate().ciLow()).isGreaterThan(0.4);
        assertThat(fair.estimate().mean()).isLessThan(0.01);
        assertThat(defended.estimate().mean()).isLessThan(0.01);
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void theDrawAndItsFormula() {
        assertThat(EclipseLab.hypergeometricAll(3, 10, 2)).isEqualTo(3.0 / 10 * 2 / 9);
        assertThat(EclipseLab.hypergeometricAll(1, 10, 2)).isZero();
        assertThat(new Eclipser(5, 20).entries()).isEqualTo(25);
        assertThat(Eclipser.eclipsed(8, 8)).isTrue();
        assertThat(Eclipser.eclipsed(7, 8)).isFalse();
    }
}
