package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The finality attacker's plan on hand-built stakes. */
class FinalityAttackerTest {
    @Test
    void withAThirdItFinalizesBothSidesWithEveryMemberVotingTwice() {
        // 6 honest of 100, 3 coalition of 100: total 900, quorum 600, honest sides 300 + 300.
        FinalityAttacker.Plan plan = FinalityAttacker.plan(List.of(100L, 100L, 100L, 100L, 100L, 100L),
                List.of(100L, 100L, 100L));
        assertThat(plan.feasible()).isTrue();
        assertThat(plan.honestOnA().stream().filter(b -> b).count()).isEqualTo(3);
        assertThat(plan.roles()).containsOnly(FinalityAttacker.Role.BOTH);
    }

    @Test
    void withMoreThanAThirdOnlyTheNeededMembersVoteTwice() {
        // 4 honest of 100, 5 coalition of 100: total 900, quorum 600; sides 200 + 200 need 400 each.
        FinalityAttacker.Plan plan = FinalityAttacker.plan(List.of(100L, 100L, 100L, 100L),
                List.of(100L, 100L, 100L, 100L, 100L));
        assertThat(plan.feasible()).isTrue();
        long both = plan.roles().stream().filter(r -> r == FinalityAttacker.Role.BOTH).count();
        assertThat(both).isEqualTo(3); // 300 of 900: exactly a third exposed
        assertThat(plan.roles()).contains(FinalityAttacker.Role.A, FinalityAttacker.Role.B);
    }

    @Test
    void belowAThirdThePlanIsNotFeasible() {
        FinalityAttacker.Plan plan = FinalityAttacker.plan(List.of(100L, 100L, 100L, 100L, 100L, 100L, 100L),
                List.of(100L, 100L));
        assertThat(plan.feasible()).isFalse();
        assertThat(FinalityAttacker.supermajority(600, 900)).isTrue();
        assertThat(FinalityAttacker.supermajority(599, 900)).isFalse();
    }
}
