package mvpos.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;

/**
 * The invariant "no honest validator signs a slashable pair": every vote an honest validator signed
 * (heard on the network or carried in a block), each new one compared with that validator's earlier
 * ones by the Casper FFG slashing conditions (a double vote: two votes for one target epoch; a surround
 * vote). Byzantine validators are not watched: their pairs are the attack, not a violation. Each
 * validator's last {@value #PER_VALIDATOR} votes are kept (a pair with an older one is not looked
 * for), and the votes already seen are forgotten after {@value #SEEN} (seen again, a vote is
 * compared once more and is not slashable with itself).
 */
final class HonestVotes {
    static final int PER_VALIDATOR = 64;
    static final int SEEN = 1 << 18;
    private final Set<HashKey> seen = new HashSet<>();
    private final Map<Address, List<Vote>> byValidator = new HashMap<>();

    /** An earlier vote of the same validator that {@code vote} is slashable with; empty when none (or seen before). */
    Optional<Vote> observe(Vote vote) {
        if (seen.size() >= SEEN) {
            seen.clear();
        }
        if (!seen.add(vote.hashKey())) {
            return Optional.empty(); // each vote once, however many nodes it reaches
        }
        List<Vote> earlier = byValidator.computeIfAbsent(vote.validator(), a -> new ArrayList<>());
        for (Vote other : earlier) {
            if (SlashingConditions.isSlashable(other, vote)) {
                return Optional.of(other);
            }
        }
        if (earlier.size() == PER_VALIDATOR) {
            earlier.removeFirst();
        }
        earlier.add(vote);
        return Optional.empty();
    }
}
