package mvpos.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.node.Mempool;
import mvpos.node.NodeCore;
import mvpos.node.Outbox;
import mvpos.node.Validator;

/**
 * A node's side of the conversation, the same over a simulated network and over TCP: it offers
 * received blocks to its {@link NodeCore}, relays a block only when it was valid and new to it (and
 * only where broadcasts do not already reach everyone), asks the sender for the parent of a block it
 * cannot place yet, answers such requests, and announces the blocks its validator produces.
 *
 * <p>Single-threaded, like the node: whoever drives it calls it one event at a time.
 */
public final class Gossip {
    /** Most blocks sent in answer to one request. */
    public static final int MAX_BLOCKS_PER_ANSWER = WireFormat.MAX_BLOCKS;
    /** How long a range request may stay unanswered before another may be sent. */
    public static final long SYNC_TIMEOUT_MILLIS = 3_000;

    /** How far each peer's chain goes, as believed (claims are tested by asking for the blocks). */
    private final PeerHeights peerHeights = new PeerHeights();
    private PeerId syncingFrom;
    /** The highest height asked of {@link #syncingFrom}. */
    private long requestedUpTo;
    /** Ranges requested ahead of the one being applied during sync. */
    static final int SYNC_RANGES_AHEAD = 2;
    private java.util.function.Consumer<List<String>> discovered = addresses -> { };
    private long syncRequestedAt;

    private final NodeCore node;
    /** Every validator this node runs (most nodes run one; a simulated beacon node may run many). */
    private final List<Validator> validators;
    /** Those of them whose strategy is told of the blocks the node hears. */
    private final List<Validator> hearing;
    /** An offence was reported since the validators' transactions were last announced. */
    private boolean evidenceReported;
    private final Network network;
    private final Outbox outbox;
    /** The validator's side of the engine's own protocol, for engines that have one (a BFT engine). */
    private final EngineLink engineLink;

    /**
     * @param validator the node's validator, or null for a node that only follows
     */
    public Gossip(NodeCore node, Validator validator, Network network) {
        this(node, network, validator == null ? List.of() : List.of(validator));
    }

    /**
     * A node that runs several validators on one chain (none: a node that only follows). Each acts on
     * every tick as its own strategy decides; only the first may run the engine's own protocol, so an
     * engine that has one takes at most one validator a node.
     */
    public static Gossip hosting(NodeCore node, List<Validator> validators, Network network) {
        return new Gossip(node, network, validators);
    }

    private Gossip(NodeCore node, Network network, List<Validator> validators) {
        this.node = node;
        this.validators = List.copyOf(validators);
        this.hearing = validators.stream().filter(v -> v.strategy().hearsBlocks()).toList();
        node.onEvidence(evidence -> evidenceReported = true); // after the validators' own listeners
        this.network = network;
        Validator first = validators.isEmpty() ? null : validators.getFirst();
        java.util.Optional<mvpos.consensus.EngineProtocol> protocol = first == null ? java.util.Optional.empty()
                : node.engine().protocol(first.key());
        if (validators.size() > 1 && protocol.isPresent()) {
            throw new IllegalArgumentException("engine " + node.engine().name()
                    + " runs its own protocol: one validator a node");
        }
        this.outbox = new Outbox() {
            @Override
            public void announce(Block block) {
                network.broadcast(new Message.NewBlock(block));
            }

            @Override
            public void announce(mvpos.chain.Vote vote) {
                network.broadcast(new Message.NewVote(vote));
            }

            @Override
            public void announce(mvpos.chain.Transaction transaction) {
                network.broadcast(new Message.NewTransaction(transaction));
            }
        };
        this.engineLink = protocol.map(p -> new EngineLink(first.strategy().engineProtocol(p), first, network, outbox))
                .orElse(null);
    }

    /**
     * Who schedules the timers of the engine's protocol (a BFT engine's round timeouts): called with the
     * time of each wake-up; the driver then calls {@link #onWake}. Without one, the node's ticks serve.
     */
    public void setWaker(java.util.function.LongConsumer waker) {
        if (engineLink != null) {
            engineLink.setWaker(waker);
        }
    }

    /** Pauses the engine's protocol (nothing new starts; messages still count) or resumes it. */
    public void pauseEngine(boolean paused) {
        if (engineLink != null) {
            engineLink.setPaused(paused);
        }
    }

    /** A timer of the engine's protocol is due. */
    public void onWake(long nowMillis) throws ChainStore.StoreException {
        if (engineLink != null) {
            engineLink.onTimer(nowMillis);
            announceOutgoing();
        }
    }

    /** Whether this node runs its engine's own protocol (a validator of an engine that has one). */
    public boolean runsEngineProtocol() {
        return engineLink != null;
    }

