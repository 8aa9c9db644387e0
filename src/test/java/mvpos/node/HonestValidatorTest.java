package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
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

    private Validator validator(DevChain chain, MemoryChainStore store, SlashingProtection protection)
            throws Exception {
        return Validator.honest(NodeCore.open(chain.genesis(), store), chain.devKey(), protection, new HashDrbg(7), 1);
    }

    /** Produces blocks (and votes) slot by slot until the validator has voted for epoch {@code epoch}. */
    private Vote runUntilVote(Validator validator, long epoch) throws Exception {
        for (int i = 0; i < 100; i++) {
            now += 1_000;
            validator.produceOnHead(now);
            Optional<Vote> vote = validator.voteDuty(now);
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
            Validator first = validator(chain, store, protection);
            Vote one = runUntilVote(first, 1);
            // Before the restart it had also signed a vote for epoch 2 on a block this chain will not have
            // (say, on a fork it followed for a while).
            conflicting = Vote.sign(chain.devKey(), first.chain().domain(), 1, one.targetHash(), 2, new byte[32]);
            assertThat(protection.recordVote(conflicting)).isTrue();
        }
        try (SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"))) {
            Validator second = validator(chain, store, protection);
            Vote next = runUntilVote(second, 3);
            // No vote for epoch 2 was signed (it would have been a double vote); the one for epoch 3 is safe.
            assertThat(mvpos.chain.SlashingConditions.isSlashable(next, conflicting)).isFalse();
            // And it counts: once the chain moves on, epoch 3's checkpoint is justified by it alone.
            for (int i = 0; i < 20 && second.chain().headFinality().orElseThrow().currentJustified().epoch() < 3; i++) {
                now += 1_000;
                second.produceOnHead(now);
                second.voteDuty(now);
            }
            assertThat(second.chain().headFinality().orElseThrow().currentJustified().hash())
                    .isEqualTo(next.targetHash());
        }
    }

    @Test
    void afterARestartItRefusesASecondBlockForASlotItSignedBefore() throws Exception {
        DevChain chain = DevChain.prepare(dir.resolve("data"), 1_000, "none", () -> now, new HashDrbg(2));
        Block first;
        try (SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"))) {
            now += 3_000;
            first = validator(chain, new MemoryChainStore(), protection).produceOnHead(now).orElseThrow();
        }
        try (SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"))) {
            Validator again = validator(chain, new MemoryChainStore(), protection); // a fresh store: it would seal slot 3 again
            assertThat(again.produceOnHead(now + 10)).isEmpty();
            assertThat(again.chain().head().height()).isZero();
            // The next slot is its own again.
            assertThat(again.produceOnHead(now + 1_000)).isPresent();
        }
        assertThat(first.header().slot()).isEqualTo(3);
    }
}
