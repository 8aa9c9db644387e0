package mvpos.consensus.bft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.SignedStatement;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;

/**
 * The prevotes or the precommits of one height, by round: a validator's vote counts, with its stake, for
 * the block it names or for nil. A second, different vote of the same validator in the same round is an
 * equivocation, given back as evidence, and counted for its value too: otherwise nodes that heard the two
 * votes in different orders would see different quorums, and the honest validators could stay split for
 * ever (Tendermint keeps such votes for the same reason). Safety does not suffer: two quorums for
 * different values still share more than a third of the stake, all of it equivocating, so more than a
 * third byzantine. At most {@link #MAX_VALUES_PER_VALIDATOR} values of one validator in one round are kept.
 */
final class RoundVotes {
    private static final HashKey NIL = HashKey.of(new byte[0]);

    /** Most different values of one validator in one round that count. */
    static final int MAX_VALUES_PER_VALIDATOR = 3;

    private final Map<Integer, Map<Address, List<SignedStatement>>> votes = new TreeMap<>();
    private final Map<Integer, Map<HashKey, Long>> weightFor = new TreeMap<>();
    private final Map<Integer, Long> total = new TreeMap<>();

    /** What adding a vote did: counted it, knew it already, or counted it and found the validator's other vote of the round. */
    sealed interface Added {
    }

    record Counted() implements Added {
    }

    record Duplicate() implements Added {
    }

    record Conflict(SignedStatement earlier) implements Added {
    }

    Added add(int round, SignedStatement vote, long weight) {
        Map<Address, List<SignedStatement>> ofRound = votes.computeIfAbsent(round, r -> new LinkedHashMap<>());
        List<SignedStatement> before = ofRound.computeIfAbsent(vote.signer(), s -> new ArrayList<>(1));
        HashKey value = key(vote.value());
        for (SignedStatement earlier : before) {
            if (key(earlier.value()).equals(value)) {
                return new Duplicate();
            }
        }
        if (before.size() >= MAX_VALUES_PER_VALIDATOR) {
            return new Duplicate();
        }
        before.add(vote);
        weightFor.computeIfAbsent(round, r -> new LinkedHashMap<>()).merge(value, weight, Long::sum);
        if (before.size() > 1) {
            return new Conflict(before.get(0));
        }
        total.merge(round, weight, Long::sum);
        return new Counted();
    }

    /** The stake that voted for {@code value} (a block hash, or empty for nil) in {@code round}. */
    long weightFor(int round, byte[] value) {
        return weightFor.getOrDefault(round, Map.of()).getOrDefault(key(value), 0L);
    }

    /** The stake that voted anything in {@code round} (each validator once). */
    long total(int round) {
        return total.getOrDefault(round, 0L);
    }

    /** The votes for {@code value} in {@code round}, in the order they came. */
    List<SignedStatement> votesFor(int round, byte[] value) {
        List<SignedStatement> found = new ArrayList<>();
        HashKey wanted = key(value);
        for (List<SignedStatement> ofSigner : votes.getOrDefault(round, Map.of()).values()) {
            for (SignedStatement vote : ofSigner) {
                if (key(vote.value()).equals(wanted)) {
                    found.add(vote);
                }
            }
        }
        return found;
    }

    /** The rounds with a quorum for {@code value}, lowest first, as the validators weigh it. */
    Optional<Integer> roundWithQuorumFor(byte[] value, BftValidators validators) {
        for (int round : weightFor.keySet()) {
            if (validators.isQuorum(weightFor(round, value))) {
                return Optional.of(round);
            }
        }
        return Optional.empty();
    }

    private static HashKey key(byte[] value) {
        return value.length == 0 ? NIL : HashKey.of(value);
    }
}
