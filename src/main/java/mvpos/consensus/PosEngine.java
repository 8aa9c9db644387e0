package mvpos.consensus;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import mvpos.crypto.HashKey;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.codec.CanonicalEncoder;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import mvpos.crypto.Sha256;
import mvpos.state.State;

/**
 * Proof of stake with a stake-weighted proposer per slot and RANDAO randomness.
 *
 * <p><b>Time.</b> Slots of genesis's block time from genesis's timestamp, as in {@link PoaEngine};
 * epochs of {@code epochLength} slots: {@code epochOf(slot) = slot / epochLength}.
 *
 * <p><b>Who proposes.</b> The validators and the seed of epoch {@code e} come from its <em>boundary
 * block</em> {@code B(e)} on the chain of the block being made or checked: the most recent block of
 * the chain ending at the parent (the parent included) whose slot is below {@code firstSlot(e - 1)},
 * that is, whose epoch is at most {@code e - 2}; for {@code e <= 1} it is the genesis block. The
 * validators are the accounts with stake in the state after {@code B(e)}, in address order, weighted
 * by their stake; the seed is the RANDAO mix of {@code B(e)}. Slot {@code s} belongs to
 * {@link #selectProposer(byte[], long, StakeSampler)}: the validator a {@link StakeSampler} picks with
 * a {@link HashDrbg} seeded by the first 8 bytes (big-endian) of {@code SHA-256(seed || s)}, {@code s}
 * as 8 bytes big-endian. So a change of stake made in epoch {@code e - 2} or earlier counts from epoch
 * {@code e} (at least one whole epoch of delay), and the proposers of epoch {@code e} are fixed before
 * epoch {@code e - 1} begins.
 *
 * <p><b>Randomness (RANDAO).</b> A block's engine data is its proposer's <em>reveal</em>, the 64-byte
 * Ed25519 signature of the canonical encoding of the tag {@value #REVEAL_TAG}, the chain id, the genesis hash and the
 * block's epoch, followed by the 32-byte <em>mix</em> {@code SHA-256(parentMix || SHA-256(reveal))}.
 * The genesis block's mix is {@code SHA-256} of the canonical encoding of the tag
 * {@value #GENESIS_MIX_TAG} and the genesis block's hash (which commits to the initial accounts and,
 * through {@link Genesis#rulesHash()}, to every rule). Ed25519 signatures are deterministic, so a
 * proposer has exactly one reveal per epoch: it can withhold it (skip its slot) but not choose the mix.
 *
 * <p>The node keeps the states of the last {@link ChainView#STATE_HISTORY} heights, and a boundary
 * block is at most two epochs below the block, so {@code epochLength} is at most half of that.
 *
 * <p>Fork choice: the longest chain (every block weighs one).
 *
 * <p>Genesis: {@code engine: {name: pos, params: {epochLength: "8"}}}; the validators are the genesis
 * accounts with stake.
 */
public final class PosEngine implements ConsensusEngine {
    public static final String NAME = "pos";
    public static final String EPOCH_LENGTH = "epochLength";
    public static final long DEFAULT_EPOCH_LENGTH = 8;
    public static final long MAX_EPOCH_LENGTH = ChainView.STATE_HISTORY / 2;
    public static final String REVEAL_TAG = "mvpos.pos.reveal.v2";
    public static final String GENESIS_MIX_TAG = "mvpos.pos.genesis-mix.v1";
    public static final int REVEAL_BYTES = Ed25519.SIGNATURE_BYTES;
    public static final int MIX_BYTES = Sha256.LENGTH;
    /** A block's engine data: reveal, then mix. */
    public static final int ENGINE_DATA_BYTES = REVEAL_BYTES + MIX_BYTES;

    /** Boundary lookups remembered: (block, slot limit) to boundary block. */
    private static final int BOUNDARY_CACHE_ENTRIES = 1024;
    /** Validator sets (with their samplers) remembered, by boundary block. */
    private static final int EPOCH_CACHE_ENTRIES = 64;

    private final String chainId;
    private final Slots slots;
    private final long epochLength;
    private final Map<BoundaryKey, Boundary> boundaries = lru(BOUNDARY_CACHE_ENTRIES);
    private final Map<HashKey, EpochDuties> duties = lru(EPOCH_CACHE_ENTRIES);

    /** The unconfigured engine that {@link java.util.ServiceLoader} makes. */
    public PosEngine() {
        this("", 0, 1, DEFAULT_EPOCH_LENGTH);
    }

