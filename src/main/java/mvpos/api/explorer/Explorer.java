package mvpos.api.explorer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import mvpos.api.ChainSnapshot;
import mvpos.chain.Block;
import mvpos.state.State;

/**
 * What an explorer shows: the blocks its nodes have seen ({@link BlockCatalog}), each node's view
 * ({@link NodeView}), slashing evidence as it is reported, the metrics, and the live events pages
 * follow. Feeds ({@link NodeFeed}, {@link DevnetFeed}, {@link LobbyFeed}) call it from the nodes'
 * threads; the server reads it from its own.
 */
public final class Explorer {
    /** Most pieces of slashing evidence remembered. */
    static final int MAX_EVIDENCE = 1_000;

    /** What the explorer watches: {@code node}, {@code devnet} or {@code lobby}, and its chain's rules. */
    public record Info(String kind, String chainId, String engine, String finality, long epochLength, long slotMillis,
                       List<String> nodes) {
    }

    /** An offence a node saw. */
    public record EvidenceView(int node, String offender, String offence, long millis) {
    }

    /** A node's new head, as the pages receive it. */
    public record HeadEvent(int node, String hash, long height, long slot, int reorgDepth, long millis) {
    }

    /** A node's finality, as the pages receive it. */
    public record FinalityEvent(int node, Map<String, Object> finality) {
    }

    private final Info info;
    private final BlockCatalog catalog;
    private final List<NodeView> views;
    private final EventHub hub;
    private final ChainMetrics metrics;
    private final LongSupplier wallClock;
    private final Deque<EvidenceView> evidence = new ArrayDeque<>();
    private volatile LobbyStats lobby;

    public Explorer(Info info, BlockCatalog catalog, List<NodeView> views, ObjectMapper json, LongSupplier wallClock) {
        this.info = info;
        this.catalog = catalog;
        this.views = List.copyOf(views);
        this.hub = new EventHub(json);
        this.metrics = new ChainMetrics(this.views, catalog);
        this.wallClock = wallClock;
    }

    public Info info() {
        return info;
    }

    public BlockCatalog catalog() {
        return catalog;
    }

    public List<NodeView> views() {
        return views;
    }

    public Optional<NodeView> view(int index) {
        return index >= 0 && index < views.size() ? Optional.of(views.get(index)) : Optional.empty();
    }

    public EventHub hub() {
        return hub;
    }

    public ChainMetrics metrics() {
        return metrics;
    }

    /** The lobby's statistics, for an explorer of the lobby. */
    public Optional<LobbyStats> lobby() {
        return Optional.ofNullable(lobby);
    }

    void lobby(LobbyStats stats) {
        this.lobby = stats;
    }

    long now() {
        return wallClock.getAsLong();
    }

    /** A block a node has (called on its thread); new blocks go to the pages. */
    void blockSeen(NodeView view, Block block) {
        catalog.add(block, view.index(), now()).ifPresent(summary -> hub.publish("block", summary));
    }

    /** A lobby block (called on the lobby's thread). */
    void blockSeen(BlockSummary summary) {
        catalog.add(summary).ifPresent(added -> hub.publish("block", added));
    }

    /**
     * A node's new head (on its thread), after its new blocks were given to {@link #blockSeen}.
     *
     * @param gained           blocks that joined its chain with this change
     * @param importDelaySeconds for each gained block, from its timestamp to now on the node's clock
     */
    void headChanged(NodeView view, Block head, int reorgDepth, State state, int pending, List<Double> importDelaySeconds) {
        long millis = now();
        NodeView.Head newHead = new NodeView.Head(mvpos.crypto.Hex.encode(head.hash()), head.height(),
                head.header().slot());
        view.headChanged(newHead, state, pending, importDelaySeconds.size());
        importDelaySeconds.forEach(seconds -> metrics.importDelay(view, seconds));
        if (reorgDepth > 0) {
            view.reorganised(new NodeView.Reorg(head.height(), reorgDepth, newHead.hash(), millis));
        }
        hub.publish("head", new HeadEvent(view.index(), newHead.hash(), newHead.height(), newHead.slot(), reorgDepth,
                millis));
    }

    /** The lobby's new head (on its thread). */
    void lobbyHead(NodeView view, NodeView.Head head) {
        view.headChanged(head, null, 0, 1);
        hub.publish("head", new HeadEvent(view.index(), head.hash(), head.height(), head.slot(), 0, now()));
    }

    /** A node's finality moved, or was read again after its head moved (on its thread). */
    void finalityChanged(NodeView view, ChainSnapshot.FinalityView finality) {
        ChainSnapshot.FinalityView before = view.finality();
        view.finality(finality);
        if (!finality.equals(before)) {
            hub.publish("finality", new FinalityEvent(view.index(), ExplorerJson.finality(finality)));
        }
    }

    /** An offence a node saw. */
    void evidence(EvidenceView seen) {
        synchronized (evidence) {
            evidence.addLast(seen);
            if (evidence.size() > MAX_EVIDENCE) {
                evidence.removeFirst();
            }
        }
        hub.publish("evidence", seen);
    }

    public List<EvidenceView> evidence() {
        synchronized (evidence) {
            return new ArrayList<>(evidence);
        }
    }

    /** The checkpoints of every node, by block hash: "finalized" when any node finalized it. */
    public Map<String, String> checkpoints(NodeView view) {
        return new LinkedHashMap<>(view.checkpoints());
    }
}
