package mvpos.consensus.bft;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.EngineProtocol;
import mvpos.consensus.ProposerSignature;
import mvpos.consensus.SealRejection;
import mvpos.crypto.HashKey;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;

/**
 * Byzantine fault tolerant consensus in the style of Tendermint (Buchman, Kwon and Milosevic, "The latest
 * gossip on BFT consensus", 2018): for each height, rounds of propose, prevote and precommit among the
 * staked validators ({@link BftValidators}), with locking, timeouts that grow with the round, and
 * stake-weighted quorums of more than two thirds. A block is added once more than two thirds of the stake
 * precommitted it, so the chain never forks while less than a third of the stake is byzantine, and keeps
 * growing while more than two thirds is online. The rounds run in {@link Tendermint}, the validator's
 * {@link EngineProtocol}; this class holds the rules every node checks.
 *
 * <p>A block's header: slot = height x {@link BftMessage#ROUNDS} + the round it was proposed in; the
 * proposer is that round's ({@link BftValidators#proposer}); the engine data is the round and the
 * {@link CommitCertificate} of the parent; the seal is the proposer's signature. Two different blocks
 * signed for one round are equivocation (slashable); so are two different prevotes or precommits of one
 * validator for one round ({@link mvpos.chain.SlashingEvidence.StatementPair}).
 *
 * <p>Genesis: {@code engine: {name: bft, params: {roundTimeoutMillis: "1000", timeoutIncreaseMillis: "500"}}};
 * the next height's first round starts one block time (genesis {@code blockTime}) after the last block.
 */
public final class BftEngine implements ConsensusEngine {
    public static final String NAME = "bft";
    public static final String ROUND_TIMEOUT = "roundTimeoutMillis";
    public static final String TIMEOUT_INCREASE = "timeoutIncreaseMillis";
    private static final String DATA_TAG = "mvpos.bft.data.v1";
    private static final long MAX_TIMEOUT_MILLIS = 3_600_000;