    public NodeCore node() {
        return node;
    }

    /** The node's validator, when it has one (its first, when it runs several). */
    public java.util.Optional<Validator> validator() {
        return validators.stream().findFirst();
    }

    /** Every validator the node runs. */
    public List<Validator> validators() {
        return validators;
    }

    /** Where this node's announcements go: to every peer. */
    public Outbox outbox() {
        return outbox;
    }

    /** Who hears of the peer addresses other peers tell (peer exchange). */
    public void onPeersDiscovered(java.util.function.Consumer<List<String>> listener) {
        this.discovered = listener;
    }

    /**
     * The highest chain a connected peer has shown us or credibly claimed (0 before any); any thread. A
     * claim whose blocks did not come when asked for stops counting (see {@link PeerHeights}).
     */
    public long highestPeerHeight() {
        return peerHeights.highest();
    }

    /** A peer left: what it said of its chain no longer counts, and a sync from it is over. */
    public void peerLeft(PeerId peer) {
        peerHeights.forget(peer);
        if (peer.equals(syncingFrom)) {
            syncingFrom = null;
        }
    }

    /** Messages received, by kind. */
    private final MessageCounts counts = new MessageCounts();

    /** Requests for blocks left unanswered because the asking peer was not reading what it was sent. */
    private final java.util.concurrent.atomic.LongAdder unanswered = new java.util.concurrent.atomic.LongAdder();

    /** How many requests for blocks went unanswered because the peer had not read earlier answers. */
    public long requestsLeftUnanswered() {
        return unanswered.sum();
    }

    /** How many messages of each kind this node received (every kind named, 0 when none came). */
    public java.util.Map<String, Long> messagesReceived() {
        return counts.received();
    }

    /** Every kind of message, each with a count of 0. */
    public static java.util.Map<String, Long> noMessages() {
        return MessageCounts.none();
    }

    /** A message from a peer. */
    public void onMessage(PeerId from, Message message, long nowMillis) throws ChainStore.StoreException {
        counts.count(message.getClass());
        handle(from, message, nowMillis);
        for (Validator v : hearing) {
            v.tellHeardBlocks(outbox, nowMillis);
        }
        announceOutgoing();
    }

    /** Announces the transactions the node's validator made itself (slashing evidence). */
    private void announceOutgoing() {
        if (!evidenceReported) {
            return; // nothing to send: only an offence makes a validator a transaction of its own
        }
        evidenceReported = false;
        for (Validator v : validators) {
            v.drainOutgoing().forEach(outbox::announce);
        }
    }

    private void handle(PeerId from, Message message, long nowMillis) throws ChainStore.StoreException {
        switch (message) {
            case Message.NewBlock newBlock -> {
                onBlock(from, newBlock.block(), nowMillis);
                pokeEngine(nowMillis);
            }
            case Message.Blocks blocks -> {
                handleBlocks(from, blocks.blocks(), nowMillis, NodeCore.Prechecked.NONE);
                pokeEngine(nowMillis);
            }
            case Message.EngineMessage engineMessage -> {
                if (engineLink != null && engineLink.onMessage(engineMessage.payload(), nowMillis)
                        && !network.broadcastReachesAll()) {
                    network.broadcast(message);
                }
            }
            case Message.GetBlock get -> {
                if (!network.canSend(from)) {
                    return; // not reading its answers: not worth reading blocks for (it asks again later)
                }
                List<Block> ancestry = ancestry(get.hash());
                if (!ancestry.isEmpty()) {
                    network.send(from, new Message.Blocks(ancestry));
                }
            }
            case Message.Status status -> onStatus(from, status, nowMillis);
            case Message.GetPeers get -> {
                List<String> addresses = new ArrayList<>();
                for (PeerId peer : network.connectedPeers()) {
                    if (!peer.equals(from) && addresses.size() < WireFormat.MAX_PEER_ADDRESSES) {
                        addresses.add(peer.name());
                    }
                }
                network.send(from, new Message.Peers(addresses));
            }
            case Message.Peers peers -> discovered.accept(peers.addresses());
            case Message.GetBlocks get -> {
                if (!network.canSend(from)) {
                    unanswered.increment();
                    return;
                }
                List<Block> range = new ArrayList<>();
                for (long h = get.fromHeight(); h < get.fromHeight() + Math.min(get.count(), MAX_BLOCKS_PER_ANSWER); h++) {
                    Optional<Block> block = node.blockAt(h);
                    if (block.isEmpty()) {
                        break;
                    }
                    range.add(block.get());
                }
                if (!range.isEmpty()) {
                    network.send(from, new Message.Blocks(range));
                }
            }
            case Message.NewVote vote -> {
                NodeCore.VoteOutcome outcome = node.addVote(vote.vote(), nowMillis);
                if (outcome instanceof NodeCore.VoteAccepted && !network.broadcastReachesAll()) {
                    network.broadcast(message);
                } else if (outcome instanceof NodeCore.VoteIgnored ignored && ignored.forged()) {
                    network.penalize(from, "sent a forged vote: " + ignored.reason());
                }
            }
            case Message.NewTransaction tx -> {
                Mempool.Admission admission = node.submit(tx.transaction());
                if (admission instanceof Mempool.Accepted && !network.broadcastReachesAll()) {
                    network.broadcast(message);
                } else if (admission instanceof Mempool.Refused refused && refused.forged()) {
                    network.penalize(from, "sent a forged transaction: " + refused.reason());
                }
            }
        }
    }

