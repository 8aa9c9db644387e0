package mvpos.consensus;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.crypto.HashKey;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import mvpos.crypto.Sha256;

/**
 * Nakamoto proof of work over SHA-256: anyone may mine on any block at any time; a block is valid
 * when its hash ({@link Header#hash()}, the seal included), read as an unsigned 256-bit integer, is at
 * most {@link #targetOf(long) target} {@code = floor((2^256 - 1) / difficulty)}. The difficulty is
 * the number of hashes a miner expects to try. Fork choice follows the chain of most work: a block
 * weighs its difficulty.
 *
 * <p>Header fields: {@code engineData} is the difficulty (8 bytes, big-endian, positive), the seal is
 * the nonce (8 bytes, big-endian). There are no slots: a block's slot is its parent's plus one, so
 * slot equals height. The proposer (the miner's reward address) is covered by the hash, so a found
 * block cannot be claimed by someone else; mining needs no key.
 *
 * <p><b>Retargeting</b> ({@link #difficultyAfter}), with {@code W} the retarget window and
 * {@code T} genesis's block time, for a child of {@code parent}:
 * <ol>
 *   <li>while {@code parent.height < W}: the initial difficulty;</li>
 *   <li>otherwise {@code work} = the sum of the difficulties of the last {@code W} blocks ending at
 *       {@code parent}, and {@code actual} = {@code parent.timestamp - a.timestamp}, {@code a} the
 *       ancestor {@code W} blocks below {@code parent}, clamped to
 *       {@code [max(1, W*T/4), W*T*4]};</li>
 *   <li>{@code next = floor(work * T / actual)}: the work those blocks did per block time (with a
 *       constant difficulty {@code D} this is {@code D * W*T / actual});</li>
 *   <li>clamped to {@code [max(1, floor(parentDifficulty / 4)), min(parentDifficulty * 4, 2^63 - 1)]},
 *       so no step moves the difficulty more than four times up or down, below 1 or past a long.</li>
 * </ol>
 * Integer arithmetic only, so every node computes the same value. Averaging the window's work,
 * rather than scaling the parent's difficulty by the window's pace, keeps a per-block retarget from
 * compounding the same measurement {@code W} times and overshooting.
 *
 * <p>Genesis: {@code engine: {name: pow, params: {difficulty: "1000", retargetWindow: "16"}}}, both
 * optional. The genesis header carries no difficulty: {@link #difficultyOf} gives it the initial
 * difficulty, and it weighs 0 (no work found it, and every chain shares it).
 */
public final class PowEngine implements ConsensusEngine {
    public static final String NAME = "pow";
    public static final String DIFFICULTY = "difficulty";
    public static final String RETARGET_WINDOW = "retargetWindow";
    public static final long DEFAULT_DIFFICULTY = 1000;
    public static final int DEFAULT_RETARGET_WINDOW = 16;
    /** The largest retarget window: each verification walks that many ancestors. */
    public static final int MAX_RETARGET_WINDOW = 10_000;
    /** The most a retarget moves the difficulty, up or down, in one block. */
    public static final int MAX_ADJUSTMENT = 4;
    /** Length of {@code engineData}: the difficulty, a big-endian long. */
    public static final int DIFFICULTY_BYTES = Long.BYTES;
    /** Length of the seal: the nonce, a big-endian long. */
    public static final int NONCE_BYTES = Long.BYTES;

    private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger FOUR = BigInteger.valueOf(MAX_ADJUSTMENT);

    private final long initialDifficulty;
    private final int retargetWindow;
    private final long genesisMillis;
    private final long blockTimeMillis;

    /** The unconfigured engine that {@link java.util.ServiceLoader} makes. */
    public PowEngine() {
        this(DEFAULT_DIFFICULTY, DEFAULT_RETARGET_WINDOW, 0, 1);
    }

    private PowEngine(long initialDifficulty, int retargetWindow, long genesisMillis, long blockTimeMillis) {
        this.initialDifficulty = initialDifficulty;
        this.retargetWindow = retargetWindow;
        this.genesisMillis = genesisMillis;
        this.blockTimeMillis = blockTimeMillis;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of(
                DIFFICULTY, "the difficulty of the first blocks: the hashes a miner expects to try per block,"
                        + " a positive whole number (default " + DEFAULT_DIFFICULTY + ")",
                RETARGET_WINDOW, "how many recent blocks set the next difficulty (their work over their time),"
                        + " 1 to " + MAX_RETARGET_WINDOW + " (default " + DEFAULT_RETARGET_WINDOW + ")");
    }

