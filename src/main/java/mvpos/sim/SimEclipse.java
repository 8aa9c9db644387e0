package mvpos.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The eclipses of a {@link SimNetwork}: for each eclipsed node (a victim) the only nodes it may exchange
 * messages with, the attackers that took its peer slots and the anchor connections it kept. An overlay
 * on the network's links, so that ending an eclipse gives the victim back exactly the links it had.
 * Everything is kept in arrays by node index, in index order: no iteration over hashed sets.
 */
final class SimEclipse {
    /** By node: the sorted indexes it may reach while eclipsed, or null when it is not eclipsed. */
    private int[][] allowed = new int[0][];
    /** By node: the anchor connections it kept, in the order chosen. */
    private int[][] anchors = new int[0][];
    /** By node: whether it is an anchor of some eclipsed node (it must relay what it accepts). */
    private boolean[] relay = new boolean[0];
    private int eclipsed;

    void grow(int nodes) {
        allowed = Arrays.copyOf(allowed, nodes);
        anchors = Arrays.copyOf(anchors, nodes);
        relay = Arrays.copyOf(relay, nodes);
    }

    void take(int victim, Set<Integer> attackers, int keep, int nodes, int[][] neighbours) {
        if (victim < 0 || victim >= nodes) {
            throw new IllegalArgumentException("no node " + victim + " to eclipse");
        }
        if (attackers.isEmpty()) {
            throw new IllegalArgumentException("an eclipse needs at least one attacker");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("anchor connections cannot be negative, not " + keep);
        }
        TreeSet<Integer> peers = new TreeSet<>();
        for (int attacker : new TreeSet<>(attackers)) {
            if (attacker < 0 || attacker >= nodes || attacker == victim) {
                throw new IllegalArgumentException("attacker " + attacker + " is not another node of the network");
            }
            peers.add(attacker);
        }
        List<Integer> kept = new ArrayList<>();
        for (int peer : previousPeers(victim, nodes, neighbours)) {
            if (kept.size() < keep && !peers.contains(peer)) {
                kept.add(peer);
            }
        }
        if (kept.size() < keep) {
            throw new IllegalArgumentException("node " + victim + " has " + kept.size() + " honest peers, fewer than the "
                    + keep + " anchor connections asked for");
        }
        peers.addAll(kept);
        if (allowed[victim] == null) {
            eclipsed++;
        }
        allowed[victim] = peers.stream().mapToInt(Integer::intValue).toArray();
        anchors[victim] = kept.stream().mapToInt(Integer::intValue).toArray();
        recomputeRelays();
    }

    void end(int victim, int nodes) {
        if (victim < 0 || victim >= nodes) {
            throw new IllegalArgumentException("no node " + victim);
        }
        if (allowed[victim] != null) {
            eclipsed--;
            allowed[victim] = null;
            anchors[victim] = null;
            recomputeRelays();
        }
    }

    boolean isEclipsed(int node) {
        return allowed[node] != null;
    }

    List<Integer> anchorsOf(int node) {
        return anchors[node] == null ? List.of() : Arrays.stream(anchors[node]).boxed().toList();
    }

    /** Whether a message may go from {@code from} to {@code to}: an eclipsed end must allow the other. */
    boolean allows(int from, int to) {
        if (eclipsed == 0) {
            return true;
        }
        int[] a = allowed[from];
        if (a != null && Arrays.binarySearch(a, to) < 0) {
            return false;
        }
        int[] b = allowed[to];
        return b == null || Arrays.binarySearch(b, from) >= 0;
    }

    /** Whether {@code node} is an anchor of an eclipsed node, and so must relay in a full mesh. */
    boolean mustRelay(int node) {
        return eclipsed > 0 && relay[node];
    }

    /**
     * The nodes a broadcast of {@code node} goes to over a topology: an eclipsed node's allowed peers; any
     * other node's neighbours that allow it, then the eclipsed nodes whose attackers it is (by index).
     */
    int[] broadcastPeers(int node, int[][] neighbours) {
        if (eclipsed == 0) {
            return neighbours[node];
        }
        if (allowed[node] != null) {
            return allowed[node];
        }
        List<Integer> peers = new ArrayList<>();
        for (int to : neighbours[node]) {
            if (allows(node, to)) {
                peers.add(to);
            }
        }
        for (int victim = 0; victim < allowed.length; victim++) {
            if (allowed[victim] != null && Arrays.binarySearch(allowed[victim], node) >= 0 && !peers.contains(victim)) {
                peers.add(victim);
            }
        }
        return peers.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] previousPeers(int victim, int nodes, int[][] neighbours) {
        if (neighbours != null) {
            return neighbours[victim].clone();
        }
        int[] all = new int[nodes - 1];
        for (int i = 0, j = 0; i < nodes; i++) {
            if (i != victim) {
                all[j++] = i;
            }
        }
        return all;
    }

    private void recomputeRelays() {
        Arrays.fill(relay, false);
        for (int[] kept : anchors) {
            if (kept != null) {
                for (int anchor : kept) {
                    relay[anchor] = true;
                }
            }
        }
    }
}
