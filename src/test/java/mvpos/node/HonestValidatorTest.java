package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Vote;
import mvpos.consensus.Engines;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An honest validator never signs a slashable pair: what it signed is on disk, and after a restart it
 * still refuses a vote that would be slashable with one signed before, and a second block for a slot.
 */
class HonestValidatorTest {
    @TempDir
    Path dir;

    private long now = 1_000_000;

    private NodeCore core(DevChain chain, SlashingProtection protection) throws Exception {
        return new NodeCore(chain.genesis(), Engines.named(chain.genesis().engine()).configure(chain.genesis()),
                new MemoryChainStore(), chain.devKey(), new SignatureCache(1_000), new TransitionCache(16), protection);
    }

    /** Produces blocks (and votes) slot by slot until the validator has voted for epoch {@code epoch}. */
    private Vote runUntilVote(NodeCore core, long epoch) throws Exception {
        for (int i = 0; i < 100; i++) {
            now += 1_000;
            core.tryProduce(now, new HashDrbg(i), 1);
            Optional<Vote> vote = core.tryVote();
            if (vote.isPresent() && vote.get().targetEpoch() == 2 && epoch == 3) {
                throw new AssertionError("it signed a vote for epoch 2 after a restart: " + vote.get());
            }
            if (vote.isPresent() && vote.get().targetEpoch() == epoch) {
                return vote.get();
            }
        }
        throw new AssertionError("no vote for epoch " + epoch);
    }

    @Test
    void afterARestartItRefusesAVoteSlashableWithOneSignedBefore() throws Exception {
        DevChain chain = DevChain.prepare(dir.resolve("data"), 1_000, "ffg", () -> now, new HashDrbg(1));
        MemoryChainStore store = new MemoryChainStore();
        Vote conflicting;
        try (SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"))) {
            NodeCore first = new NodeCore(chain.genesis(), Engines.named("poa").configure(chain.genesis()), store,
                    chain.devKey(), new SignatureCache(1_000), new TransitionCache(16), protection);
            Vote one = runUntilVote(first, 1);
            // Before the restart it had also signed a vote for epoch 2 on a block this chain will not have
            // (say, on a fork it followed for a while).
            conflicting = Vote.sign(chain.devKey(), chain.genesis().chainId(), 1, one.targetHash(), 2, new byte[32]);
            assertThat(protection.recordVote(conflicting)).isTrue();
        }
        try (SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"))) {
            NodeCore second = new NodeCore(chain.genesis(), Engines.named("poa").configure(chain.genesis()), store,
                    chain.devKey(), new SignatureCache(1_000), new TransitionCache(16), protection);
            Vote next = runUntilVote(second, 3);
            // No vote for epoch 2 was signed (it would have been a double vote); the one for epoch 3 is safe.
            assertThat(mvpos.chain.SlashingConditions.isSlashable(next, conflicting)).isFalse();
            assertThat(second.finality().orElseThrow().isJustified(next.targetHash())).isTrue();
        }
    }

    @Test
    void afterARestartItRefusesASecondBlockForASlotItSignedBefore() throws Exception {
        DevChain chain = DevChain.prepare(dir.resolve("data"), 1_000, "none", () -> now, new HashDrbg(2));
        Block first;
        try (SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"))) {
            now += 3_000;
            first = core(chain, protection).tryProduce(now, new HashDrbg(1), 1).orElseThrow();
        }
        try (SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"))) {
            NodeCore again = core(chain, protection); // a fresh store: it would seal slot 3 again
            assertThat(again.tryProduce(now + 10, new HashDrbg(2), 1)).isEmpty();
            assertThat(again.head().height()).isZero();
            // The next slot is its own again.
            assertThat(again.tryProduce(now + 1_000, new HashDrbg(3), 1)).isPresent();
        }
        assertThat(first.header().slot()).isEqualTo(3);
    }
}