    @Override
    public PowEngine configure(Genesis genesis) {
        Map<String, String> params = genesis.engineParams();
        long difficulty = parse(params, DIFFICULTY, DEFAULT_DIFFICULTY, Long.MAX_VALUE, "a positive whole number");
        long window = parse(params, RETARGET_WINDOW, DEFAULT_RETARGET_WINDOW, MAX_RETARGET_WINDOW,
                "a whole number from 1 to " + MAX_RETARGET_WINDOW);
        return new PowEngine(difficulty, (int) window, genesis.timestamp(), genesis.blockTimeMillis());
    }

    /** A parameter in {@code [1, max]}, or its default when absent. */
    private static long parse(Map<String, String> params, String name, long defaultValue, long max, String rule) {
        String text = params.get(name);
        if (text == null) {
            return defaultValue;
        }
        String digits = text.strip();
        long value;
        try {
            value = digits.matches("[0-9]{1,19}") ? Long.parseLong(digits) : 0;
        } catch (NumberFormatException e) { // 19 digits above 2^63 - 1
            value = 0;
        }
        if (value < 1 || value > max) {
            throw new IllegalArgumentException("engine.params." + name + " must be " + rule + ", not '" + text + "'");
        }
        return value;
    }

    /** The difficulty of the first blocks, from genesis. */
    public long initialDifficulty() {
        return initialDifficulty;
    }

    /** How many blocks a retarget looks back over. */
    public int retargetWindow() {
        return retargetWindow;
    }

    /**
     * Informational only (proof of work has no slots): whole block times since genesis, 0 before it.
     */
    @Override
    public long slotAt(long millis) {
        return millis < genesisMillis ? 0 : (millis - genesisMillis) / blockTimeMillis;
    }

