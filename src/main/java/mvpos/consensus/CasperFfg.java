package mvpos.consensus;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mvpos.chain.Genesis;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.state.State;

/**
 * Casper FFG, a finality gadget beside any engine (DESIGN.md, seam 3). Time is cut into epochs of
 * {@code epochLength} slots; the checkpoint of epoch {@code e} on a chain is its block with the
 * greatest slot at or below {@code e * epochLength} (genesis is the checkpoint of epoch 0).
 *
 * <p>Validators (the accounts with stake in the state after the previous epoch's checkpoint, so the
 * voting set changes only at epoch boundaries) sign votes {@code source -> target}. A
 * <b>supermajority link</b> is a link voted by at least 2/3 of that stake. A checkpoint is
 * <b>justified</b> when a supermajority link leads to it from a justified checkpoint (genesis is
 * justified); a justified checkpoint is <b>finalized</b> when a supermajority link leads from it to
 * the checkpoint of the very next epoch.
 *
 * <p>Votes are counted as they arrive (a node's own view, like GRANDPA's); one that names a block the
 * node does not know yet waits for it. Not thread-safe: used from its node's loop.
 */
public final class CasperFfg {
    public static final String NAME = "ffg";
    public static final String EPOCH_LENGTH = "epochLength";
    public static final long DEFAULT_EPOCH_LENGTH = 8;
    /** Most votes kept while their blocks are unknown. */
    public static final int MAX_WAITING_VOTES = 100_000;

