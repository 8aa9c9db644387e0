package mvpos.adversary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A coalition that tries to finalize two conflicting checkpoints in Casper FFG. It controls the
 * network: it splits the honest validators into two groups that never hear of each other's chain,
 * and it plans which of its own validators vote on which side. A checkpoint needs votes from 2/3 of
 * the stake, so each side needs {@code 2/3 - honest side} from the coalition; a member that votes on
 * both sides signs two votes for the same target epoch, a double vote anyone can prove. The plan
 * keeps the double voters to the fewest the attack needs: at best {@code 1/3} of the stake, which is
 * the bound of accountable safety (Buterin and Griffith 2017, Theorem 1).
 */
public final class FinalityAttacker {
    private FinalityAttacker() {
    }

    /** On which side a coalition member votes. */
    public enum Role {
        A, B, BOTH
    }

    /**
     * The plan: for each honest validator whether it is put on side A (else B), for each coalition member
     * its role, and whether each side reaches 2/3 with it.
     */
    public record Plan(List<Boolean> honestOnA, List<Role> roles, boolean feasible) {
    }

    /** Whether {@code votes} of {@code total} stake justify a checkpoint: at least two thirds. */
    public static boolean supermajority(long votes, long total) {
        return 3 * votes >= 2 * total;
    }

    /** The least stake that is a supermajority of {@code total}. */
    static long quorum(long total) {
        return (2 * total + 2) / 3;
    }

    public static Plan plan(List<Long> honest, List<Long> coalition) {
        long total = honest.stream().mapToLong(Long::longValue).sum() + coalition.stream().mapToLong(Long::longValue).sum();
        // Split the honest stake as evenly as possible: largest first, onto the lighter side.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < honest.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> honest.get(i)).reversed().thenComparing(i -> i));
        List<Boolean> onA = new ArrayList<>(java.util.Collections.nCopies(honest.size(), Boolean.FALSE));
        long a = 0;
        long b = 0;
        for (int i : order) {
            if (a <= b) {
                onA.set(i, true);
                a += honest.get(i);
            } else {
                b += honest.get(i);
            }
        }
        long coalitionStake = coalition.stream().mapToLong(Long::longValue).sum();
        long needA = Math.max(0, quorum(total) - a);
        long needB = Math.max(0, quorum(total) - b);
        // Members vote on A only while B can still be covered by the rest, then on B only while A can, then both.
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < coalition.size(); i++) {
            members.add(i);
        }
        members.sort(Comparator.comparing((Integer i) -> coalition.get(i)).reversed().thenComparing(i -> i));
        List<Role> roles = new ArrayList<>(java.util.Collections.nCopies(coalition.size(), Role.BOTH));
        long aOnly = 0;
        long bOnly = 0;
        for (int i : members) {
            long s = coalition.get(i);
            if (aOnly + s <= coalitionStake - needB) {
                roles.set(i, Role.A);
                aOnly += s;
            } else if (bOnly + s <= coalitionStake - needA) {
                roles.set(i, Role.B);
                bOnly += s;
            }
        }
        long votesA = a + coalitionStake - bOnly;
        long votesB = b + coalitionStake - aOnly;
        return new Plan(List.copyOf(onA), List.copyOf(roles), supermajority(votesA, total) && supermajority(votesB, total));
    }
}
