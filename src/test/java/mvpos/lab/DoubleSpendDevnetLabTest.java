package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The double-spend lab on real nodes at a small size: the share of payments reversed grows with the
 * attacker's hash share and falls with the confirmations, within the interval of Nakamoto's race; honest
 * payments and finalized ones are never reversed.
 */
class DoubleSpendDevnetLabTest {
    private static final Lab LAB = new DoubleSpendDevnetLab();

    private static LabContext context(String... params) {
        return new LabContext(LabParams.parse(LAB, List.of(params)), 3, 1);
    }

    @Test
    void successGrowsWithTheHashShareAsNakamotoPredicts() throws Exception {
        List<Point> attack = LAB.attack(context("q=0.1,0.4", "z=1", "payments=8"));
        assertThat(attack).hasSize(2);
        assertThat(attack.get(1).estimate().mean()).isGreaterThan(attack.get(0).estimate().mean());
        assertThat(attack).allSatisfy(p -> assertThat(p.agrees()).as("theory within the CI at " + p.params()).isTrue());
    }

    @Test
    void successFallsWithTheConfirmationsAsNakamotoPredicts() throws Exception {
        List<Point> attack = LAB.attack(context("q=0.3", "z=1,4", "payments=8"));
        assertThat(attack).hasSize(2);
        assertThat(attack.get(1).param("z")).isEqualTo(4);
        assertThat(attack.get(1).estimate().mean()).isLessThan(attack.get(0).estimate().mean());
        assertThat(attack).allSatisfy(p -> assertThat(p.agrees()).as("theory within the CI at " + p.params()).isTrue());
    }

    @Test
    void honestPaymentsStandAndFinalityStopsTheAttackerThatStillWinsRaces() throws Exception {
        LabContext context = context("q=0.3", "z=1", "payments=8");
        assertThat(LAB.build(context)).allSatisfy(p -> assertThat(p.estimate().mean()).isZero());
        DoubleSpendDevnetLab.Run run = DoubleSpendDevnetLab.run(context, 0.3, 1, true, false, 21);
        assertThat(run.payments()).isEqualTo(8);
        assertThat(run.reversed()).as("races won before finality").isPositive();
        assertThat(run.shipped()).as("payments finalized, so shipped").isPositive();
        assertThat(run.reversedAfterShipped()).isZero();
        assertThat(run.finalizedAgainst()).as("races finality ended").isPositive();
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        LabContext context = context("payments=3");
        DoubleSpendDevnetLab.Run first = DoubleSpendDevnetLab.run(context, 0.3, 1, false, false, 11);
        assertThat(DoubleSpendDevnetLab.run(context, 0.3, 1, false, false, 11)).isEqualTo(first);
        assertThat(first.payments()).isEqualTo(3);
    }
}
