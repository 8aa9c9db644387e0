package mvpos.consensus;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;

/**
 * A consensus engine: who may produce the next block and how it proves it (the seal), and how much a
 * block weighs when the node chooses between forks. Everything else (transactions, state, storage,
 * network) is the same for every engine (see docs/architecture.md).
 *
 * <p>Engines are found by name with {@link java.util.ServiceLoader}: an engine is a public class with
 * a public no-argument constructor, listed in {@code META-INF/services/mvpos.consensus.ConsensusEngine}.
 * That instance only answers {@link #name()}, {@link #parameters()} and {@link #configure}; the node
 * works with the instance {@code configure} returns, bound to one chain's genesis. See
 * {@code docs/writing-an-engine.md}.
 *
 * <p>Engines are deterministic: time comes in as an argument, randomness from the {@link RandomSource}
 * given to {@link #seal}, and the chain through {@link ChainView}. A configured engine is used by one
 * node, from that node's loop only.
 */
public interface ConsensusEngine {

    /** How far ahead of a node's clock a block may be and still count as on time. */
    long MAX_CLOCK_DRIFT_MILLIS = 500;

    /** The name genesis ({@code engine.name}) and {@code --engine} use. */
    String name();

    /** The parameters this engine reads from genesis {@code engine.params}: name to meaning. */
    Map<String, String> parameters();

    /**
     * This engine bound to a chain: reads and checks its parameters from {@code genesis}.
     *
     * @throws IllegalArgumentException naming the parameter and what is wrong with it
     */
    ConsensusEngine configure(Genesis genesis);

    /** The slot an instant falls in (engines without slots may count anything, but must not go backwards). */
    long slotAt(long millis);

    /** What a validator may put on top of {@code parent}: the slot and the engine's data for the header. */
    record Claim(long slot, byte[] engineData) {
        public Claim {
            engineData = engineData.clone();
        }

        @Override
        public byte[] engineData() {
            return engineData.clone();
        }
    }

    /**
     * May {@code validator} produce a block on {@code parent} now? Empty when it may not (not its
     * turn, or it already could earlier in this slot only if the engine says so). The node fills in a
     * header with the claim, then calls {@link #seal}.
     */
    Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator);

    /**
     * Seals a header built from a {@link Claim}: signs it, or searches for a proof of work. An engine
     * that searches tries at most {@code attempts} candidates and returns empty when none fits;
     * engines that sign always succeed.
     */
    Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random, long attempts);

    /**
     * Why {@code header} may not follow {@code parent} by this engine's rules, or empty when its seal
     * is valid. {@code parent} is the header's parent (the node has checked the link, height, chain id
     * and engine name); {@code nowMillis} is the node's clock, for blocks that claim the future.
     */
    Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis);

    /**
     * Whether a validator that seals two different blocks for one slot equivocates (a slashable
     * offence, the nothing-at-stake attack): true for engines whose slots belong to someone; false for
     * proof of work, where mining again at the same height on another fork is normal.
     */
    default boolean oneBlockPerSlot() {
        return true;
    }

    /**
     * Whether a block is final once added (a BFT engine's commit): the chain never forks while the engine's
     * fault bound holds. The conformance suite then checks that a partition stalls a side rather than forking
     * it. False by default: the chain may fork and fork choice resolves it.
     */
    default boolean neverForks() {
        return false;
    }

    /**
     * What the block adds to its chain's weight for fork choice: the node follows the chain of greatest
     * total weight (most work for proof of work; one per block, the longest chain, for slot engines).
     */
    BigInteger weight(Header header);

    /**
     * The engine's rewards and penalties, applied by the pure state transition after each block and at
     * the engine's epoch boundaries ({@link mvpos.state.EngineHooks}). By default the proposer of each
     * block earns the genesis block reward.
     */
    default mvpos.state.EngineHooks hooks(Genesis genesis) {
        return mvpos.state.EngineHooks.fixedReward(genesis.blockReward());
    }

    /**
     * The protocol validator {@code validator} runs for this engine among its peers, for engines that
     * decide blocks in rounds of messages (a BFT engine); empty for engines whose proposer decides alone
     * ({@link #claim} and {@link #seal}), the default. Called once per validator node, on the configured
     * engine.
     */
    default java.util.Optional<EngineProtocol> protocol(KeyPair validator) {
        return java.util.Optional.empty();
    }
}
