package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The selfish-mining lab on real nodes at a small size: an honest pool earns about its share; at alpha 0.4
 * the withholding pool earns more; a pool 1 ms from everyone wins most ties against first-seen nodes, and
 * about half against nodes that break ties uniformly, which leaves a pool of 0.2 no more than its share.
 */
class SelfishMiningDevnetLabTest {
    @Test
    void aWithholdingPoolOfFortyPercentEarnsMoreThanItsShare() throws Exception {
        Lab lab = new SelfishMiningDevnetLab();
        LabContext context = new LabContext(LabParams.parse(lab, List.of("alpha=0.4", "validators=6",
                "blocks=200")), 3, 1);
        Point honest = lab.build(context).get(0);
        assertThat(honest.agrees()).isTrue();
        Point selfish = lab.attack(context).get(0);
        assertThat(selfish.estimate().mean()).isGreaterThan(0.4);
        assertThat(selfish.estimate().mean()).isGreaterThan(honest.estimate().mean());
        assertThat(selfish.agrees()).isTrue();
    }

    @Test
    void uniformTieBreakingTakesAWellConnectedPoolsTiesFromMostToHalf() throws Exception {
        Lab lab = new SelfishMiningDevnetLab();
        LabContext context = new LabContext(LabParams.parse(lab, List.of("validators=10", "blocks=150")), 4, 1);
        long[] firstSeen = new long[2];
        long[] uniform = new long[2];
        for (long seed = 1; seed <= 4; seed++) {
            add(firstSeen, SelfishMiningDevnetLab.run(context, 0.3, 1, seed, true, false));
            add(uniform, SelfishMiningDevnetLab.run(context, 0.3, 1, seed, true, true));
        }
        assertThat(firstSeen[0] + firstSeen[1]).as("ties first-seen").isGreaterThan(60);
        assertThat(uniform[0] + uniform[1]).as("ties uniform").isGreaterThan(60);
        // First seen: every node but the finder hears the pool's block first, gamma near 8/9.
        assertThat(gamma(firstSeen)).isGreaterThan(0.75);
        // Uniform: a fair coin per node and tie; over 60+ ties, 0.5 +- 0.2 is over three standard deviations.
        assertThat(gamma(uniform)).isBetween(0.3, 0.7);
    }

    @Test
    void withUniformTieBreakingAPoolOfTwentyPercentEarnsNoMoreThanItsShareAndTheoryAgrees() throws Exception {
        Lab lab = new SelfishMiningDevnetLab();
        LabContext context = new LabContext(LabParams.parse(lab, List.of("alpha=0.2", "validators=10",
                "blocks=200")), 3, 1);
        List<Point> improve = lab.improve(context);
        assertThat(improve).hasSize(1);
        Point defended = improve.get(0);
        assertThat(defended.act()).isEqualTo(Point.Act.IMPROVE);
        assertThat(defended.theory()).isCloseTo(0.1824, org.assertj.core.data.Offset.offset(0.0001));
        assertThat(defended.agrees()).isTrue();
        assertThat(defended.estimate().ciLow()).isLessThanOrEqualTo(0.2);
        assertThat(lab.verdict(improve).holds()).isTrue();
    }

    @Test
    void theVerdictFailsWhenTheDefendedPoolStillEarnsMoreThanItsShare() {
        Lab lab = new SelfishMiningDevnetLab();
        Point over = new Point(Point.Act.IMPROVE, java.util.Map.of("alpha", 0.2, "poolLatency", 1),
                new Estimate(0.24, 0.22, 0.26, 5), 0.1824, "test", SelfishMiningDevnetLab.TOLERANCE);
        Verdict verdict = lab.verdict(List.of(over));
        assertThat(verdict.holds()).isFalse();
        assertThat(verdict.text()).contains("with uniform tie-breaking the pool still earns");
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        Lab lab = new SelfishMiningDevnetLab();
        LabContext context = new LabContext(LabParams.parse(lab, List.of("validators=4", "blocks=40")), 2, 1);
        SelfishMiningDevnetLab.Run first = SelfishMiningDevnetLab.run(context, 0.4, 20, 11, true, true);
        assertThat(SelfishMiningDevnetLab.run(context, 0.4, 20, 11, true, true)).isEqualTo(first);
        assertThat(first.height()).isGreaterThanOrEqualTo(40);
    }

    private static void add(long[] ties, SelfishMiningDevnetLab.Run run) {
        ties[0] += run.tiesOnPool();
        ties[1] += run.tiesOnHonest();
    }

    private static double gamma(long[] ties) {
        return (double) ties[0] / (ties[0] + ties[1]);
    }
}
