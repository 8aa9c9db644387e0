package mvpos.consensus.forkchoice;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mvpos.chain.Vote;
import mvpos.crypto.Address;

/**
 * What LMD-GHOST weighs, as a node learns it (the consensus specs' {@code Store}): each validator's
 * latest message (the head named by its vote of the highest target epoch; the first seen wins a tie),
 * the validators caught equivocating (their messages no longer count), and the proposer boost (the block
 * of the current slot that arrived on time). Insertion ordered; no hash-code order anywhere.
 */
public final class LatestMessages {
    /** A validator's latest message: the head its vote named, and that vote's target epoch. */
    public record Message(long epoch, byte[] head) {
    }

    private final Map<Address, Message> latest = new LinkedHashMap<>();
    private final Set<Address> equivocators = new HashSet<>();
    private byte[] boostRoot;
    private long boostSlot = -1;
    private long version;

    /** Takes a counted vote: the voter's message when its target epoch is later than the one held. */
    public boolean offer(Vote vote) {
        return offer(vote.validator(), vote.targetEpoch(), vote.headHash());
    }

    /** Takes a message; returns whether it is now the validator's latest. */
    public boolean offer(Address validator, long epoch, byte[] head) {
        Message held = latest.get(validator);
        if (held != null && held.epoch() >= epoch) {
            return false;
        }
        latest.put(validator, new Message(epoch, head.clone()));
        version++;
        return true;
    }

    /** A validator proven to equivocate: its messages weigh nothing from now on. */
    public void equivocated(Address validator) {
        if (equivocators.add(validator)) {
            version++;
        }
    }

    /** The latest messages of the validators not caught equivocating, in the order first seen. */
    public Map<Address, Message> counted() {
        Map<Address, Message> out = new LinkedHashMap<>();
        latest.forEach((validator, message) -> {
            if (!equivocators.contains(validator)) {
                out.put(validator, message);
            }
        });
        return out;
    }

    /** Visits the latest messages that count (no copy: for the head computation). */
    void forEachCounted(java.util.function.BiConsumer<Address, Message> visitor) {
        latest.forEach((validator, message) -> {
            if (!equivocators.contains(validator)) {
                visitor.accept(validator, message);
            }
        });
    }

    /** Boosts the first block that arrives on time in its slot; later ones in that slot get nothing. */
    public boolean boost(byte[] blockHash, long slot) {
        if (slot <= boostSlot) {
            return false;
        }
        boostRoot = blockHash.clone();
        boostSlot = slot;
        version++;
        return true;
    }

    /** Ends the boost when its slot is over; returns whether there was one. */
    public boolean endBoostBefore(long slot) {
        if (boostRoot == null || boostSlot >= slot) {
            return false;
        }
        boostRoot = null;
        version++;
        return true;
    }

    public Optional<byte[]> boostRoot() {
        return Optional.ofNullable(boostRoot).map(byte[]::clone);
    }

    /** Changes every time the inputs change: a head computed at one version stays right until the next. */
    public long version() {
        return version;
    }

    boolean isBoosted(byte[] hash) {
        return boostRoot != null && Arrays.equals(boostRoot, hash);
    }
}
