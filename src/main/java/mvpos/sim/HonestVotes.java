package mvpos.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import mvpos.crypto.Address;

/**
 * The invariant "no honest validator signs a slashable pair": every vote an honest validator signed
 * (heard on the network or carried in a block), each new one compared with every earlier one of that
 * validator by the Casper FFG slashing conditions (a double vote: two votes for one target epoch; a
 * surround vote). Byzantine validators are not watched: their pairs are the attack, not a violation.
 *
 * <p>A validator's votes are kept by target epoch, with the range of their sources and targets, so the
 * comparison is exact without scanning them all: a double vote is the one vote of the same target; a new
 * vote can surround an earlier one only if some earlier source is above its own, and be surrounded only
 * if some earlier target is above its own. An honest validator's sources and targets only grow, so its
 * votes are never scanned. A vote observed again is not slashable with itself and changes nothing (the
 * {@link InvariantChecker} observes each vote once, however many nodes hear it).
 */
final class HonestVotes {
    private final Map<Address, Signed> byValidator = new HashMap<>();

    /** One validator's votes, by target epoch, and the highest source and target among them. */
    private static final class Signed {
        final TreeMap<Long, Vote> byTarget = new TreeMap<>();
        long maxSource = Long.MIN_VALUE;
        long maxTarget = Long.MIN_VALUE;
    }

    /** An earlier vote of the same validator that {@code vote} is slashable with; empty when none. */
    Optional<Vote> observe(Vote vote) {
        Signed signed = byValidator.computeIfAbsent(vote.validator(), a -> new Signed());
        Optional<Vote> pair = slashableWith(signed, vote);
        if (pair.isEmpty()) {
            signed.byTarget.putIfAbsent(vote.targetEpoch(), vote);
            signed.maxSource = Math.max(signed.maxSource, vote.sourceEpoch());
            signed.maxTarget = Math.max(signed.maxTarget, vote.targetEpoch());
        }
        return pair;
    }

    private static Optional<Vote> slashableWith(Signed signed, Vote vote) {
        Vote sameTarget = signed.byTarget.get(vote.targetEpoch());
        if (sameTarget != null && SlashingConditions.isSlashable(sameTarget, vote)) {
            return Optional.of(sameTarget);
        }
        // The new vote surrounds an earlier one (earlier source above its source, earlier target below its
        // target), or an earlier one surrounds it (earlier target above its target, earlier source below).
        if (signed.maxSource > vote.sourceEpoch()) {
            for (Vote earlier : signed.byTarget.headMap(vote.targetEpoch(), false).values()) {
                if (SlashingConditions.isSlashable(earlier, vote)) {
                    return Optional.of(earlier);
                }
            }
        }
        if (signed.maxTarget > vote.targetEpoch()) {
            for (Vote earlier : signed.byTarget.tailMap(vote.targetEpoch(), false).values()) {
                if (SlashingConditions.isSlashable(earlier, vote)) {
                    return Optional.of(earlier);
                }
            }
        }
        return Optional.empty();
    }
}