    /**
     * The block with this hash and up to {@link #MAX_BLOCKS_PER_ANSWER} - 1 of its ancestors, lowest
     * first: what a peer that could not place the block needs, in one answer.
     */
    private List<Block> ancestry(byte[] hash) throws ChainStore.StoreException {
        List<Block> blocks = new ArrayList<>();
        Optional<Block> next = node.blockByHash(hash);
        while (next.isPresent() && blocks.size() < MAX_BLOCKS_PER_ANSWER) {
            Block block = next.get();
            blocks.add(block);
            next = block.height() == 0 ? Optional.empty() : node.blockByHash(block.header().parentHash());
        }
        Collections.reverse(blocks);
        return blocks;
    }

    /** A peer's status: if its chain is ahead of ours (and its claims are believed), ask it for the next range. */
    private void onStatus(PeerId from, Message.Status status, long nowMillis) {
        peerHeights.claim(from, status.height(), nowMillis);
        if (peerHeights.believed(from, nowMillis) > node.head().height()
                && node.tree().entry(status.headHash()).isEmpty()) {
            requestRange(from, nowMillis);
        }
    }

    /**
     * A range asked for that did not come within {@link #SYNC_TIMEOUT_MILLIS}: the claim it was asked on
     * is refuted, and the sync goes on from another peer believed ahead, if any.
     */
    private void expireSyncRequest(long nowMillis) {
        peerHeights.advance(nowMillis);
        if (syncingFrom == null || nowMillis - syncRequestedAt < SYNC_TIMEOUT_MILLIS) {
            return;
        }
        peerHeights.refute(syncingFrom, nowMillis);
        syncingFrom = null;
        peerHeights.mostAhead(node.head().height(), nowMillis).ifPresent(peer -> requestRange(peer, nowMillis));
    }

    /**
     * Sync: asks {@code peer} for the canonical blocks after our head, {@link #MAX_BLOCKS_PER_ANSWER} at a
     * time, one request in flight (a request unanswered for {@link #SYNC_TIMEOUT_MILLIS} may be repeated).
     */
    private void requestRange(PeerId peer, long nowMillis) {
        if (syncingFrom != null && nowMillis - syncRequestedAt < SYNC_TIMEOUT_MILLIS) {
            return;
        }
        if (syncingFrom != null) {
            peerHeights.refute(syncingFrom, nowMillis); // the last request went unanswered
        }
        syncingFrom = peer;
        syncRequestedAt = nowMillis;
        network.send(peer, new Message.GetBlocks(node.head().height() + 1, MAX_BLOCKS_PER_ANSWER));
        requestedUpTo = node.head().height() + MAX_BLOCKS_PER_ANSWER;
    }

    /**
     * Blocks a peer sent (an answer to a request), whose signatures may have been checked already, off the
     * node's loop; then as {@link #onMessage} with them.
     */
    public void onBlocks(PeerId from, List<Block> blocks, long nowMillis, NodeCore.Prechecked prechecked)
            throws ChainStore.StoreException {
        counts.count(Message.Blocks.class);
        handleBlocks(from, blocks, nowMillis, prechecked);
        announceOutgoing();
    }

