package mvpos.consensus.turns;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.PoaEngine;
import mvpos.consensus.SealRejection;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import mvpos.state.BlockContext;
import mvpos.state.EngineHooks;
import mvpos.state.Ledger;

/**
 * Accountable turns, the second worked example of {@code docs/writing-an-engine.md}: every staker signs
 * in turn, one slot each (proof of authority's rule, in address order), and the engine's hooks make the
 * turns accountable: the proposer earns the block reward, and each authority whose turn came and went
 * without a block (a slot skipped between the parent and this block) loses {@code missPenalty} tokens.
 * Genesis: {@code engine: {name: turns, params: {missPenalty: "5"}}}.
 */
public final class TurnsEngine implements ConsensusEngine {
    public static final String NAME = "turns";
    public static final String MISS_PENALTY = "missPenalty";
    public static final long DEFAULT_MISS_PENALTY = 5;

    private final PoaEngine turns;
    private final long missPenalty;

    /** The unconfigured engine that {@link java.util.ServiceLoader} makes. */
    public TurnsEngine() {
        this(new PoaEngine(), DEFAULT_MISS_PENALTY);
    }

    private TurnsEngine(PoaEngine turns, long missPenalty) {
        this.turns = turns;
        this.missPenalty = missPenalty;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of(MISS_PENALTY, "tokens an authority loses for each of its slots left empty, 0 or more (default "
                + DEFAULT_MISS_PENALTY + ")");
    }

    @Override
    public TurnsEngine configure(Genesis genesis) {
        String text = genesis.engineParams().getOrDefault(MISS_PENALTY, Long.toString(DEFAULT_MISS_PENALTY));
        long penalty;
        try {
            penalty = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("engine.params." + MISS_PENALTY + " must be a whole number, got '"
                    + text + "'");
        }
        if (penalty < 0) {
            throw new IllegalArgumentException("engine.params." + MISS_PENALTY + " must be 0 or more, got " + penalty);
        }
        // The authorities: every staker, in address order (proof of authority's turn rule does the rest).
        Map<String, String> poa = new TreeMap<>();
        poa.put(PoaEngine.AUTHORITIES, String.join(",", genesis.accounts().entrySet().stream()
                .filter(e -> e.getValue().stake() > 0).map(e -> e.getKey().toString()).toList()));
        return new TurnsEngine(new PoaEngine().configure(genesis.withEngine(PoaEngine.NAME, poa)), penalty);
    }

    /** The rewards and penalties, applied by the state transition after each block. */
    @Override
    public EngineHooks hooks(Genesis genesis) {
        long reward = genesis.blockReward();
        return new EngineHooks() {
            @Override
            public void afterBlock(BlockContext block, Ledger ledger) {
                ledger.reward(block.proposer(), reward);
                for (long missed = block.parentSlot() + 1; missed < block.slot(); missed++) {
                    ledger.penalize(turns.authorityOf(missed), missPenalty);
                }
            }
        };
    }

    @Override
    public long slotAt(long millis) {
        return turns.slotAt(millis);
    }

    @Override
    public Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator) {
        return turns.claim(chain, parent, nowMillis, validator);
    }

    @Override
    public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random,
                                 long attempts) {
        return turns.seal(chain, unsealed, validator, random, attempts);
    }

    @Override
    public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis) {
        return turns.verifySeal(chain, parent, header, nowMillis);
    }

    @Override
    public BigInteger weight(Header header) {
        return turns.weight(header);
    }
}
