package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import mvpos.chain.MemoryChainStore;
import mvpos.consensus.Engines;
import mvpos.crypto.HashDrbg;
import mvpos.node.NodeCore;
import mvpos.node.SignatureCache;
import mvpos.node.TransitionCache;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/** A node far behind catches up by asking a peer for ranges of blocks forward, one range at a time. */
class RangeSyncTest {

    /** Two gossips wired to each other through a queue, recording what the follower asked for. */
    private static final class Pipe {
        final Deque<Runnable> queue = new ArrayDeque<>();
        final List<Message> requests = new ArrayList<>();
        Gossip source;
        Gossip follower;
        final PeerId sourceId = new PeerId("source");
        final PeerId followerId = new PeerId("follower");

        Network toSource() {
            return endpoint(true);
        }

        Network toFollower() {
            return endpoint(false);
        }

        private Network endpoint(boolean followerSends) {
            return new Network() {
                @Override
                public void send(PeerId to, Message message) {
                    deliver(message);
                }

                @Override
                public void broadcast(Message message) {
                    deliver(message);
                }

                private void deliver(Message message) {
                    if (followerSends) {
                        requests.add(message);
                        queue.add(() -> run(() -> source.onMessage(followerId, message, Long.MAX_VALUE / 4)));
                    } else {
                        queue.add(() -> run(() -> follower.onMessage(sourceId, message, Long.MAX_VALUE / 4)));
                    }
                }

                @Override
                public boolean broadcastReachesAll() {
                    return false;
                }
            };
        }

        interface Step {
            void run() throws Exception;
        }

        static void run(Step step) {
            try {
                step.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void drain() {
            while (!queue.isEmpty()) {
                queue.poll().run();
            }
        }
    }

    @Test
    void aFreshNodeSyncsAChainFarLongerThanItsOrphanPoolByForwardRanges() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("poa", 2, 100, 5), head -> { });
        devnet.run(1_200, 0);
        NodeCore source = devnet.node(0);
        NodeCore follower = NodeCore.open(devnet.genesis(), new MemoryChainStore());
        Pipe pipe = new Pipe();
        pipe.source = new Gossip(source, null, pipe.toFollower());
        pipe.follower = new Gossip(follower, null, pipe.toSource());

        pipe.follower.onMessage(pipe.sourceId, new Message.Status(source.head().height(), source.head().hash()),
                Long.MAX_VALUE / 4);
        pipe.drain();

        assertThat(source.head().height()).isGreaterThan(NodeCore.MAX_ORPHANS);
        assertThat(follower.head()).isEqualTo(source.head());
        long ranges = pipe.requests.stream().filter(m -> m instanceof Message.GetBlocks).count();
        assertThat(ranges).isEqualTo((source.head().height() + Gossip.MAX_BLOCKS_PER_ANSWER - 1)
                / Gossip.MAX_BLOCKS_PER_ANSWER);
        assertThat(pipe.requests).noneMatch(m -> m instanceof Message.GetBlock);
    }
}
