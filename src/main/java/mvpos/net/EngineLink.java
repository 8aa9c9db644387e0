package mvpos.net;

import java.util.Optional;
import java.util.function.LongConsumer;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.ChainStore;
import mvpos.chain.Header;
import mvpos.chain.SlashingEvidence;
import mvpos.consensus.ChainView;
import mvpos.consensus.EngineContext;
import mvpos.consensus.EngineProtocol;
import mvpos.crypto.KeyPair;
import mvpos.node.NodeCore;
import mvpos.node.Outbox;
import mvpos.node.Validator;

/**
 * A validator node's side of its engine's protocol ({@link EngineProtocol}): engine messages from peers go
 * in, the protocol's go out through the same {@link Network} as blocks, its timers go to whoever drives
 * the node ({@link #setWaker}), its blocks are built by the {@link Validator} and added to the
 * {@link NodeCore} like any other. Single-threaded, like the node.
 */
final class EngineLink implements EngineContext {
    private final EngineProtocol protocol;
    private final NodeCore node;
    private final Validator validator;
    private final Network network;
    private final Outbox outbox;
    private LongConsumer waker = millis -> { };
    private long wakeRequested = Long.MAX_VALUE;
    private boolean paused;

    EngineLink(EngineProtocol protocol, Validator validator, Network network, Outbox outbox) {
        this.protocol = protocol;
        this.node = validator.chain();
        this.validator = validator;
        this.network = network;
        this.outbox = outbox;
    }

    /** Who schedules the protocol's timers: called with the time of each wake-up the protocol asks for. */
    void setWaker(LongConsumer waker) {
        this.waker = waker;
    }

    /**
     * Paused, the protocol still hears messages (rounds under way can end) but starts nothing: its timers
     * are not delivered and it cannot build a block (a devnet that stopped producing lets what is in
     * flight arrive).
     */
    void setPaused(boolean paused) {
        this.paused = paused;
    }

    boolean onMessage(byte[] payload, long nowMillis) {
        return protocol.onMessage(this, payload, nowMillis);
    }

    void onTimer(long nowMillis) {
        if (nowMillis >= wakeRequested) {
            wakeRequested = Long.MAX_VALUE;
        }
        if (paused) {
            return;
        }
        protocol.onTimer(this, nowMillis);
    }

    @Override
    public ChainView chain() {
        return node.tree();
    }

    @Override
    public Header head() {
        return node.head().header();
    }

    @Override
    public KeyPair key() {
        return validator.key();
    }

    @Override
    public ChainDomain domain() {
        return node.domain();
    }

    @Override
    public Optional<Block> build(long slot, byte[] engineData, long nowMillis) {
        if (paused) {
            return Optional.empty();
        }
        try {
            return validator.buildOnHead(slot, engineData, nowMillis);
        } catch (ChainStore.StoreException e) {
            throw new IllegalStateException("cannot build a block: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> check(Block block, long nowMillis) {
        return node.check(block, nowMillis).map(Object::toString);
    }

    @Override
    public boolean commit(Block block, long nowMillis) {
        try {
            NodeCore.BlockResult result = node.addBlock(block, nowMillis);
            if (result instanceof NodeCore.Added || result instanceof NodeCore.Known) {
                outbox.announce(block);
                return true;
            }
            return false;
        } catch (ChainStore.StoreException e) {
            throw new IllegalStateException("cannot store a committed block: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.SortedMap<Long, byte[]> signed(String kind, long from, long to) {
        return validator.signedStatements(kind, from, to);
    }

    @Override
    public Optional<mvpos.chain.SignedStatement> sign(String kind, long position, byte[] value) {
        try {
            return validator.signStatement(kind, position, value);
        } catch (ChainStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void broadcast(byte[] payload) {
        network.broadcast(new Message.EngineMessage(payload));
    }

    @Override
    public void wakeAt(long millis) {
        if (millis < wakeRequested) {
            wakeRequested = millis;
            waker.accept(millis);
        }
    }

    @Override
    public void report(SlashingEvidence evidence) {
        node.reportOffence(evidence);
    }
}
