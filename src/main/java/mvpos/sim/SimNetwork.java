package mvpos.sim;

import java.util.ArrayList;
import java.util.List;
import mvpos.crypto.RandomSource;
import mvpos.net.Message;
import mvpos.net.Network;
import mvpos.net.PeerId;

/**
 * A network in memory: every message takes a delay of virtual time on the {@link EventQueue}, drawn by
 * its {@link Links} (by default a base latency plus a seeded random jitter); a partition drops messages
 * between groups until it heals. By default every node reaches every other (a full mesh); with a
 * topology of neighbours a broadcast reaches only them and nodes relay what is new to them. Nodes can be
 * taken down (crashed, not yet joined) and bridge nodes reach every group of a partition. Each node sees
 * the network through its own {@link Endpoint}.
 */
public final class SimNetwork {

    /** Receives what the network delivers to one node. */
    @FunctionalInterface
    public interface Receiver {
        void receive(PeerId from, Message message) throws Exception;
    }

    /**
     * How one message travels from one node to another: the delays after which copies of it arrive (none:
     * lost; two: duplicated). Drawn from the network's seeded random source, in the order messages are sent.
     */
    @FunctionalInterface
    public interface Links {
        long[] delays(int from, int to, Message message, RandomSource random);
    }

    private final EventQueue events;
    private final RandomSource random;
    private final Links links;
    private final long latencyMillis;
    private final long jitterMillis;
    private final List<Receiver> receivers = new ArrayList<>();
    private int[][] neighbours;
    private int[] groups = new int[0];
    private boolean[] down = new boolean[0];
    private boolean[] bridge = new boolean[0];
    private long extraDelayMillis;
    private long delivered;
    private long dropped;

    public SimNetwork(EventQueue events, RandomSource random, long latencyMillis, long jitterMillis) {
        if (latencyMillis < 0 || jitterMillis < 0) {
            throw new IllegalArgumentException("latency and jitter cannot be negative");
        }
        this.events = events;
        this.random = random;
        this.latencyMillis = latencyMillis;
        this.jitterMillis = jitterMillis;
        this.links = (from, to, message, r) -> new long[] {latencyMillis + (jitterMillis == 0 ? 0 : r.nextLong(jitterMillis + 1))};
    }

    /**
     * A network whose messages travel as {@code links} draws, over {@code neighbours} (node i's peers;
     * null: a full mesh).
     */
    public SimNetwork(EventQueue events, RandomSource random, Links links, int[][] neighbours) {
        this.events = events;
        this.random = random;
        this.links = links;
        this.latencyMillis = 0;
        this.jitterMillis = 0;
        this.neighbours = neighbours == null ? null : neighbours.clone();
    }

    /** Told of each message as it is delivered (an adversary's ears on its bridge nodes). */
    @FunctionalInterface
    public interface Tap {
        void delivered(int from, int to, Message message) throws Exception;
    }

    private Tap tap;

    /** Tells {@code tap} of every message delivered from now on (one tap; null: none). */
    public void tap(Tap tap) {
        this.tap = tap;
    }

    /** Adds a node; its endpoint is the {@link Network} it sends through. */
    public Endpoint join(Receiver receiver) {
        receivers.add(receiver);
        groups = java.util.Arrays.copyOf(groups, receivers.size());
        down = java.util.Arrays.copyOf(down, receivers.size());
        bridge = java.util.Arrays.copyOf(bridge, receivers.size());
        eclipse.grow(receivers.size());
        return new Endpoint(receivers.size() - 1);
    }

    /** The endpoint of node {@code index}, already joined (a node started again sends through it too). */
    public Endpoint endpointOf(int index) {
        if (index < 0 || index >= receivers.size()) {
            throw new IllegalArgumentException("no node " + index);
        }
        return new Endpoint(index);
    }

    /** Splits the network: node i can reach node j only when {@code group[i] == group[j]} (or j is a bridge). */
    public void partition(int[] group) {
        if (group.length != receivers.size()) {
            throw new IllegalArgumentException("a partition names a group for each of the " + receivers.size() + " nodes");
        }
        groups = group.clone();
    }

    /** Joins every node again. */
    public void heal() {
        groups = new int[receivers.size()];
    }

    /**
     * A node that hears every group of a partition (an adversary connected to both sides); what it sends
     * reaches only its own group, unless it sends {@link #sendAcross}.
     */
    public void setBridge(int node, boolean isBridge) {
        bridge[node] = isBridge;
    }

    /** A node that is down neither sends nor receives; messages on the way to it are lost. */
    public void setDown(int node, boolean isDown) {
        down[node] = isDown;
    }

    public boolean isDown(int node) {
        return down[node];
    }

