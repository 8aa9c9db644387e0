package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The finality-stall lab on a small real devnet: a sixth withholding changes nothing, half stalls until the leak. */
class FinalityStallLabTest {
    @Test
    void withholdingAboveAThirdStallsFinalityUntilTheLeakRestoresIt() throws Exception {
        Lab lab = new FinalityStallLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("validators=6", "share=0.1,0.5",
                "epochs=40")), 2, 1);
        Point build = result.act(Point.Act.BUILD).get(0);
        assertThat(build.estimate().mean()).isEqualTo(1.0);
        Point attack = result.act(Point.Act.ATTACK).get(0);
        assertThat(attack.estimate().mean()).isZero();
        Point improve = result.act(Point.Act.IMPROVE).get(0);
        assertThat(improve.estimate().mean()).isGreaterThan(FinalityStallLab.ATTACK_WINDOW);
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void theLeaksRecurrenceTakesLongerForLargerShares() {
        assertThat(FinalityStallLab.epochsToRecover(0.4)).isLessThan(FinalityStallLab.epochsToRecover(0.5));
        assertThat(FinalityStallLab.epochsToRecover(0.5)).isLessThan(FinalityStallLab.epochsToRecover(0.6));
        assertThat(FinalityStallLab.epochsToRecover(0.3)).isEqualTo(2); // never stalled: justified at once
    }
}