    /** Anyone may mine on any block at any time: the next slot, at the difficulty the parent requires. */
    @Override
    public Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator) {
        return Optional.of(new Claim(parent.slot() + 1, encodeDifficulty(difficultyAfter(chain, parent))));
    }

    /**
     * Searches for a nonce: starts at {@code random.nextLong()} and tries up to {@code attempts}
     * consecutive nonces (wrapping past {@code 2^63 - 1}); the first header whose hash meets the
     * target of its difficulty ({@code engineData}), or empty. The validator's key is not used.
     *
     * @throws IllegalArgumentException when {@code unsealed} carries no valid difficulty
     */
    @Override
    public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random,
                                 long attempts) {
        Objects.requireNonNull(random, "the pow engine needs a RandomSource for its first nonce");
        long difficulty = difficultyOf(unsealed);
        if (attempts <= 0) {
            return Optional.empty();
        }
        byte[] target = targetBytes(difficulty);
        // The encoding ends with the seal, so only its last NONCE_BYTES change from one try to the next.
        byte[] encoding = unsealed.withSeal(new byte[NONCE_BYTES]).encode();
        ByteBuffer nonceField = ByteBuffer.wrap(encoding);
        int nonceAt = encoding.length - NONCE_BYTES;
        MessageDigest digest = Sha256.newDigest();
        byte[] hash = new byte[Sha256.LENGTH];
        long nonce = random.nextLong();
        for (long tried = 0; tried < attempts; tried++, nonce++) {
            nonceField.putLong(nonceAt, nonce);
            digest.update(encoding);
            try {
                digest.digest(hash, 0, Sha256.LENGTH);
            } catch (DigestException e) {
                throw new IllegalStateException("SHA-256 digest does not fit 32 bytes", e);
            }
            if (Arrays.compareUnsigned(hash, target) <= 0) {
                Header sealed = unsealed.withSeal(encodeLong(nonce));
                if (!Arrays.equals(sealed.hash(), hash)) {
                    throw new IllegalStateException("a header's encoding no longer ends with its seal");
                }
                return Optional.of(sealed);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks, in order: a readable difficulty and nonce ({@code MALFORMED_SEAL}), slot = parent's + 1
     * ({@code WRONG_SLOT}), a timestamp after the parent's and at most {@link #MAX_CLOCK_DRIFT_MILLIS}
     * ahead of {@code nowMillis} ({@code BAD_TIMESTAMP}), the difficulty the parent requires
     * ({@code WRONG_DIFFICULTY}), and the hash within its target ({@code INSUFFICIENT_WORK}).
     *
     * @throws IllegalStateException when an ancestor within the retarget window is not in {@code chain}
     */
    @Override
    public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis) {
        byte[] engineData = header.engineData();
        if (engineData.length != DIFFICULTY_BYTES) {
            return SealRejection.reject(SealRejection.Reason.MALFORMED_SEAL, "the engine data has " + engineData.length
                    + " bytes, not " + DIFFICULTY_BYTES + " (the difficulty)");
        }
        long difficulty = ByteBuffer.wrap(engineData).getLong();
        if (difficulty <= 0) {
            return SealRejection.reject(SealRejection.Reason.MALFORMED_SEAL, "difficulty " + difficulty + " is not positive");
        }
        int sealLength = header.seal().length;
        if (sealLength != NONCE_BYTES) {
            return SealRejection.reject(SealRejection.Reason.MALFORMED_SEAL, "the seal has " + sealLength + " bytes, not "
                    + NONCE_BYTES + " (the nonce)");
        }
        if (header.slot() != parent.slot() + 1) {
            return SealRejection.reject(SealRejection.Reason.WRONG_SLOT, "slot " + header.slot() + " is not its parent's slot "
                    + parent.slot() + " plus one");
        }
        if (header.timestamp() <= parent.timestamp()) {
            return SealRejection.reject(SealRejection.Reason.BAD_TIMESTAMP, "timestamp " + header.timestamp()
                    + " is not after its parent's " + parent.timestamp());
        }
        if (header.timestamp() > nowMillis + MAX_CLOCK_DRIFT_MILLIS) {
            return SealRejection.reject(SealRejection.Reason.BAD_TIMESTAMP, "timestamp " + header.timestamp() + " is "
                    + (header.timestamp() - nowMillis) + " ms ahead of this node's clock (at most "
                    + MAX_CLOCK_DRIFT_MILLIS + ")");
        }
        long required = difficultyAfter(chain, parent);
        if (difficulty != required) {
            return SealRejection.reject(SealRejection.Reason.WRONG_DIFFICULTY, "difficulty " + difficulty
                    + ", but its parent requires " + required);
        }
        if (!meetsTarget(header.hash(), difficulty)) {
            return SealRejection.reject(SealRejection.Reason.INSUFFICIENT_WORK, "hash " + header.hashHex()
                    + " is above the target for difficulty " + difficulty);
        }
        return Optional.empty();
    }

    /** A verified block's difficulty, the work expected to find it; the genesis block weighs 0. */
    /** Mining again at a height on another fork is normal work, not equivocation. */
    @Override
    public boolean oneBlockPerSlot() {
        return false;
    }

    @Override
    public BigInteger weight(Header header) {
        return isGenesis(header) ? BigInteger.ZERO : BigInteger.valueOf(difficultyOf(header));
    }

    /**
     * The difficulty a child of {@code parent} must carry: the rule in this class's description.
     *
     * @throws IllegalStateException when an ancestor within the window is not in {@code chain}
     */
    public long difficultyAfter(ChainView chain, Header parent) {
        if (parent.height() < retargetWindow) {
            return initialDifficulty;
        }
        Retarget key = new Retarget(parent.hashKey(), initialDifficulty, retargetWindow, blockTimeMillis);
        Retargeted known = RETARGETS.get(key);
        if (known != null && chain.header(known.oldestHash()).isPresent()) {
            return known.difficulty();
        }
        Retargeted computed = retarget(chain, parent);
        RETARGETS.put(key, computed);
        return computed.difficulty();
    }

    /**
     * A retarget's inputs: the parent (whose hash commits to every ancestor's timestamp and difficulty) and
     * the engine's parameters.
     */
    private record Retarget(HashKey parent, long initialDifficulty, int window, long blockTimeMillis) {
    }

    /** A retarget's answer, and the oldest ancestor it read (a chain that holds it holds the whole window). */
    private record Retargeted(long difficulty, byte[] oldestHash) {
    }

    /**
     * Recent retargets, shared by every engine in the process: the answer is a function of the parent's hash
     * and the parameters, and a simulated network of thousands of nodes asks it once per node for each block.
     * Used only when the asking chain holds the window's oldest block, as the walk would need.
     */
    private static final Map<Retarget, Retargeted> RETARGETS = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Retarget, Retargeted> eldest) {
                    return size() > 1_024;
                }
            });

    private Retargeted retarget(ChainView chain, Header parent) {
        BigInteger work = BigInteger.ZERO;
        Header oldest = parent;
        for (int i = 0; i < retargetWindow; i++) {
            work = work.add(BigInteger.valueOf(difficultyOf(oldest)));
            Header child = oldest;
            oldest = chain.header(child.parentHash()).orElseThrow(() -> new IllegalStateException(
                    "the parent of block " + child.height() + " (" + child.hashHex() + ") is not in the chain"));
        }
        BigInteger expected = BigInteger.valueOf(retargetWindow).multiply(BigInteger.valueOf(blockTimeMillis));
        BigInteger actual = clamp(BigInteger.valueOf(parent.timestamp()).subtract(BigInteger.valueOf(oldest.timestamp())),
                expected.divide(FOUR).max(BigInteger.ONE), expected.multiply(FOUR));
        BigInteger next = work.multiply(BigInteger.valueOf(blockTimeMillis)).divide(actual);
        BigInteger parentDifficulty = BigInteger.valueOf(difficultyOf(parent));
        return new Retargeted(clamp(next, parentDifficulty.divide(FOUR).max(BigInteger.ONE),
                parentDifficulty.multiply(FOUR).min(MAX_LONG)).longValueExact(), oldest.hash());
    }

    /**
     * A header's difficulty, from its engine data; the genesis header's is the initial difficulty.
     *
     * @throws IllegalArgumentException when the engine data is not a positive 8-byte difficulty
     */
    public long difficultyOf(Header header) {
        if (isGenesis(header)) {
            return initialDifficulty;
        }
        byte[] engineData = header.engineData();
        long difficulty = engineData.length == DIFFICULTY_BYTES ? ByteBuffer.wrap(engineData).getLong() : 0;
        if (difficulty <= 0) {
            throw new IllegalArgumentException("block " + header.height() + " carries no positive "
                    + DIFFICULTY_BYTES + "-byte difficulty: " + Hex.encode(engineData));
        }
        return difficulty;
    }

    /** The proof-of-work target of a difficulty: {@code floor((2^256 - 1) / difficulty)}. */
    public static BigInteger targetOf(long difficulty) {
        if (difficulty <= 0) {
            throw new IllegalArgumentException("a difficulty must be positive, not " + difficulty);
        }
        return MAX_HASH.divide(BigInteger.valueOf(difficulty));
    }

    /** Whether {@code hash}, as an unsigned 256-bit integer, is at most the target of {@code difficulty}. */
    public static boolean meetsTarget(byte[] hash, long difficulty) {
        return Arrays.compareUnsigned(hash, targetBytes(difficulty)) <= 0;
    }

    /** The engine data that carries a difficulty. */
    public static byte[] encodeDifficulty(long difficulty) {
        return encodeLong(difficulty);
    }

    /** The target as 32 big-endian bytes, comparable with a hash by {@link Arrays#compareUnsigned}. */
    private static byte[] targetBytes(long difficulty) {
        byte[] minimal = targetOf(difficulty).toByteArray(); // may carry a leading sign byte, or be shorter
        byte[] target = new byte[Sha256.LENGTH];
        int length = Math.min(minimal.length, Sha256.LENGTH);
        System.arraycopy(minimal, minimal.length - length, target, Sha256.LENGTH - length, length);
        return target;
    }

    private static boolean isGenesis(Header header) {
        return header.height() == 0 && header.engineData().length == 0;
    }

    private static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static BigInteger clamp(BigInteger value, BigInteger min, BigInteger max) {
        return value.max(min).min(max);
    }

}