    /** An extra delay every message takes from now on (a delay spike; 0 ends it). */
    public void setExtraDelay(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("an extra delay cannot be negative");
        }
        extraDelayMillis = millis;
    }

    /** The longest a message takes without faults, as far as the default links say (for settling a run). */
    public long baseDelayBound() {
        return latencyMillis + jitterMillis;
    }

    public long delivered() {
        return delivered;
    }

    public long dropped() {
        return dropped;
    }

    /**
     * An eclipse: every peer slot of node {@code victim} taken by the {@code attackers}. From now on the
     * victim reaches and hears only them; its links to every other node are cut both ways (messages on the
     * way are lost). {@link #heal(int)} gives it back the links it had.
     */
    public void eclipse(int victim, java.util.Set<Integer> attackers) {
        eclipse(victim, attackers, 0);
    }

    /**
     * An eclipse with {@code anchors} anchor connections kept: the first {@code anchors} of the victim's
     * honest peers (its neighbours in their order, or in a full mesh the other nodes by index) stay linked
     * to it beside the attackers. In a full mesh, where nodes do not relay, an anchor relays what it accepts,
     * so that the victim still hears the honest network through it; the attackers never relay (they choose
     * what the victim hears).
     */
    public void eclipse(int victim, java.util.Set<Integer> attackers, int anchors) {
        eclipse.take(victim, attackers, anchors, receivers.size(), neighbours);
    }

    /** Ends the eclipse of {@code victim}: it has the links it had before again (nothing if not eclipsed). */
    public void heal(int victim) {
        eclipse.end(victim, receivers.size());
    }

    /** Whether {@code node} is eclipsed. */
    public boolean isEclipsed(int node) {
        return eclipse.isEclipsed(node);
    }

    /** The anchor connections an eclipsed node kept, by index (empty when none or not eclipsed). */
    public java.util.List<Integer> anchorsOf(int node) {
        return eclipse.anchorsOf(node);
    }

    /** The nodes {@code node} can exchange messages with now, ignoring partitions and crashes, by index. */
    public java.util.List<Integer> peersOf(int node) {
        if (node < 0 || node >= receivers.size()) {
            throw new IllegalArgumentException("no node " + node);
        }
        java.util.List<Integer> peers = new ArrayList<>();
        if (neighbours != null) {
            for (int to : eclipse.broadcastPeers(node, neighbours)) {
                peers.add(to);
            }
            return peers;
        }
        for (int to = 0; to < receivers.size(); to++) {
            if (to != node && eclipse.allows(node, to)) {
                peers.add(to);
            }
        }
        return peers;
    }

    private final SimEclipse eclipse = new SimEclipse();

    private static final PeerId[] PEERS = new PeerId[16_384];

    /** The peer id of node {@code index} (the first ones made once: every delivery names its sender). */
    public static PeerId peerOf(int index) {
        if (index >= PEERS.length) {
            return new PeerId("node" + index);
        }
        PeerId peer = PEERS[index];
        if (peer == null) {
            peer = new PeerId("node" + index);
            PEERS[index] = peer;
        }
        return peer;
    }

    private boolean reachable(int from, int to) {
        return !down[from] && !down[to] && (groups[from] == groups[to] || bridge[to]) && eclipse.allows(from, to);
    }

    /**
     * Sends a message from a bridge node to any node, across a partition: how an adversary that listens to
     * every side chooses what each side hears from it.
     */
    public void sendAcross(int from, int to, Message message) {
        deliver(from, to, message, true);
    }

    private void deliver(int from, int to, Message message) {
        deliver(from, to, message, false);
    }

    private void deliver(int from, int to, Message message, boolean across) {
        if (across ? down[from] || down[to] || !eclipse.allows(from, to) : !reachable(from, to)) {
            dropped++;
            return;
        }
        long[] delays = links.delays(from, to, message, random);
        if (delays.length == 0) {
            dropped++;
            return;
        }
        for (long delay : delays) {
            events.schedule(delay + extraDelayMillis, () -> {
                if (across ? down[from] || down[to] || !eclipse.allows(from, to) : !reachable(from, to)) {
                    dropped++; // the partition or the crash came while it was on the way
                    return;
                }
                delivered++;
                receivers.get(to).receive(peerOf(from), message);
                if (tap != null) {
                    tap.delivered(from, to, message);
                }
            });
        }
    }

    /** One node's view of the network. */
    public final class Endpoint implements Network {
        private final int index;

        private Endpoint(int index) {
            this.index = index;
        }

        public int index() {
            return index;
        }

        @Override
        public void send(PeerId to, Message message) {
            String name = to.name();
            int target = name.startsWith("node") ? Integer.parseInt(name.substring(4)) : -1;
            if (target >= 0 && target < receivers.size() && target != index) {
                deliver(index, target, message);
            }
        }

        @Override
        public void broadcast(Message message) {
            if (neighbours != null) {
                for (int to : eclipse.broadcastPeers(index, neighbours)) {
                    deliver(index, to, message);
                }
                return;
            }
            for (int to = 0; to < receivers.size(); to++) {
                if (to != index) {
                    deliver(index, to, message);
                }
            }
        }

        @Override
        public boolean broadcastReachesAll() {
            return neighbours == null && !eclipse.mustRelay(index);
        }
    }
}
