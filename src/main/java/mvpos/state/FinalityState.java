package mvpos.state;

import java.util.Arrays;
import java.util.function.Function;
import mvpos.chain.Checkpoint;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.HashKey;

/**
 * What the state of a chain with Casper FFG knows of finality after a block, as the Ethereum spec's
 * {@code BeaconState} does: computed by the state transition from the votes the chain's blocks carry,
 * so every node holds the same checkpoints for the same block, whatever votes it has seen.
 *
 * @param epoch                 the epoch of the last block applied; epoch processing has run up to it
 * @param previousJustified     the current justified checkpoint before the last epoch processing
 *                              (the source a vote for the previous epoch must name)
 * @param currentJustified      the latest justified checkpoint on this chain (the source a vote for the
 *                              current epoch must name)
 * @param finalized             the latest finalized checkpoint on this chain
 * @param justificationBits     bit i: whether the checkpoint of epoch {@code epoch - 1 - i} is justified
 * @param previousTarget        the checkpoint of epoch {@code epoch - 1} on this chain
 * @param currentTarget         the checkpoint of {@code epoch} on this chain (the last block before it)
 * @param dynasty               how many times a new checkpoint was finalized on this chain
 * @param validators            the validator registry with the three dynasties' ceilings
 * @param previousVotes         the validators whose vote for {@code previousTarget} is counted
 * @param currentVotes          the validators whose vote for {@code currentTarget} is counted
 * @param participationBasisPoints the share, in 1/10,000, of the current dynasty's weight whose votes
 *                              for epoch {@code epoch - 2} were counted: the last epoch whose votes can no
 *                              longer be included (for status displays)
 */
