package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The eclipse lab on real nodes at a small size: taking every peer slot of the merchant's node raises the
 * attacker's success far above Nakamoto's race; anchor connections bring it back down; each act agrees
 * with its theory within the lab's interval.
 */
class EclipseDevnetLabTest {
    @Test
    void theEclipseReversesNearlyEveryPaymentAndAnchorsBringItBackToTheRace() throws Exception {
        Lab lab = new EclipseDevnetLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("q=0.3", "z=2", "trials=10",
                "validators=4")), 3, 1);
        Point build = result.act(Point.Act.BUILD).get(0);
        Point attack = result.act(Point.Act.ATTACK).get(0);
        Point improve = result.act(Point.Act.IMPROVE).get(0);
        assertThat(attack.estimate().mean()).isGreaterThan(build.estimate().mean() + 0.3);
        assertThat(attack.estimate().mean()).isGreaterThan(improve.estimate().mean() + 0.3);
        assertThat(attack.estimate().mean()).isGreaterThanOrEqualTo(0.9);
        assertThat(build.theory()).isEqualTo(DoubleSpendLab.catchUp(0.3, 2));
        assertThat(improve.theory()).isEqualTo(DoubleSpendLab.catchUp(0.3, 2));
        assertThat(attack.theory()).isEqualTo(1.0);
        assertThat(List.of(build, attack, improve)).allSatisfy(p -> assertThat(p.agrees()).isTrue());
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void theSameSeedGivesTheSameTrial() throws Exception {
        Lab lab = new EclipseDevnetLab();
        LabContext context = new LabContext(LabParams.parse(lab, List.of("validators=4")), 2, 1);
        EclipseDevnetLab.Trial first = EclipseDevnetLab.trial(context, 0.3, 2, EclipseDevnetLab.Links.OPEN, 17);
        assertThat(EclipseDevnetLab.trial(context, 0.3, 2, EclipseDevnetLab.Links.OPEN, 17)).isEqualTo(first);
        EclipseDevnetLab.Trial eclipsed = EclipseDevnetLab.trial(context, 0.3, 2, EclipseDevnetLab.Links.ECLIPSED, 17);
        assertThat(eclipsed.reversed()).isTrue();
    }
}