    private final long blockTimeMillis;
    private final long roundTimeoutMillis;
    private final long timeoutIncreaseMillis;
    /** The validators of recent heights, by the hash of the block they build on (this node's own cache). */
    private final Map<HashKey, BftValidators> validatorsAfter = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<HashKey, BftValidators> eldest) {
            return size() > 64;
        }
    };

    /** The unconfigured engine that {@link java.util.ServiceLoader} makes. */
    public BftEngine() {
        this(1_000, 1_000, 500);
    }

    private BftEngine(long blockTimeMillis, long roundTimeoutMillis, long timeoutIncreaseMillis) {
        this.blockTimeMillis = blockTimeMillis;
        this.roundTimeoutMillis = roundTimeoutMillis;
        this.timeoutIncreaseMillis = timeoutIncreaseMillis;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of(ROUND_TIMEOUT, "how long, in milliseconds, round 0 waits for a proposal and for each vote"
                        + " quorum (default: the block time)",
                TIMEOUT_INCREASE, "how much longer, in milliseconds, each later round waits (default: half the"
                        + " round timeout)");
    }

    @Override
    public BftEngine configure(Genesis genesis) {
        if (!Genesis.NO_FINALITY.equals(genesis.finality())) {
            throw new IllegalArgumentException("the bft engine commits every block final itself; it runs without a"
                    + " finality gadget (finality '" + genesis.finality() + "' is not for it)");
        }
        long blockTime = genesis.blockTimeMillis();
        long timeout = millis(genesis, ROUND_TIMEOUT, Math.max(1, blockTime), 1);
        long increase = millis(genesis, TIMEOUT_INCREASE, Math.max(1, timeout / 2), 0);
        return new BftEngine(blockTime, timeout, increase);
    }

    private static long millis(Genesis genesis, String name, long fallback, long least) {
        String text = genesis.engineParams().get(name);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("engine.params." + name + " must be a whole number of milliseconds, got '"
                    + text + "'");
        }
        if (value < least || value > MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException("engine.params." + name + " must be between " + least + " and "
                    + MAX_TIMEOUT_MILLIS + " milliseconds, got " + value);
        }
        return value;
    }

    /** How long round {@code round} waits for a proposal, or for a quorum of votes to become decisive. */
    public long timeout(int round) {
        return roundTimeoutMillis + timeoutIncreaseMillis * round;
    }

    /** How long after a block the next height's first round starts. */
    public long blockTimeMillis() {
        return blockTimeMillis;
    }

    /** The validators of the height after {@code block} (in its state), or empty when its state is not known. */
    public Optional<BftValidators> validatorsAfter(ChainView chain, byte[] block) {
        HashKey key = HashKey.of(block);
        BftValidators cached = validatorsAfter.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<BftValidators> validators = chain.stateAfter(block).map(BftValidators::of);
        validators.ifPresent(v -> validatorsAfter.put(key, v));
        return validators;
    }

    /** A bft header's engine data: the round and the parent's commit certificate (none for height 1). */
    public record Data(int round, Optional<CommitCertificate> parentCommit) {
        public byte[] encode() {
            return CanonicalEncoder.tagged(DATA_TAG).writeInt(round)
                    .writeBytes(parentCommit.map(CommitCertificate::encode).orElse(new byte[0])).toBytes();
        }

        public static Data decode(byte[] bytes) {
            CanonicalDecoder in = CanonicalDecoder.tagged(bytes, DATA_TAG);
            int round = in.readInt();
            byte[] commit = in.readBytes();
            in.end();
            if (round < 0 || round >= BftMessage.ROUNDS) {
                throw new MalformedEncodingException("round " + round);
            }
            return new Data(round, commit.length == 0 ? Optional.empty() : Optional.of(CommitCertificate.decode(commit)));
        }
    }

    /** Engines without slots count anything that never goes back: bft's slots are heights and rounds, not time. */
    @Override
    public long slotAt(long millis) {
        return 0;
    }

    /** Blocks come from the rounds of {@link Tendermint}, never from a validator's tick alone. */
    @Override
    public Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator) {
        return Optional.empty();
    }

    @Override
    public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random,
                                 long attempts) {
        return Optional.of(ProposerSignature.seal(chain, validator, unsealed));
    }

    @Override
    public Optional<EngineProtocol> protocol(KeyPair validator) {
        return Optional.of(new Tendermint(this));
    }

    @Override
    public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis) {
        Data data;
        try {
            data = Data.decode(header.engineData());
        } catch (MalformedEncodingException e) {
            return SealRejection.reject(SealRejection.Reason.MALFORMED_SEAL, "bft engine data: " + e.getMessage());
        }
        if (header.slot() != BftMessage.position(header.height(), data.round())) {
            return SealRejection.reject(SealRejection.Reason.WRONG_SLOT, "slot " + header.slot() + " is not height "
                    + header.height() + " round " + data.round());
        }
        if (header.timestamp() > nowMillis + MAX_CLOCK_DRIFT_MILLIS) {
            return SealRejection.reject(SealRejection.Reason.FUTURE_SLOT, "timestamp " + header.timestamp()
                    + " is ahead of the clock (" + nowMillis + ")");
        }
        Optional<BftValidators> validators = validatorsAfter(chain, parent.hash());
        if (validators.isEmpty() || validators.get().totalStake() == 0) {
            return SealRejection.reject(SealRejection.Reason.NOT_PROPOSER, "no validator set after block "
                    + parent.height());
        }
        if (!header.proposer().equals(validators.get().proposer(header.height(), data.round()))) {
            return SealRejection.reject(SealRejection.Reason.NOT_PROPOSER, "round " + data.round() + " of height "
                    + header.height() + " belongs to " + validators.get().proposer(header.height(), data.round()));
        }
        Optional<SealRejection> commit = checkParentCommit(chain, parent, data);
        if (commit.isPresent()) {
            return commit;
        }
        return ProposerSignature.check(chain, header);
    }

    /** The parent (unless genesis) must come with the precommits of more than two thirds of its height's stake. */
    private Optional<SealRejection> checkParentCommit(ChainView chain, Header parent, Data data) {
        if (parent.height() == 0) {
            return data.parentCommit().isEmpty() ? Optional.empty() : SealRejection.reject(
                    SealRejection.Reason.BAD_CERTIFICATE, "the first block carries no commit of genesis");
        }
        if (data.parentCommit().isEmpty()) {
            return SealRejection.reject(SealRejection.Reason.BAD_CERTIFICATE, "no commit of the parent, block "
                    + parent.height());
        }
        Optional<BftValidators> parentValidators = validatorsAfter(chain, parent.parentHash());
        if (parentValidators.isEmpty()) {
            return SealRejection.reject(SealRejection.Reason.BAD_CERTIFICATE, "the validators of block "
                    + parent.height() + " are not known here");
        }
        return data.parentCommit().get().whyNotCommit(chain, parentValidators.get(), parent.height(), parent.hash())
                .map(problem -> SealRejection.of(SealRejection.Reason.BAD_CERTIFICATE, "the commit of block "
                        + parent.height() + ": " + problem));
    }

    /** A block is added once committed by more than two thirds of the stake: final, the chain never forks. */
    @Override
    public boolean neverForks() {
        return true;
    }

    /** One per block: bft never forks, so every rule that counts blocks agrees with it. */
    @Override
    public BigInteger weight(Header header) {
        return BigInteger.ONE;
    }
}
