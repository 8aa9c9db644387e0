package mvpos.consensus;

/**
 * The protocol an engine runs among validators when a block cannot be decided by its proposer alone:
 * rounds of proposals and votes with timeouts, as a BFT engine (Tendermint, HotStuff, QBFT) does. The
 * node gives one instance to each validator ({@link ConsensusEngine#protocol}), hands it the engine's
 * messages from peers and wakes it when a timer it asked for is due, always on the node's loop, one event
 * at a time; it reaches the network, the timer and the chain through its {@link EngineContext}.
 *
 * <p>Like the engine, a protocol is deterministic: time comes in as an argument, and it must not read
 * the clock, draw unseeded randomness or depend on hash codes.
 */
public interface EngineProtocol {

    /**
     * An engine message from a peer (or, when the network loops broadcasts back, from this node). Returns
     * true when it was new and well formed, so that on a partial mesh the node relays it to its peers.
     */
    boolean onMessage(EngineContext context, byte[] payload, long nowMillis);

    /**
     * Time passed or the chain changed (a timer asked for with {@link EngineContext#wakeAt} is due, the
     * node's timer ticked, or a block arrived): act on timeouts and on a new head.
     */
    void onTimer(EngineContext context, long nowMillis);
}