    /** A checkpoint: an epoch and the block that is its checkpoint. */
    public record Checkpoint(long epoch, byte[] hash) {
        public Checkpoint {
            hash = hash.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        HashKey key() {
            return HashKey.of(hash);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Checkpoint c && c.epoch == epoch && java.util.Arrays.equals(c.hash, hash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(epoch) * 31 + java.util.Arrays.hashCode(hash);
        }
    }

    /** What became of a vote. */
    public sealed interface VoteResult permits Counted, Duplicate, Waiting, Refused {
    }

    /** Counted; says whether the latest justified or the finalized checkpoint moved. */
    public record Counted(boolean justifiedMoved, boolean finalizedMoved) implements VoteResult {
    }

    public record Duplicate() implements VoteResult {
    }

    /** It names a block this node does not know yet; it is counted when the block arrives. */
    public record Waiting() implements VoteResult {
    }

    public record Refused(String reason) implements VoteResult {
    }

    private record Link(long sourceEpoch, HashKey source, long targetEpoch, HashKey target) {
    }

    /** The voters of a link and their stake, against the total stake of the target epoch's voting set. */
    private static final class Tally {
        final Set<Address> voters = new HashSet<>();
        BigInteger stake = BigInteger.ZERO;
        final BigInteger total;
        boolean supermajority;

        Tally(BigInteger total) {
            this.total = total;
        }
    }

    private final String chainId;
    private final long epochLength;
    private final BlockTree tree;
    private final Map<Link, Tally> tallies = new HashMap<>();
    /** Votes already counted, with their target epoch (forgotten once that epoch is finalized). */
    private final Map<HashKey, Long> seenVotes = new HashMap<>();
    private final Map<HashKey, Long> justified = new HashMap<>();
    private final Map<HashKey, BigInteger> totalStakeAfter = new HashMap<>();
    private final Map<HashKey, Vote> waiting = new LinkedHashMap<>();
    private Checkpoint latestJustified;
    private Checkpoint finalized;

    /** The gadget of a chain whose genesis names {@code ffg}; its tree's root must be genesis. */
    public CasperFfg(Genesis genesis, BlockTree tree) {
        this.chainId = genesis.chainId();
        this.epochLength = epochLengthOf(genesis);
        this.tree = tree;
        Checkpoint root = new Checkpoint(0, tree.anchor().hash());
        this.latestJustified = root;
        this.finalized = root;
        justified.put(root.key(), 0L);
    }

    /**
     * Resumes from checkpoints kept before a restart: both count as justified, the head follows the
     * justified one. Checkpoints whose blocks the tree no longer has are ignored.
     */
    public void resume(Checkpoint justifiedBefore, Checkpoint finalizedBefore) {
        if (tree.contains(finalizedBefore.hash()) && finalizedBefore.epoch() > finalized.epoch()) {
            finalized = finalizedBefore;
            latestJustified = finalizedBefore;
            justified.put(finalizedBefore.key(), finalizedBefore.epoch());
        }
        if (tree.contains(justifiedBefore.hash()) && justifiedBefore.epoch() > latestJustified.epoch()) {
            latestJustified = justifiedBefore;
            justified.put(justifiedBefore.key(), justifiedBefore.epoch());
        }
        tree.setAnchor(latestJustified.hash());
    }

    /** A checkpoint as 8 bytes of epoch then its hash (how a node keeps it in its store). */
    public static byte[] encode(Checkpoint checkpoint) {
        return java.nio.ByteBuffer.allocate(Long.BYTES + checkpoint.hash().length).putLong(checkpoint.epoch())
                .put(checkpoint.hash()).array();
    }

    public static Optional<Checkpoint> decode(byte[] bytes) {
        if (bytes.length != Long.BYTES + 32) {
            return Optional.empty();
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        long epoch = in.getLong();
        byte[] hash = new byte[32];
        in.get(hash);
        return epoch < 0 ? Optional.empty() : Optional.of(new Checkpoint(epoch, hash));
    }

    /** The epoch length a genesis sets, checked. */
    public static long epochLengthOf(Genesis genesis) {
        String value = genesis.finalityParams().getOrDefault(EPOCH_LENGTH, Long.toString(DEFAULT_EPOCH_LENGTH));
        try {
            long length = Long.parseLong(value.trim());
            if (length >= 1 && length <= ChainView.STATE_HISTORY / 4) {
                return length;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("finality.params." + EPOCH_LENGTH + " must be a whole number from 1 to "
                + ChainView.STATE_HISTORY / 4 + ", not '" + value + "'");
    }

    public long epochLength() {
        return epochLength;
    }

    public long epochOfSlot(long slot) {
        return slot / epochLength;
    }

    public Checkpoint latestJustified() {
        return latestJustified;
    }

    public Checkpoint finalized() {
        return finalized;
    }

    public boolean isJustified(byte[] hash) {
        return justified.containsKey(HashKey.of(hash));
    }

    /** The checkpoint of {@code epoch} on the chain ending at {@code entry}, if the tree still has it. */
    public Optional<BlockTree.Entry> checkpointOf(BlockTree.Entry entry, long epoch) {
        return tree.lastAtOrBeforeSlot(entry, epoch * epochLength);
    }

    /**
     * What an honest validator votes for with {@code head} as its head: the checkpoint of the head's
     * epoch as target, the latest justified checkpoint on the head's chain as source. Empty while the
     * head is still in the first half of its epoch (the checkpoint may still change) or in epoch 0.
     */
    public Optional<Checkpoint[]> duty(BlockTree.Entry head) {
        long slot = head.header().slot();
        long epoch = epochOfSlot(slot);
        if (epoch == 0 || slot < epoch * epochLength + epochLength / 2) {
            return Optional.empty();
        }
        Optional<BlockTree.Entry> target = checkpointOf(head, epoch);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        Checkpoint source = latestJustifiedOnChainOf(target.get());
        if (source.epoch() >= epoch) {
            return Optional.empty();
        }
        return Optional.of(new Checkpoint[] {source, new Checkpoint(epoch, target.get().hash())});
    }

    private Checkpoint latestJustifiedOnChainOf(BlockTree.Entry entry) {
        Checkpoint best = null;
        for (Map.Entry<HashKey, Long> j : justified.entrySet()) {
            if (best != null && j.getValue() <= best.epoch()) {
                continue;
            }
            Optional<BlockTree.Entry> block = tree.entry(j.getKey().bytes());
            if (block.isPresent() && tree.descendsFrom(entry, block.get())) {
                best = new Checkpoint(j.getValue(), j.getKey().bytes());
            }
        }
        return best != null ? best : finalized;
    }

    /**
     * Counts a vote whose signature the caller has checked. Refused when it is for another chain, its
     * epochs are not increasing, its target is not a block of the target's epoch that descends from its
     * source, or its validator had no stake in the target epoch's voting set.
     */
    public VoteResult addVote(Vote vote) {
        if (!vote.chainId().equals(chainId)) {
            return new Refused("a vote for chain '" + vote.chainId() + "'");
        }
        if (vote.sourceEpoch() < 0 || vote.targetEpoch() <= vote.sourceEpoch()) {
            return new Refused("its target epoch " + vote.targetEpoch() + " is not after its source epoch "
                    + vote.sourceEpoch());
        }
        if (vote.targetEpoch() <= finalized.epoch()) {
            return new Refused("its target epoch " + vote.targetEpoch() + " is already finalized (epoch "
                    + finalized.epoch() + ")");
        }
        HashKey id = HashKey.of(vote.hash());
        if (seenVotes.containsKey(id) || waiting.containsKey(id)) {
            return new Duplicate();
        }
        Optional<BlockTree.Entry> target = tree.entry(vote.targetHash());
        Optional<BlockTree.Entry> source = tree.entry(vote.sourceHash());
        if (target.isEmpty() || source.isEmpty()) {
            if (waiting.size() >= MAX_WAITING_VOTES) {
                waiting.remove(waiting.keySet().iterator().next());
            }
            waiting.put(id, vote);
            return new Waiting();
        }
        if (target.get().header().slot() > vote.targetEpoch() * epochLength
                || !tree.descendsFrom(target.get(), source.get())
                || source.get().header().slot() > vote.sourceEpoch() * epochLength) {
            return new Refused("its target is not a checkpoint of epoch " + vote.targetEpoch()
                    + " descending from its source");
        }
        Optional<BlockTree.Entry> votingCheckpoint = checkpointOf(target.get(), vote.targetEpoch() - 1);
        Optional<State> votingState = votingCheckpoint.map(BlockTree.Entry::state);
        if (votingState.isEmpty()) {
            return new Refused("the voting set of epoch " + vote.targetEpoch() + " is no longer known");
        }
        long stake = votingState.get().account(vote.validator()).stake();
        if (stake <= 0) {
            return new Refused(vote.validator() + " had no stake in epoch " + vote.targetEpoch() + "'s voting set");
        }
        seenVotes.put(id, vote.targetEpoch());
        Link link = new Link(vote.sourceEpoch(), HashKey.of(vote.sourceHash()), vote.targetEpoch(),
                HashKey.of(vote.targetHash()));
        HashKey votingKey = HashKey.of(votingCheckpoint.get().hash());
        Tally tally = tallies.computeIfAbsent(link, l -> new Tally(totalStakeAfter.computeIfAbsent(votingKey,
                k -> totalStake(votingState.get()))));
        if (!tally.voters.add(vote.validator())) {
            return new Duplicate();
        }
        tally.stake = tally.stake.add(BigInteger.valueOf(stake));
        Checkpoint justifiedBefore = latestJustified;
        Checkpoint finalizedBefore = finalized;
        if (!tally.supermajority && tally.stake.multiply(BigInteger.valueOf(3))
                .compareTo(tally.total.multiply(BigInteger.TWO)) >= 0) {
            tally.supermajority = true;
            applySupermajorityLinks();
            if (!finalized.equals(finalizedBefore)) {
                forgetFinalizedEpochs();
            }
        }
        return new Counted(!latestJustified.equals(justifiedBefore), !finalized.equals(finalizedBefore));
    }

    /** Justifies and finalizes what the supermajority links allow, until nothing changes. */
    private void applySupermajorityLinks() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<Link, Tally> entry : tallies.entrySet()) {
                Link link = entry.getKey();
                if (!entry.getValue().supermajority || !justified.containsKey(link.source())) {
                    continue;
                }
                if (justified.putIfAbsent(link.target(), link.targetEpoch()) == null) {
                    changed = true;
                    if (link.targetEpoch() > latestJustified.epoch()) {
                        latestJustified = new Checkpoint(link.targetEpoch(), link.target().bytes());
                    }
                }
                if (link.targetEpoch() == link.sourceEpoch() + 1 && link.sourceEpoch() >= finalized.epoch()
                        && !link.source().equals(finalized.key())) {
                    finalized = new Checkpoint(link.sourceEpoch(), link.source().bytes());
                    changed = true;
                }
            }
        }
    }

    /**
     * Forgets what finalized epochs no longer need: their tallies, the votes seen for them, justified
     * checkpoints before the finalized one, and waiting votes for them (later votes for them are
     * refused), so the gadget's memory follows the unfinalized epochs, not the chain's age.
     */
    private void forgetFinalizedEpochs() {
        long epoch = finalized.epoch();
        tallies.keySet().removeIf(link -> link.targetEpoch() <= epoch);
        seenVotes.values().removeIf(target -> target <= epoch);
        justified.entrySet().removeIf(j -> j.getValue() < epoch);
        waiting.values().removeIf(vote -> vote.targetEpoch() <= epoch);
        totalStakeAfter.clear();
    }

    /** Counts the votes that were waiting for blocks now known; returns whether a checkpoint moved. */
    public boolean retryWaiting() {
        if (waiting.isEmpty()) {
            return false;
        }
        List<Vote> retry = new ArrayList<>();
        for (Vote vote : waiting.values()) {
            if (tree.contains(vote.targetHash()) && tree.contains(vote.sourceHash())) {
                retry.add(vote);
            }
        }
        boolean moved = false;
        for (Vote vote : retry) {
            waiting.remove(HashKey.of(vote.hash()));
            if (addVote(vote) instanceof Counted counted) {
                moved |= counted.justifiedMoved() || counted.finalizedMoved();
            }
        }
        return moved;
    }

    private static BigInteger totalStake(State state) {
        BigInteger[] total = {BigInteger.ZERO};
        state.forEachAccount((address, account) -> total[0] = total[0].add(BigInteger.valueOf(account.stake())));
        return total[0];
    }
}