public record FinalityState(long epoch, Checkpoint previousJustified, Checkpoint currentJustified,
                            Checkpoint finalized, int justificationBits, byte[] previousTarget,
                            byte[] currentTarget, long dynasty, ValidatorRegistry validators,
                            VoteBits previousVotes, VoteBits currentVotes, int participationBasisPoints) {
    private static final String TAG = "mvpos.ffg.state.v1";

    public FinalityState {
        previousTarget = previousTarget.clone();
        currentTarget = currentTarget.clone();
    }

    /**
     * The finality of a genesis state: epoch 0, genesis justified and finalized. Its hash is not known
     * inside its own state, so the checkpoints name {@link Checkpoint#GENESIS_PLACEHOLDER} until the first
     * block replaces it ({@link #withGenesisHash}).
     */
    public static FinalityState genesis(ValidatorRegistry validators) {
        Checkpoint root = new Checkpoint(0, Checkpoint.GENESIS_PLACEHOLDER);
        return new FinalityState(0, root, root, root, 1, Checkpoint.GENESIS_PLACEHOLDER,
                Checkpoint.GENESIS_PLACEHOLDER, 0, validators, VoteBits.NONE, VoteBits.NONE, 0);
    }

    /** The placeholder of the genesis hash replaced by the real one (applied by the first block). */
    FinalityState withGenesisHash(byte[] genesisHash) {
        return new FinalityState(epoch, real(previousJustified, genesisHash), real(currentJustified, genesisHash),
                real(finalized, genesisHash), justificationBits, real(previousTarget, genesisHash),
                real(currentTarget, genesisHash), dynasty, validators, previousVotes, currentVotes,
                participationBasisPoints);
    }

    private static Checkpoint real(Checkpoint checkpoint, byte[] genesisHash) {
        return new Checkpoint(checkpoint.epoch(), real(checkpoint.hash(), genesisHash));
    }

    private static byte[] real(byte[] hash, byte[] genesisHash) {
        return Arrays.equals(hash, Checkpoint.GENESIS_PLACEHOLDER) ? genesisHash : hash;
    }

    @Override
    public byte[] previousTarget() {
        return previousTarget.clone();
    }

    @Override
    public byte[] currentTarget() {
        return currentTarget.clone();
    }

    /** The checkpoint a vote for {@code targetEpoch} must name as its target, if that epoch is current or previous. */
    public java.util.Optional<Checkpoint> target(long targetEpoch) {
        if (targetEpoch == epoch) {
            return java.util.Optional.of(new Checkpoint(epoch, currentTarget));
        }
        if (targetEpoch == epoch - 1 && epoch >= 1) {
            return java.util.Optional.of(new Checkpoint(epoch - 1, previousTarget));
        }
        return java.util.Optional.empty();
    }

    /** The source a vote for {@code targetEpoch} must name: the justified checkpoint of that epoch on this chain. */
    public Checkpoint sourceFor(long targetEpoch) {
        return targetEpoch == epoch ? currentJustified : previousJustified;
    }

    /** The votes counted for {@code targetEpoch} (current or previous), or none. */
    public VoteBits votesFor(long targetEpoch) {
        return targetEpoch == epoch ? currentVotes : targetEpoch == epoch - 1 ? previousVotes : VoteBits.NONE;
    }

    /** Epochs since the finalized checkpoint (2 is the least a chain that finalizes every epoch shows). */
    public long finalityDelay() {
        return epoch - finalized.epoch();
    }

    /**
     * The commitment to this finality state (part of the state root): SHA-256 of {@link #encodeRecord},
     * which names the registry by its root.
     */
    public byte[] root() {
        return mvpos.crypto.Sha256.hash(encodeRecord());
    }

    /**
     * Everything but the registry, which is named by its root (a node stores one record per block and
     * each registry once, by its root).
     */
    public byte[] encodeRecord() {
        CanonicalEncoder out = CanonicalEncoder.tagged(TAG).writeLong(epoch);
        write(out, previousJustified);
        write(out, currentJustified);
        write(out, finalized);
        out.writeInt(justificationBits).writeBytes(previousTarget).writeBytes(currentTarget).writeLong(dynasty)
                .writeBytes(validators.root());
        writeBits(out, previousVotes);
        writeBits(out, currentVotes);
        return out.writeInt(participationBasisPoints).toBytes();
    }

    private static void write(CanonicalEncoder out, Checkpoint checkpoint) {
        out.writeLong(checkpoint.epoch()).writeBytes(checkpoint.hash());
    }

    private static void writeBits(CanonicalEncoder out, VoteBits bits) {
        long[] words = bits.words();
        out.writeInt(words.length);
        for (long word : words) {
            out.writeLong(word);
        }
    }

    /** Reads a record; {@code registries} gives the registry of a root (empty when unknown). */
    public static FinalityState decodeRecord(byte[] bytes, Function<HashKey, java.util.Optional<ValidatorRegistry>> registries) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        long epoch = in.readLong();
        Checkpoint previousJustified = readCheckpoint(in);
        Checkpoint currentJustified = readCheckpoint(in);
        Checkpoint finalized = readCheckpoint(in);
        int bits = in.readInt();
        byte[] previousTarget = in.readBytes();
        byte[] currentTarget = in.readBytes();
        long dynasty = in.readLong();
        byte[] registryRoot = in.readBytes();
        VoteBits previousVotes = readBits(in);
        VoteBits currentVotes = readBits(in);
        int participation = in.readInt();
        in.end();
        ValidatorRegistry registry = registries.apply(HashKey.of(registryRoot)).orElseThrow(() ->
                new MalformedEncodingException("the validator registry of a finality record is missing"));
        return new FinalityState(epoch, previousJustified, currentJustified, finalized, bits, previousTarget,
                currentTarget, dynasty, registry, previousVotes, currentVotes, participation);
    }

    private static Checkpoint readCheckpoint(CanonicalDecoder in) {
        long epoch = in.readLong();
        byte[] hash = in.readBytes();
        if (epoch < 0 || hash.length != 32) {
            throw new MalformedEncodingException("a malformed checkpoint");
        }
        return new Checkpoint(epoch, hash);
    }

    private static VoteBits readBits(CanonicalDecoder in) {
        int count = in.readInt();
        if (count < 0 || count > 1 << 20) {
            throw new MalformedEncodingException("a vote bit set of " + count + " words");
        }
        long[] words = new long[count];
        for (int i = 0; i < count; i++) {
            words[i] = in.readLong();
        }
        return VoteBits.of(words);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FinalityState f && Arrays.equals(f.encodeRecord(), encodeRecord());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(root());
    }
}
