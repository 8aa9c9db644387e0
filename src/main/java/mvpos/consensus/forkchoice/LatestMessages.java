package mvpos.consensus.forkchoice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;

/**
 * What LMD-GHOST weighs, as a node learns it (the consensus specs' {@code Store}): each validator's
 * latest message (the head named by its vote of the highest target epoch; the first seen wins a tie),
 * the validators caught equivocating (their messages no longer count), and the proposer boost (the block
 * of the current slot that arrived on time). Validators are numbered in the order first heard from, so
 * a head computation walks arrays; no hash-code order anywhere.
 */
public final class LatestMessages {
    /** A validator's latest message: the head its vote named, and that vote's target epoch. */
    public record Message(long epoch, byte[] head) {
    }

    private final Map<Address, Integer> ids = new HashMap<>();
    private final List<Address> validators = new ArrayList<>();
    private long[] epochs = new long[16];
    private HashKey[] heads = new HashKey[16];
    private boolean[] equivocating = new boolean[16];
    private byte[] boostRoot;
    private long boostSlot = -1;
    private long version;

    /** Takes a counted vote: the voter's message when its target epoch is later than the one held. */
    public boolean offer(Vote vote) {
        return offer(vote.validator(), vote.targetEpoch(), vote.headHash());
    }

    /** Takes a message; returns whether it is now the validator's latest. */
    public boolean offer(Address validator, long epoch, byte[] head) {
        Integer id = ids.get(validator);
        if (id == null) {
            id = validators.size();
            ids.put(validator, id);
            validators.add(validator);
            if (id == epochs.length) {
                epochs = Arrays.copyOf(epochs, id * 2);
                heads = Arrays.copyOf(heads, id * 2);
                equivocating = Arrays.copyOf(equivocating, id * 2);
            }
        } else if (epochs[id] >= epoch) {
            return false;
        }
        epochs[id] = epoch;
        heads[id] = HashKey.of(head);
        version++;
        return true;
    }

    /** A validator proven to equivocate: its messages weigh nothing from now on. */
    public void equivocated(Address validator) {
        offer(validator, Long.MIN_VALUE, new byte[0]); // numbered, without a message of its own if new
        int id = ids.get(validator);
        if (!equivocating[id]) {
            equivocating[id] = true;
            version++;
        }
    }

    /** The latest messages of the validators not caught equivocating, in the order first heard from. */
    public Map<Address, Message> counted() {
        Map<Address, Message> out = new LinkedHashMap<>();
        for (int id = 0; id < validators.size(); id++) {
            if (counts(id)) {
                out.put(validators.get(id), new Message(epochs[id], heads[id].bytes()));
            }
        }
        return out;
    }

    /** How many validators were heard from (their numbers run from 0). */
    int size() {
        return validators.size();
    }

    Address validator(int id) {
        return validators.get(id);
    }

    /** Whether validator {@code id}'s message counts: it has one, and was not caught equivocating. */
    boolean counts(int id) {
        return !equivocating[id] && heads[id] != null && epochs[id] != Long.MIN_VALUE;
    }

    HashKey head(int id) {
        return heads[id];
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
}
