package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The double-spend lab at a small size: the attack grows with q, matches the race's formula, and finality stops it. */
class DoubleSpendLabTest {
    @Test
    void theAttackGrowsWithTheShareAgreesWithTheoryAndFinalityStopsIt() throws Exception {
        Lab lab = new DoubleSpendLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("q=0.1,0.3", "z=2", "trials=4000",
                "blocks=500")), 5, 1);
        List<Point> attack = result.act(Point.Act.ATTACK);
        assertThat(attack).hasSize(2);
        assertThat(attack.get(1).estimate().mean()).isGreaterThan(attack.get(0).estimate().ciHigh());
        assertThat(attack).allMatch(Point::agrees);
        assertThat(result.act(Point.Act.IMPROVE)).isNotEmpty().allMatch(p -> p.estimate().mean() == 0);
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void theFormulaMatchesPublishedFigures() {
        // Rosenfeld 2014, table: q = 10%, 6 confirmations: 0.0005914; Nakamoto 2008 section 11: q = 0.1, z = 5: 0.0009137
        assertThat(DoubleSpendLab.catchUp(0.1, 6)).isCloseTo(0.0005914, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(DoubleSpendLab.nakamoto(0.1, 5)).isCloseTo(0.0009137, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(DoubleSpendLab.catchUp(0.5, 3)).isEqualTo(1);
    }
}