    private PosEngine(String chainId, long genesisMillis, long slotMillis, long epochLength) {
        this.chainId = chainId;
        this.slots = new Slots(genesisMillis, slotMillis);
        this.epochLength = epochLength;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of(EPOCH_LENGTH, "slots per epoch, 1 to " + MAX_EPOCH_LENGTH + " (default "
                + DEFAULT_EPOCH_LENGTH + "); the validators and the seed of epoch e are those of the last block "
                + "before epoch e-1");
    }

    @Override
    public PosEngine configure(Genesis genesis) {
        String text = genesis.engineParams().get(EPOCH_LENGTH);
        long length = DEFAULT_EPOCH_LENGTH;
        if (text != null) {
            try {
                length = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("engine.params." + EPOCH_LENGTH + " must be a whole number of "
                        + "slots, not '" + text + "'");
            }
            if (length < 1 || length > MAX_EPOCH_LENGTH) {
                throw new IllegalArgumentException("engine.params." + EPOCH_LENGTH + " must be from 1 to "
                        + MAX_EPOCH_LENGTH + " slots (a node keeps the states of " + ChainView.STATE_HISTORY
                        + " heights, and an epoch's validators come from up to two epochs back), not " + length);
            }
        }
        return new PosEngine(genesis.chainId(), genesis.timestamp(), genesis.blockTimeMillis(), length);
    }

    public long epochLength() {
        return epochLength;
    }

    /** The block reward, paid by the state transition ({@link PosRewards}). */
    @Override
    public mvpos.state.EngineHooks hooks(Genesis genesis) {
        return new PosRewards(genesis.blockReward());
    }

    @Override
    public long slotAt(long millis) {
        return slots.slotAt(millis);
    }

    public long epochOf(long slot) {
        return slot / epochLength;
    }

    // ------------------------------------------------------------------ the rules, as functions

