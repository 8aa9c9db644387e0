package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;
import mvpos.node.Outbox;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/** Held delivery: nothing leaves while holding, release sends in order, releaseFirst sends the oldest. */
class HeldOutboxTest {
    private static final class Recording implements Outbox {
        final List<Object> sent = new ArrayList<>();

        @Override
        public void announce(Block block) {
            sent.add(block);
        }

        @Override
        public void announce(Vote vote) {
            sent.add(vote);
        }

        @Override
        public void announce(Transaction transaction) {
            sent.add(transaction);
        }
    }

    @Test
    void holdsThenReleasesInOrder() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("pos", 2, 1000, 3), head -> { });
        devnet.advance(3_000);
        Block first = devnet.node(0).head();
        devnet.advance(3_000);
        Block second = devnet.node(0).head();
        devnet.advance(3_000);
        Block third = devnet.node(0).head();

        Recording network = new Recording();
        HeldOutbox outbox = new HeldOutbox(network);
        outbox.announce(first);
        assertThat(network.sent).containsExactly(first); // not holding: straight out
        outbox.hold();
        outbox.announce(second);
        outbox.announce(third);
        assertThat(network.sent).containsExactly(first);
        assertThat(outbox.heldCount()).isEqualTo(2);
        assertThat(outbox.releaseFirst(1)).isEqualTo(1);
        assertThat(network.sent).containsExactly(first, second);
        assertThat(outbox.holding()).isTrue();
        assertThat(outbox.release()).isEqualTo(1);
        assertThat(network.sent).containsExactly(first, second, third);
        assertThat(outbox.holding()).isFalse();

        Coalition coalition = new Coalition();
        coalition.post(second);
        coalition.post(first);
        assertThat(coalition.tip()).contains(second);
        assertThat(coalition.blocks()).containsExactly(second, first);
    }
}
