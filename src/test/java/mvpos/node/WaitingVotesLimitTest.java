package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Votes for target blocks a node does not know yet wait for them, at most
 * {@link NodeCore#MAX_WAITING_VOTES}: a flood of validly signed votes naming unknown blocks holds that
 * many, the oldest going first. The votes are real (signed by the chain's validator, each a different
 * target epoch, so no pair is slashable): the limit is not injectable, so the test reaches it.
 */
class WaitingVotesLimitTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aFloodOfVotesForUnknownBlocksHoldsAtMostTheLimitOldestFirstOut() throws Exception {
        DevChain chain = DevChain.prepare(dir.resolve("data"), 1_000, "ffg", () -> 1_000_000L, new HashDrbg(3));
        NodeCore node = NodeCore.open(chain.genesis(), new MemoryChainStore());
        byte[] genesis = node.blockAt(0).orElseThrow().hash();
        int flood = NodeCore.MAX_WAITING_VOTES + 10;
        List<Vote> votes = IntStream.range(0, flood).parallel().mapToObj(i -> Vote.sign(chain.devKey(), node.domain(),
                0, genesis, i + 1, ByteBuffer.allocate(32).putInt(i).array())).toList();
        for (int i = 0; i < flood; i++) {
            assertThat(node.addVote(votes.get(i), 0)).isInstanceOf(NodeCore.VoteAccepted.class);
            if (i < 3 || i >= NodeCore.MAX_WAITING_VOTES - 3) {
                assertThat(node.waitingVotes()).isEqualTo(Math.min(i + 1, NodeCore.MAX_WAITING_VOTES));
            }
        }
        assertThat(node.waitingVotes()).isEqualTo(NodeCore.MAX_WAITING_VOTES);
        // The newest are held (offered again, each is a duplicate); the ten oldest were let go.
        assertThat(node.addVote(votes.get(flood - 1), 0)).isEqualTo(new NodeCore.VoteIgnored("duplicate"));
        assertThat(node.addVote(votes.get(10), 0)).isEqualTo(new NodeCore.VoteIgnored("duplicate"));
        assertThat(node.addVote(votes.get(9), 0)).as("the tenth oldest, let go, is new again")
                .isInstanceOf(NodeCore.VoteAccepted.class);
        assertThat(node.waitingVotes()).isEqualTo(NodeCore.MAX_WAITING_VOTES);
    }
}