    /**
     * The seed of slot {@code slot}'s draw: the first 8 bytes, big-endian, of
     * {@code SHA-256(epochSeed || slot)}, the slot as 8 bytes big-endian.
     */
    public static long proposerSeed(byte[] epochSeed, long slot) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(epochSeed);
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(slot).array());
        return ByteBuffer.wrap(digest.digest()).getLong();
    }

    /**
     * The index (in the sampler) of the proposer of {@code slot}: one stake-weighted draw from
     * {@code sampler} with a {@link HashDrbg} seeded by {@link #proposerSeed}. O(log n).
     *
     * @throws IllegalStateException when no validator has stake
     */
    public static int selectProposer(byte[] epochSeed, long slot, StakeSampler sampler) {
        return sampler.selectProposer(new HashDrbg(proposerSeed(epochSeed, slot)));
    }

    /** What a proposer signs as its reveal for {@code epoch} on the chain of {@code domain}. */
    public static byte[] revealMessage(mvpos.chain.ChainDomain domain, long epoch) {
        return domain.writeTo(CanonicalEncoder.tagged(REVEAL_TAG)).writeLong(epoch).toBytes();
    }

    /** The mix of a block: {@code SHA-256(parentMix || SHA-256(reveal))}. */
    public static byte[] nextMix(byte[] parentMix, byte[] reveal) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(parentMix);
        digest.update(Sha256.hash(reveal));
        return digest.digest();
    }

    /** The genesis block's mix: SHA-256 of the canonical encoding of the tag and the genesis block's hash. */
    public static byte[] genesisMix(byte[] genesisHash) {
        return CanonicalEncoder.tagged(GENESIS_MIX_TAG).writeBytes(genesisHash).sha256();
    }

    /** The RANDAO mix after a block, or empty when the header carries none (not a pos block). */
    public static Optional<byte[]> mixOf(Header header) {
        if (header.height() == 0) {
            return Optional.of(genesisMix(header.hash()));
        }
        byte[] data = header.engineData();
        if (data.length != ENGINE_DATA_BYTES) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(data, REVEAL_BYTES, ENGINE_DATA_BYTES));
    }

    /**
     * The validators of an epoch: the accounts of a state with stake, in address order, in a
     * {@link StakeSampler} built in O(n).
     */
    public static final class Validators {
        private final Address[] addresses;
        private final StakeSampler sampler;

        private Validators(Address[] addresses, StakeSampler sampler) {
            this.addresses = addresses;
            this.sampler = sampler;
        }

        /** The accounts of {@code state} with stake, in address order. */
        public static Validators of(State state) {
            List<Address> addresses = new ArrayList<>();
            long[][] stakes = {new long[16]};
            state.forEachAccount((address, account) -> {
                if (account.stake() > 0) {
                    int i = addresses.size();
                    if (i == stakes[0].length) {
                        stakes[0] = Arrays.copyOf(stakes[0], 2 * i);
                    }
                    stakes[0][i] = account.stake();
                    addresses.add(address);
                }
            });
            return new Validators(addresses.toArray(new Address[0]),
                    StakeSampler.of(Arrays.copyOf(stakes[0], addresses.size())));
        }

        public int size() {
            return addresses.length;
        }

        public Address address(int index) {
            return addresses[index];
        }

        public long stakeOf(int index) {
            return sampler.stakeOf(index);
        }

        /** The proposer of {@code slot} for an epoch with this seed ({@link PosEngine#selectProposer}). */
        public Address selectProposer(byte[] epochSeed, long slot) {
            return addresses[PosEngine.selectProposer(epochSeed, slot, sampler)];
        }
    }

    // ------------------------------------------------------------------ the chain

    /**
     * The proposer of {@code slot} on a block built on {@code parent}, or empty when this node cannot
     * tell (the boundary block or its state is not known, or no one has stake there).
     */
    public Optional<Address> proposerOf(ChainView chain, Header parent, long slot) {
        return Optional.ofNullable(select(chain, parent, slot).proposer());
    }

    /** The boundary block {@code B(epoch)} of the chain ending at {@code parent}, if its headers are known. */
    public Optional<Header> boundaryBlock(ChainView chain, Header parent, long epoch) {
        Boundary boundary = boundary(chain, parent, epoch);
        return boundary.problem() == null ? Optional.of(boundary.header()) : Optional.empty();
    }

    /** A proposer, or why there is none. */
    private record Selection(Address proposer, String problem) {
    }

    private Selection select(ChainView chain, Header parent, long slot) {
        LastSelection last = lastSelection;
        if (last != null && last.parent() == parent && last.slot() == slot) {
            return last.selection(); // the node's validators all ask about the same parent and slot
        }
        Selection selection = selectAnew(chain, parent, slot);
        if (selection.proposer() != null) { // a problem (a state not yet there) may be gone next time
            lastSelection = new LastSelection(parent, slot, selection);
        }
        return selection;
    }

    /** The last selection made, by the very parent header object it was made on, and the slot. */
    private record LastSelection(Header parent, long slot, Selection selection) {
    }

    private volatile LastSelection lastSelection;

    private Selection selectAnew(ChainView chain, Header parent, long slot) {
        Boundary boundary = boundary(chain, parent, epochOf(slot));
        if (boundary.problem() != null) {
            return new Selection(null, boundary.problem());
        }
        EpochDuties epoch = duties.get(boundary.hash());
        if (epoch == null) {
            Optional<State> state = chain.stateAfter(boundary.hash().bytes());
            if (state.isEmpty()) {
                return new Selection(null, "the state after boundary block " + describe(boundary)
                        + " is not available");
            }
            Optional<byte[]> seed = mixOf(boundary.header());
            if (seed.isEmpty()) {
                return new Selection(null, "boundary block " + describe(boundary) + " carries no randomness mix");
            }
            epoch = new EpochDuties(Validators.of(state.get()), seed.get());
            duties.put(boundary.hash(), epoch);
        }
        if (epoch.validators().size() == 0) {
            return new Selection(null, "no account has stake after boundary block " + describe(boundary));
        }
        return new Selection(epoch.validators().selectProposer(epoch.seed(), slot), null);
    }

    private record EpochDuties(Validators validators, byte[] seed) {
    }

    private record BoundaryKey(HashKey block, long slotLimit) {
    }

    /** A boundary block and its hash, or why it cannot be found. */
    private record Boundary(Header header, HashKey hash, String problem) {
    }

    /**
     * B(epoch): the most recent block, walking back from {@code parent} (included), whose slot is below
     * {@code max(1, firstSlot(epoch - 1))}; only genesis has slot 0, so for epochs 0 and 1 it is genesis.
     * Every block visited is remembered, so the walk from a new head stops at its parent.
     */
    private Boundary boundary(ChainView chain, Header parent, long epoch) {
        long slotLimit = Math.max(1, (epoch - 1) * epochLength);
        List<BoundaryKey> visited = new ArrayList<>();
        Header block = parent;
        Boundary found;
        while (true) {
            HashKey hash = HashKey.of(block.hash());
            if (block.slot() < slotLimit) {
                found = new Boundary(block, hash, null);
                break;
            }
            BoundaryKey key = new BoundaryKey(hash, slotLimit);
            Boundary known = boundaries.get(key);
            if (known != null) {
                found = known;
                break;
            }
            visited.add(key);
            Optional<Header> next = chain.header(block.parentHash());
            if (next.isEmpty() || block.height() == 0) {
                return new Boundary(null, null, "block " + hash.toString() + " (height " + block.height()
                        + ") has no known parent, so the boundary block of epoch " + epoch + " cannot be found");
            }
            block = next.get();
        }
        for (BoundaryKey key : visited) {
            boundaries.put(key, found);
        }
        return found;
    }

    private static String describe(Boundary boundary) {
        return Hex.encode(boundary.hash().bytes()) + " (height " + boundary.header().height() + ", slot "
                + boundary.header().slot() + ")";
    }

    // ------------------------------------------------------------------ the engine

    @Override
    public Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator) {
        long slot = slotAt(nowMillis);
        if (slot <= parent.slot()) {
            return Optional.empty();
        }
        Address proposer = select(chain, parent, slot).proposer();
        if (proposer == null || !proposer.equals(validator.address())) {
            return Optional.empty();
        }
        Optional<byte[]> parentMix = mixOf(parent);
        if (parentMix.isEmpty()) {
            return Optional.empty();
        }
        byte[] reveal = validator.sign(revealMessage(chain.domain(), epochOf(slot)));
        byte[] data = Arrays.copyOf(reveal, ENGINE_DATA_BYTES);
        System.arraycopy(nextMix(parentMix.get(), reveal), 0, data, REVEAL_BYTES, MIX_BYTES);
        return Optional.of(new Claim(slot, data));
    }

    @Override
    public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random,
                                 long attempts) {
        return Optional.of(ProposerSignature.seal(chain, validator, unsealed));
    }

    @Override
    public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis) {
        long slot = header.slot();
        Optional<SealRejection> timing = slots.checkSlot(parent, header, nowMillis);
        if (timing.isPresent()) {
            return timing;
        }
        byte[] data = header.engineData();
        if (data.length != ENGINE_DATA_BYTES) {
            return SealRejection.reject(SealRejection.Reason.MALFORMED_SEAL, "pos engine data has " + data.length
                    + " bytes, not " + ENGINE_DATA_BYTES + " (a " + REVEAL_BYTES + "-byte reveal and a " + MIX_BYTES
                    + "-byte mix)");
        }
        if (header.seal().length != ProposerSignature.SEAL_BYTES) {
            return SealRejection.reject(SealRejection.Reason.MALFORMED_SEAL, "the seal has " + header.seal().length
                    + " bytes, not " + ProposerSignature.SEAL_BYTES);
        }
        Selection selection = select(chain, parent, slot);
        if (selection.proposer() == null) {
            return SealRejection.reject(SealRejection.Reason.NOT_PROPOSER, "cannot tell who proposes slot " + slot + ": "
                    + selection.problem());
        }
        if (!selection.proposer().equals(header.proposer())) {
            return SealRejection.reject(SealRejection.Reason.NOT_PROPOSER, "slot " + slot + " belongs to " + selection.proposer()
                    + ", not " + header.proposer());
        }
        byte[] publicKey = ProposerSignature.publicKey(header);
        if (!Address.of(publicKey).equals(header.proposer())) {
            return SealRejection.reject(SealRejection.Reason.BAD_SIGNATURE, "sealed with the key of " + Address.of(publicKey)
                    + ", not of the proposer " + header.proposer());
        }
        Optional<byte[]> parentMix = mixOf(parent);
        if (parentMix.isEmpty()) {
            return SealRejection.reject(SealRejection.Reason.BAD_REVEAL, "the parent carries no randomness mix");
        }
        byte[] reveal = Arrays.copyOf(data, REVEAL_BYTES);
        byte[] mix = Arrays.copyOfRange(data, REVEAL_BYTES, ENGINE_DATA_BYTES);
        if (!Arrays.equals(mix, nextMix(parentMix.get(), reveal))) {
            return SealRejection.reject(SealRejection.Reason.BAD_REVEAL, "the mix is not SHA-256(parent mix || SHA-256(reveal))");
        }
        long epoch = epochOf(slot);
        if (!chain.verifySignature(publicKey, revealMessage(chain.domain(), epoch), reveal)) {
            return SealRejection.reject(SealRejection.Reason.BAD_REVEAL, "the reveal is not the proposer's signature of epoch "
                    + epoch);
        }
        return ProposerSignature.check(chain, header);
    }

    @Override
    public BigInteger weight(Header header) {
        return BigInteger.ONE;
    }


    private static <K, V> Map<K, V> lru(int entries) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > entries;
            }
        };
    }
}
