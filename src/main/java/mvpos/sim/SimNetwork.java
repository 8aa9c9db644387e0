package mvpos.sim;

import java.util.ArrayList;
import java.util.List;
import mvpos.crypto.RandomSource;
import mvpos.net.Message;
import mvpos.net.Network;
import mvpos.net.PeerId;

/**
 * A full-mesh network in memory: every message takes a latency (a base plus a seeded random jitter)
 * of virtual time on the {@link EventQueue}; a partition drops messages between groups until it heals.
 * Each node sees it through its own {@link Endpoint}.
 */
public final class SimNetwork {

    /** Receives what the network delivers to one node. */
    @FunctionalInterface
    public interface Receiver {
        void receive(PeerId from, Message message) throws Exception;
    }

    private final EventQueue events;
    private final RandomSource random;
    private final long latencyMillis;
    private final long jitterMillis;
    private final List<Receiver> receivers = new ArrayList<>();
    private int[] groups = new int[0];
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
    }

    /** Adds a node; its endpoint is the {@link Network} it sends through. */
    public Endpoint join(Receiver receiver) {
        receivers.add(receiver);
        groups = java.util.Arrays.copyOf(groups, receivers.size());
        return new Endpoint(receivers.size() - 1);
    }

    /** Splits the network: node i can reach node j only when {@code group[i] == group[j]}. */
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

    public long delivered() {
        return delivered;
    }

    public long dropped() {
        return dropped;
    }

    public static PeerId peerOf(int index) {
        return new PeerId("node" + index);
    }

    private void deliver(int from, int to, Message message) {
        if (groups[from] != groups[to]) {
            dropped++;
            return;
        }
        long delay = latencyMillis + (jitterMillis == 0 ? 0 : random.nextLong(jitterMillis + 1));
        events.schedule(delay, () -> {
            if (groups[from] != groups[to]) {
                dropped++; // the partition began while it was on the way
                return;
            }
            delivered++;
            receivers.get(to).receive(peerOf(from), message);
        });
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
            for (int to = 0; to < receivers.size(); to++) {
                if (to != index) {
                    deliver(index, to, message);
                }
            }
        }

        @Override
        public boolean broadcastReachesAll() {
            return true;
        }
    }
}
