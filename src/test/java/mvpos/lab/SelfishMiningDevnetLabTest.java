package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The selfish-mining lab on real nodes at a small size: an honest pool earns about its share; at alpha 0.4,
 * above the threshold of 1/3 for the gamma near 0 this network gives, the withholding pool earns more.
 */
class SelfishMiningDevnetLabTest {
    @Test
    void aWithholdingPoolOfFortyPercentEarnsMoreThanItsShare() throws Exception {
        Lab lab = new SelfishMiningDevnetLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("alpha=0.4", "validators=6",
                "blocks=200")), 3, 1);
        Point honest = result.act(Point.Act.BUILD).get(0);
        assertThat(honest.agrees()).isTrue();
        Point selfish = result.act(Point.Act.ATTACK).get(0);
        assertThat(selfish.estimate().mean()).isGreaterThan(0.4);
        assertThat(selfish.estimate().mean()).isGreaterThan(honest.estimate().mean());
        assertThat(selfish.agrees()).isTrue();
        assertThat(result.act(Point.Act.IMPROVE)).isEmpty();
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        Lab lab = new SelfishMiningDevnetLab();
        LabContext context = new LabContext(LabParams.parse(lab, List.of("validators=4", "blocks=40")), 2, 1);
        SelfishMiningDevnetLab.Run first = SelfishMiningDevnetLab.run(context, 0.4, 20, 11, true);
        assertThat(SelfishMiningDevnetLab.run(context, 0.4, 20, 11, true)).isEqualTo(first);
        assertThat(first.height()).isGreaterThanOrEqualTo(40);
    }
}
