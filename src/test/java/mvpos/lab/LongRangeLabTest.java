package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import mvpos.adversary.LongRangeAttacker;
import org.junit.jupiter.api.Test;

/** The long-range lab at a small size: old keys rewrite history for a fresh node; a checkpoint stops them. */
class LongRangeLabTest {
    @Test
    void oldKeysRewriteHistoryUnlessTheNodeHasARecentCheckpoint() throws Exception {
        Lab lab = new LongRangeLab();
        LabResult result = LabResult.run(lab, LabParams.parse(lab, List.of("age=30,200", "trials=300")), 3, 1);
        List<Point> attack = result.act(Point.Act.ATTACK);
        assertThat(attack.get(0).estimate().mean()).isZero();
        assertThat(attack.get(1).estimate().mean()).isGreaterThan(0.9);
        assertThat(result.act(Point.Act.IMPROVE)).allMatch(p -> p.estimate().mean() == 0);
        assertThat(result.points()).allMatch(Point::agrees);
        assertThat(result.verdict().holds()).isTrue();
    }

    @Test
    void theCheckpointRuleAndThePeriod() {
        assertThat(LongRangeAttacker.accepted(200, -1, 70, 100)).isTrue();
        assertThat(LongRangeAttacker.accepted(200, 9, 70, 100)).isFalse(); // older than the checkpoint
        assertThat(LongRangeAttacker.accepted(5, 9, 10, 100)).isFalse();   // too few keys
        assertThat(LongRangeAttacker.canRewrite(67, 100)).isTrue();
        assertThat(LongRangeAttacker.canRewrite(66, 100)).isFalse();
        assertThat(LongRangeLab.weakSubjectivityPeriod(100, 0.01)).isEqualTo(9);
    }
}
