package mvpos.consensus.luck;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.codec.CanonicalEncoder;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.ProposerSignature;
import mvpos.consensus.SealRejection;
import mvpos.consensus.SealRejection.Reason;
import mvpos.crypto.Address;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;

/**
 * Proof of luck, the worked example of {@code docs/writing-an-engine.md}: in each slot, a validator
 * whose luck (a hash of parent, slot and address; lower is luckier) is below 2^256 / odds may produce
 * and sign a block, which weighs 2^256 - luck. Genesis: {@code engine: {name: luck, params: {odds: "4"}}}.
 */
public final class LuckEngine implements ConsensusEngine {
    public static final String NAME = "luck";
    public static final String ODDS = "odds";
    public static final long DEFAULT_ODDS = 4;
    private static final BigInteger TWO_TO_256 = BigInteger.ONE.shiftLeft(256);

    private final long genesisMillis;
    private final long slotMillis;
    private final BigInteger threshold;

    /** The unconfigured engine that {@link java.util.ServiceLoader} makes. */
    public LuckEngine() {
        this(0, 1, BigInteger.ZERO);
    }

    private LuckEngine(long genesisMillis, long slotMillis, BigInteger threshold) {
        this.genesisMillis = genesisMillis;
        this.slotMillis = slotMillis;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of(ODDS, "about 1 validator in this many may produce in a slot: a whole number >= 1 (default "
                + DEFAULT_ODDS + ")");
    }

    @Override
    public LuckEngine configure(Genesis genesis) {
        for (String key : genesis.engineParams().keySet()) {
            if (!parameters().containsKey(key)) {
                throw new IllegalArgumentException("engine.params." + key + ": the luck engine has no such parameter"
                        + " (it knows " + String.join(", ", parameters().keySet()) + ")");
            }
        }
        String text = genesis.engineParams().getOrDefault(ODDS, Long.toString(DEFAULT_ODDS));
        long odds;
        try {
            odds = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("engine.params." + ODDS + " must be a whole number, got '" + text + "'");
        }
        if (odds < 1) {
            throw new IllegalArgumentException("engine.params." + ODDS + " must be at least 1, got " + odds);
        }
        return new LuckEngine(genesis.timestamp(), genesis.blockTimeMillis(),
                TWO_TO_256.divide(BigInteger.valueOf(odds)));
    }

    /** The luck of {@code validator} for a block in {@code slot} on the block {@code parentHash}: lower is luckier. */
    public static BigInteger luck(byte[] parentHash, long slot, Address validator) {
        return new BigInteger(1, CanonicalEncoder.tagged("mvpos.luck.v1").writeBytes(parentHash).writeLong(slot)
                .writeBytes(validator.bytes()).sha256());
    }

    /** Whether a luck lets its validator produce: below 2^256 / odds. */
    public boolean lucky(BigInteger luck) {
        return luck.compareTo(threshold) < 0;
    }

    @Override
    public long slotAt(long millis) {
        return millis < genesisMillis ? 0 : (millis - genesisMillis) / slotMillis;
    }

    @Override
    public Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator) {
        long slot = slotAt(nowMillis);
        if (slot <= parent.slot() || !hasStake(chain, parent, validator.address())
                || !lucky(luck(parent.hash(), slot, validator.address()))) {
            return Optional.empty();
        }
        return Optional.of(new Claim(slot, new byte[0]));
    }

    @Override
    public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random,
                                 long attempts) {
        return Optional.of(ProposerSignature.seal(chain, validator, unsealed));
    }

    @Override
    public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis) {
        long slot = header.slot();
        if (slot <= parent.slot()) {
            return reject(Reason.WRONG_SLOT, "slot " + slot + " is not after its parent's slot " + parent.slot());
        }
        if (slot > slotAt(nowMillis + MAX_CLOCK_DRIFT_MILLIS)) {
            return reject(Reason.FUTURE_SLOT, "slot " + slot + " has not begun (now slot " + slotAt(nowMillis) + ")");
        }
        if (slotAt(header.timestamp()) != slot) {
            return reject(Reason.BAD_TIMESTAMP, "timestamp " + header.timestamp() + " is not in slot " + slot);
        }
        if (header.engineData().length != 0) {
            return reject(Reason.MALFORMED_SEAL, "luck headers carry no engine data");
        }
        if (!hasStake(chain, parent, header.proposer())) {
            return reject(Reason.NOT_PROPOSER, header.proposer() + " has no stake after the parent block");
        }
        if (!lucky(luck(header.parentHash(), slot, header.proposer()))) {
            return reject(Reason.NOT_PROPOSER, header.proposer() + " is not lucky enough in slot " + slot);
        }
        return ProposerSignature.check(chain, header);
    }

    @Override
    public BigInteger weight(Header header) {
        return TWO_TO_256.subtract(luck(header.parentHash(), header.slot(), header.proposer()));
    }

    private static boolean hasStake(ChainView chain, Header parent, Address address) {
        return chain.stateAfter(parent.hash()).map(state -> state.account(address).stake() > 0).orElse(false);
    }

    private static Optional<SealRejection> reject(Reason reason, String detail) {
        return Optional.of(SealRejection.of(reason, detail));
    }
}
