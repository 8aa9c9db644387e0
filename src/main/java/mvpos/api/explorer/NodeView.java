package mvpos.api.explorer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import mvpos.api.ChainSnapshot;
import mvpos.chain.Block;
import mvpos.state.State;

/**
 * One node's view of the chain as the explorer last heard it: its head, its finality, its head state,
 * the reorganisations it went through, the checkpoints it justified and finalized, its peers. Written
 * from the node's thread, read by any; every field is an immutable value behind a volatile reference.
 */
public final class NodeView {
    /** Most reorganisations and checkpoints remembered per node. */
    static final int MAX_REMEMBERED = 256;

    /** The head: its hash, height and slot. */
    public record Head(String hash, long height, long slot) {
    }

    /** A head change that abandoned {@code depth} blocks. */
    public record Reorg(long height, int depth, String newHead, long millis) {
    }

    /** A connected peer. */
    public record PeerView(String id, String address, String direction, String connectedSince) {
    }

    /** What the node knows of its peers and whether it is catching up with them. */
    public record Network(String kind, int connected, List<PeerView> peers, long highestPeerHeight, boolean syncing) {
        public static final Network NONE = new Network("none: a node of its own", 0, List.of(), 0, false);
    }

    private final int index;
    private final String name;
    private final Function<byte[], Optional<Block>> blockLookup;
    private volatile Supplier<Network> network = () -> Network.NONE;
    private volatile Supplier<Counters> counters = () -> Counters.NONE;
    private volatile Head head = new Head("", 0, 0);
    private volatile ChainSnapshot.FinalityView finality = ChainSnapshot.FinalityView.NONE;
    private volatile State state;
    private volatile int pendingTransactions;
    private final AtomicLong reorgs = new AtomicLong();
    private final AtomicLong blocksImported = new AtomicLong();
    private final Deque<Reorg> recentReorgs = new ArrayDeque<>();
    private final Map<String, String> checkpoints = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** @param blockLookup finds a whole block by hash (from the node's store), for blocks whose body the catalog does not keep */
    public NodeView(int index, String name, Function<byte[], Optional<Block>> blockLookup) {
        this.index = index;
        this.name = name;
        this.blockLookup = blockLookup;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public Head head() {
        return head;
    }

    public ChainSnapshot.FinalityView finality() {
        return finality;
    }

    /** The head state, or empty before the node reported one. */
    public Optional<State> state() {
        return Optional.ofNullable(state);
    }

    public int pendingTransactions() {
        return pendingTransactions;
    }

    public long reorgs() {
        return reorgs.get();
    }

    public long blocksImported() {
        return blocksImported.get();
    }

    public Network network() {
        return network.get();
    }

    /**
     * What a node counts of its traffic: the votes it was offered (accepted, refused) and its blocks
     * carried, the messages it received by kind, the bans it pronounced.
     */
    public record Counters(long votesAccepted, long votesRefused, long votesInBlocks, Map<String, Long> messages,
                           long bans) {
        public static final Counters NONE = new Counters(0, 0, 0, Map.of(), 0);
    }

    public Counters counters() {
        return counters.get();
    }

    void counters(Supplier<Counters> supplier) {
        this.counters = supplier;
    }

    public Optional<Block> lookup(byte[] hash) {
        return blockLookup.apply(hash);
    }

    public synchronized List<Reorg> recentReorgs() {
        return new ArrayList<>(recentReorgs);
    }

    /** Blocks this node justified or finalized (hash to "justified" or "finalized"), oldest first. */
    public synchronized Map<String, String> checkpoints() {
        return new LinkedHashMap<>(checkpoints);
    }

    void network(Supplier<Network> supplier) {
        this.network = supplier;
    }

    void headChanged(Head newHead, State newState, int pending, long gained) {
        head = newHead;
        state = newState;
        pendingTransactions = pending;
        blocksImported.addAndGet(Math.max(0, gained));
    }

    void pending(int pending) {
        pendingTransactions = pending;
    }

    synchronized void reorganised(Reorg reorg) {
        reorgs.incrementAndGet();
        recentReorgs.addLast(reorg);
        if (recentReorgs.size() > MAX_REMEMBERED) {
            recentReorgs.removeFirst();
        }
    }

    synchronized void finality(ChainSnapshot.FinalityView view) {
        finality = view;
        view.justified().ifPresent(c -> checkpoints.putIfAbsent(c.hash(), "justified"));
        view.finalized().ifPresent(c -> checkpoints.put(c.hash(), "finalized"));
    }
}
