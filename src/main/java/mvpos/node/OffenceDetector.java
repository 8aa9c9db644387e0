package mvpos.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Header;
import mvpos.chain.SlashingConditions;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Vote;
import mvpos.consensus.ChainView;
import mvpos.crypto.Address;

/**
 * What a node watches for: a vote slashable with one the same validator signed before (a double or a
 * surround vote, from gossip or from any block on any fork), and a second block sealed by a proposer
 * for one slot. Each offence becomes {@link SlashingEvidence}. Bounded: the last
 * {@link #RECENT_VOTES_PER_VALIDATOR} votes of each validator and the seals of recent slots.
 */
final class OffenceDetector {
    /** Votes remembered per validator to find double and surround votes. */
    static final int RECENT_VOTES_PER_VALIDATOR = 32;
    /** Most validators whose votes are remembered. */
    static final int MAX_VALIDATORS = 100_000;

    private final Map<Address, List<Vote>> recentVotes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, List<Vote>> eldest) {
            return size() > MAX_VALIDATORS;
        }
    };
    private final Map<String, Header> sealedBySlot = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Header> eldest) {
            return size() > 4 * ChainView.STATE_HISTORY;
        }
    };

    /** A vote seen (its signature checked): evidence when it is slashable with an earlier one of its signer. */
    Optional<SlashingEvidence> observe(Vote vote) {
        List<Vote> earlier = recentVotes.computeIfAbsent(vote.validator(), v -> new ArrayList<>());
        for (Vote other : earlier) {
            if (SlashingConditions.isSlashable(other, vote)) {
                return Optional.of(new SlashingEvidence.VotePair(other, vote));
            }
        }
        if (!earlier.contains(vote)) {
            earlier.add(vote);
            if (earlier.size() > RECENT_VOTES_PER_VALIDATOR) {
                earlier.remove(0);
            }
        }
        return Optional.empty();
    }

    /** A valid header sealed for a slot: evidence when its proposer sealed another one for the same slot. */
    Optional<SlashingEvidence> observe(Header header) {
        Header earlier = sealedBySlot.putIfAbsent(header.proposer() + "/" + header.slot(), header);
        if (earlier != null && !java.util.Arrays.equals(earlier.hash(), header.hash())) {
            return Optional.of(new SlashingEvidence.HeaderPair(earlier, header));
        }
        return Optional.empty();
    }

    int validatorsRemembered() {
        return recentVotes.size();
    }
}
