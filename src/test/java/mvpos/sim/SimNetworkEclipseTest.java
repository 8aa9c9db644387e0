package mvpos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import mvpos.crypto.HashDrbg;
import mvpos.net.Message;
import org.junit.jupiter.api.Test;

/**
 * A peer-slot takeover on the simulated network: an eclipsed node hears and reaches only the attackers (and
 * the anchor connections it kept); healing gives it back every link it had.
 */
class SimNetworkEclipseTest {
    private static final int VICTIM = 4;
    private static final int ATTACKER = 3;

    /** Five nodes; {@code heard.get(i)} lists the senders of what node i received, in order. */
    private final List<List<Integer>> heard = new ArrayList<>();
    private final EventQueue events = new EventQueue(0, false);

    private SimNetwork network(int[][] neighbours) {
        SimNetwork network = neighbours == null ? new SimNetwork(events, new HashDrbg(1), 10, 5)
                : new SimNetwork(events, new HashDrbg(1), (from, to, message, random) -> new long[] {10}, neighbours);
        for (int i = 0; i < 5; i++) {
            List<Integer> mine = new ArrayList<>();
            heard.add(mine);
            network.join((from, message) -> mine.add(Integer.parseInt(from.name().substring(4))));
        }
        return network;
    }

    private void broadcastFrom(SimNetwork network, int node) throws Exception {
        network.endpointOf(node).broadcast(new Message.GetPeers());
        events.run(events.millis() + 100, () -> false);
    }

    @Test
    void anEclipsedNodeHearsOnlyTheAttackerUntilHealed() throws Exception {
        SimNetwork network = network(null);
        network.eclipse(VICTIM, Set.of(ATTACKER));
        assertThat(network.isEclipsed(VICTIM)).isTrue();
        assertThat(network.peersOf(VICTIM)).containsExactly(ATTACKER);
        assertThat(network.peersOf(0)).containsExactly(1, 2, 3);

        broadcastFrom(network, 0);
        assertThat(heard.get(VICTIM)).isEmpty();
        assertThat(heard.get(1)).containsExactly(0);
        broadcastFrom(network, ATTACKER);
        assertThat(heard.get(VICTIM)).containsExactly(ATTACKER);
        broadcastFrom(network, VICTIM); // cut both ways: only the attacker hears the victim
        assertThat(heard.get(ATTACKER)).containsExactly(0, VICTIM);
        assertThat(heard.get(0)).containsExactly(ATTACKER);

        network.heal(VICTIM);
        assertThat(network.isEclipsed(VICTIM)).isFalse();
        assertThat(network.peersOf(VICTIM)).containsExactly(0, 1, 2, 3);
        broadcastFrom(network, 0);
        assertThat(heard.get(VICTIM)).containsExactly(ATTACKER, 0);
    }

    @Test
    void aMessageOnTheWayWhenTheEclipseBeginsIsLost() throws Exception {
        SimNetwork network = network(null);
        network.endpointOf(0).send(SimNetwork.peerOf(VICTIM), new Message.GetPeers());
        network.eclipse(VICTIM, Set.of(ATTACKER));
        events.run(100, () -> false);
        assertThat(heard.get(VICTIM)).isEmpty();
        assertThat(network.dropped()).isEqualTo(1);
    }

    @Test
    void anchorConnectionsStayAndRelay() throws Exception {
        SimNetwork network = network(null);
        network.eclipse(VICTIM, Set.of(ATTACKER), 2);
        assertThat(network.anchorsOf(VICTIM)).containsExactly(0, 1);
        assertThat(network.peersOf(VICTIM)).containsExactly(0, 1, ATTACKER);
        broadcastFrom(network, 0);
        broadcastFrom(network, 2);
        assertThat(heard.get(VICTIM)).containsExactly(0);
        // In a full mesh nodes do not relay; the anchors must, or the victim would hear only their own blocks.
        assertThat(network.endpointOf(0).broadcastReachesAll()).isFalse();
        assertThat(network.endpointOf(2).broadcastReachesAll()).isTrue();
        assertThat(network.endpointOf(ATTACKER).broadcastReachesAll()).isTrue();
        network.heal(VICTIM);
        assertThat(network.anchorsOf(VICTIM)).isEmpty();
        assertThat(network.endpointOf(0).broadcastReachesAll()).isTrue();
    }

    @Test
    void overATopologyTheVictimsBroadcastGoesToTheAttackersAndTheirsToIt() throws Exception {
        // A ring 0-1-2-3-4-0: the victim's neighbours are 3 and 0; the attacker 1 is not one of them.
        int[][] ring = {{1, 4}, {0, 2}, {1, 3}, {2, 4}, {3, 0}};
        SimNetwork network = network(ring);
        network.eclipse(VICTIM, Set.of(1), 1);
        assertThat(network.anchorsOf(VICTIM)).containsExactly(3);
        assertThat(network.peersOf(VICTIM)).containsExactly(1, 3);
        assertThat(network.peersOf(0)).containsExactly(1);
        assertThat(network.peersOf(1)).containsExactly(0, 2, VICTIM);
        broadcastFrom(network, VICTIM);
        assertThat(heard.get(1)).containsExactly(VICTIM);
        assertThat(heard.get(3)).containsExactly(VICTIM);
        assertThat(heard.get(0)).isEmpty();
        broadcastFrom(network, 1);
        assertThat(heard.get(VICTIM)).containsExactly(1);
        network.heal(VICTIM);
        assertThat(network.peersOf(VICTIM)).containsExactly(3, 0);
    }

    @Test
    void badTakeoversAreRefused() {
        SimNetwork network = network(null);
        assertThatThrownBy(() -> network.eclipse(VICTIM, Set.of(VICTIM))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not another node");
        assertThatThrownBy(() -> network.eclipse(VICTIM, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.eclipse(VICTIM, Set.of(ATTACKER), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than the 4 anchor");
        assertThatThrownBy(() -> network.eclipse(9, Set.of(ATTACKER))).isInstanceOf(IllegalArgumentException.class);
    }
}
