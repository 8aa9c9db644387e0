package mvpos.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Vote;
import mvpos.crypto.HashKey;
import mvpos.state.StateTransition;

/**
 * The finality votes a node has seen (gossiped, or its own) and may include in the blocks it
 * produces, by target epoch: the vote pool, as Ethereum clients keep an attestation pool. A vote stays
 * until its target epoch is too old for any block to count it; at most {@link #MAX_VOTES} are kept
 * (the oldest target epochs go first), so a flood costs bounded memory.
 */
public final class VotePool {
    /** Most votes kept. */
    public static final int MAX_VOTES = 200_000;

    private final TreeMap<Long, Map<HashKey, Vote>> byTargetEpoch = new TreeMap<>();
    /** The votes this node has handled (pooled or refused), by target epoch: each is handled once. */
    private final TreeMap<Long, java.util.Set<HashKey>> seen = new TreeMap<>();
    private int size;
    private int seenCount;

    /** Whether this vote was handled already (it is a duplicate). */
    public boolean seen(Vote vote) {
        java.util.Set<HashKey> ids = seenIn(vote.targetEpoch(), false);
        return ids != null && ids.contains(vote.hashKey());
    }

    /** The votes handled for a target epoch (made when asked to); the last epoch asked is kept at hand. */
    private java.util.Set<HashKey> seenIn(long epoch, boolean make) {
        if (lastSeen != null && lastSeenEpoch == epoch) {
            return lastSeen;
        }
        java.util.Set<HashKey> ids = make ? seen.computeIfAbsent(epoch, e -> new java.util.HashSet<>()) : seen.get(epoch);
        if (ids != null) {
            lastSeenEpoch = epoch;
            lastSeen = ids;
        }
        return ids;
    }

    private long lastSeenEpoch;
    private java.util.Set<HashKey> lastSeen;

    /** Marks a vote handled; false when it was already. Bounded like the pool (the oldest epochs go first). */
    public boolean markSeen(Vote vote) {
        if (!seenIn(vote.targetEpoch(), true).add(vote.hashKey())) {
            return false;
        }
        seenCount++;
        while (seenCount > 2 * MAX_VOTES) {
            java.util.Set<HashKey> oldest = seen.pollFirstEntry().getValue();
            seenCount -= oldest.size();
            lastSeen = null;
        }
        return true;
    }

    /** Adds a vote; false when it is already there. */
    public boolean add(Vote vote) {
        Map<HashKey, Vote> votes = byTargetEpoch.computeIfAbsent(vote.targetEpoch(), e -> new LinkedHashMap<>());
        if (votes.putIfAbsent(vote.hashKey(), vote) != null) {
            return false;
        }
        size++;
        while (size > MAX_VOTES) {
            Map.Entry<Long, Map<HashKey, Vote>> oldest = byTargetEpoch.firstEntry();
            var it = oldest.getValue().entrySet().iterator();
            it.next();
            it.remove();
            size--;
            if (oldest.getValue().isEmpty()) {
                byTargetEpoch.remove(oldest.getKey());
            }
        }
        return true;
    }

    public boolean contains(Vote vote) {
        Map<HashKey, Vote> votes = byTargetEpoch.get(vote.targetEpoch());
        return votes != null && votes.containsKey(vote.hashKey());
    }

    /** Forgets the votes (pooled and seen) whose target epoch is below {@code epoch}. */
    public void forgetBefore(long epoch) {
        Map<Long, Map<HashKey, Vote>> old = byTargetEpoch.headMap(epoch);
        old.values().forEach(votes -> size -= votes.size());
        old.clear();
        Map<Long, java.util.Set<HashKey>> oldSeen = seen.headMap(epoch);
        oldSeen.values().forEach(ids -> seenCount -= ids.size());
        oldSeen.clear();
        lastSeen = null;
    }

    /**
     * The votes a block that sees {@code view} may count, in the order they arrived (previous epoch's
     * first), at most {@code limit}: every candidate for the view's current and previous epoch that the
     * block could count, each signer once per target.
     */
    public List<Vote> selectFor(StateTransition.SlotView view, int limit, StateTransition.SignatureCheck signatures) {
        List<Vote> selected = new ArrayList<>();
        long epoch = view.finality().epoch();
        for (long target = epoch - 1; target <= epoch; target++) {
            Map<HashKey, Vote> votes = byTargetEpoch.get(target);
            if (votes == null) {
                continue;
            }
            java.util.Set<mvpos.crypto.Address> signers = new java.util.HashSet<>();
            for (Vote vote : votes.values()) {
                if (selected.size() >= limit) {
                    return selected;
                }
                boolean countedHere = signers.contains(vote.validator());
                if (view.whyNotCountable(vote, countedHere, signatures).isEmpty()) {
                    selected.add(vote);
                    signers.add(vote.validator());
                }
            }
        }
        return selected;
    }

    public int size() {
        return size;
    }
}
