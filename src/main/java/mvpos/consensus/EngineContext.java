package mvpos.consensus;

import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.Header;
import mvpos.chain.SlashingEvidence;
import mvpos.crypto.KeyPair;

/**
 * What a node gives its engine's {@link EngineProtocol}: its chain, its validator's key, a block builder
 * that keeps the chain's rules, the network (messages go through the same network as blocks), a timer,
 * and a way to report offences.
 */
public interface EngineContext {

    /** The node's chain: known headers and recent states. */
    ChainView chain();

    /** The node's head. */
    Header head();

    /** The validator's key. */
    KeyPair key();

    /** The chain's signing domain (chain id and genesis hash). */
    ChainDomain domain();

    /**
     * A block on the head with this slot and engine data, its transactions from the mempool, its state
     * root computed, sealed by the engine's {@link ConsensusEngine#seal} and checked by the node; not added
     * to the chain nor sent. Empty when the validator has already signed another block for this slot
     * (slashing protection).
     */
    Optional<Block> build(long slot, byte[] engineData, long nowMillis);

    /**
     * Why the node would refuse {@code block} on its parent (header rules, the engine's seal, the
     * transactions and the state root), or empty when it would add it. Nothing is added.
     */
    Optional<String> check(Block block, long nowMillis);

    /** Adds a block the protocol decided to the chain, and announces it to the peers; false if refused. */
    boolean commit(Block block, long nowMillis);

    /**
     * The validator's signature of {@code value} for {@code kind} at {@code position} (a vote or a proposal
     * of the protocol), through its slashing protection: empty when it signed a different value there
     * before (even before a restart), so an honest validator never equivocates.
     */
    Optional<mvpos.chain.SignedStatement> sign(String kind, long position, byte[] value);

    /**
     * The values this validator signed for {@code kind} at positions from {@code from} (inclusive) to
     * {@code to} (exclusive), by position, as its slashing protection recorded them: what a protocol
     * restarted from its store reads back to keep the promises it made before (a BFT lock). Empty when
     * nothing is recorded (or the driver keeps no record).
     */
    default java.util.SortedMap<Long, byte[]> signed(String kind, long from, long to) {
        return java.util.Collections.emptySortedMap();
    }

    /** Sends an engine message to every peer. */
    void broadcast(byte[] payload);

    /** Asks to be woken ({@link EngineProtocol#onTimer}) at or soon after {@code millis} on the node's clock. */
    void wakeAt(long millis);

    /** An offence the protocol saw: the node's validator sends the evidence in a slashing transaction. */
    void report(SlashingEvidence evidence);
}