    /**
     * Blocks answering a request, lowest first. If even the first cannot be placed (the chains forked
     * below our head), ask for what precedes it; if the sender is still ahead, ask for the next range.
     * The blocks this node could add are what the sender has shown of its chain.
     */
    private void handleBlocks(PeerId from, List<Block> blocks, long nowMillis, NodeCore.Prechecked prechecked)
            throws ChainStore.StoreException {
        if (blocks.isEmpty()) {
            return;
        }
        Block last = blocks.get(blocks.size() - 1);
        peerHeights.claimAtLeast(from, last.height(), nowMillis);
        boolean pipelined = false;
        long peerHeight = peerHeights.believed(from, nowMillis);
        if (from.equals(syncingFrom) && peerHeight > last.height()
                && node.tree().contains(blocks.get(0).header().parentHash())) {
            // Keep up to SYNC_RANGES_AHEAD ranges requested beyond this one, so the peer reads and sends them
            // while this one is applied.
            requestedUpTo = Math.max(requestedUpTo, last.height());
            while (requestedUpTo < last.height() + SYNC_RANGES_AHEAD * MAX_BLOCKS_PER_ANSWER
                    && requestedUpTo < peerHeight) {
                network.send(from, new Message.GetBlocks(requestedUpTo + 1, MAX_BLOCKS_PER_ANSWER));
                requestedUpTo += MAX_BLOCKS_PER_ANSWER;
            }
            syncRequestedAt = nowMillis;
            pipelined = true;
        }
        List<NodeCore.BlockResult> results = node.addBlocks(blocks, nowMillis, prechecked);
        for (int i = 0; i < results.size(); i++) {
            NodeCore.BlockResult result = results.get(i);
            if (result instanceof NodeCore.Added) {
                peerHeights.shown(from, blocks.get(i).height(), nowMillis);
                peerHeights.answered(from); // blocks this node did not have: the peer serves what it claims
            } else if (result instanceof NodeCore.Known) {
                peerHeights.shown(from, blocks.get(i).height(), nowMillis);
            } else if (result instanceof NodeCore.Invalid invalid && isForged(invalid.rejection())) {
                network.penalize(from, "sent an invalid block: " + invalid.rejection());
                break;
            }
        }
        if (from.equals(syncingFrom) && !pipelined) {
            syncingFrom = null;
        }
        if (results.get(0) instanceof NodeCore.Orphan orphan) {
            network.send(from, new Message.GetBlock(orphan.parentHash()));
        } else if (!pipelined && peerHeights.believed(from, nowMillis) > node.head().height()
                && results.get(results.size() - 1) instanceof NodeCore.Added) {
            requestRange(from, nowMillis);
        }
        // Answers are not relayed: a peer that lacks them syncs them itself; new blocks travel as NewBlock.
    }

    private void onBlock(PeerId from, Block block, long nowMillis) throws ChainStore.StoreException {
        NodeCore.BlockResult result = node.addBlock(block, nowMillis);
        switch (result) {
            case NodeCore.Added added -> {
                peerHeights.shown(from, block.height(), nowMillis);
                if (!network.broadcastReachesAll()) {
                    network.broadcast(new Message.NewBlock(block));
                }
            }
            case NodeCore.Orphan orphan -> {
                peerHeights.claimAtLeast(from, block.height(), nowMillis);
                if (block.height() > node.head().height() + 1) {
                    requestRange(from, nowMillis); // far behind: forward by ranges
                } else {
                    network.send(from, new Message.GetBlock(orphan.parentHash()));
                }
            }
            case NodeCore.Known known -> { }
            case NodeCore.Early early -> { }
            case NodeCore.Invalid invalid -> {
                if (isForged(invalid.rejection())) {
                    network.penalize(from, "sent an invalid block: " + invalid.rejection());
                }
            }
        }
    }

    /**
     * Whether a refused block is the sender's fault (forged or malformed), as opposed to a block an honest
     * peer may relay: one from a fork below our finalized checkpoint (a healed partition), or a slot our
     * clock has not reached yet (clock drift).
     */
    static boolean isForged(mvpos.node.BlockRejection rejection) {
        return switch (rejection.reason()) {
            case CONFLICTS_WITH_FINALIZED, CONFLICTS_WITH_CHECKPOINT, BAD_TIMESTAMP, BELOW_FORK_WINDOW -> false;
            case BAD_SEAL -> !rejection.detail().startsWith(mvpos.consensus.SealRejection.Reason.FUTURE_SLOT.name());
            default -> true;
        };
    }

    /**
     * A tick of the node's timer: blocks held for being early are offered again, then the validator (if
     * any) acts as its strategy decides, announcing through {@link #outbox()}.
     */
    public void onTick(long nowMillis) throws ChainStore.StoreException {
        expireSyncRequest(nowMillis);
        node.onTick(nowMillis);
        for (Validator v : validators) {
            v.onTick(nowMillis, outbox);
        }
        pokeEngine(nowMillis);
    }

    /** The chain may have changed, or time passed: the engine's protocol acts on it. */
    private void pokeEngine(long nowMillis) {
        if (engineLink != null) {
            engineLink.onTimer(nowMillis);
        }
    }

    /** Submits a transaction of this node's user and announces it when the mempool takes it. */
    public Mempool.Admission submit(mvpos.chain.Transaction tx) {
        Mempool.Admission admission = node.submit(tx);
        if (admission instanceof Mempool.Accepted) {
            network.broadcast(new Message.NewTransaction(tx));
        }
        return admission;
    }
}
