package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import mvpos.chain.Block;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A validator killed between signing and sending: its record of what it signed is on disk before the
 * signature leaves {@link SlashingProtection}, so the validator that starts again from what the disk
 * held at that instant never signs a vote slashable with the one it signed, nor a second block for the
 * slot it signed a block for, even on a chain that would lead it to.
 *
 * <p>The kill is a copy of the record's RocksDB directory taken while it is still open, right after the
 * signature was returned and before anything sent it or closed the record: what a {@code kill -9} at that
 * instant leaves on disk (RocksDB replays its write-ahead log on open). The chain the node had is lost
 * with it (a fresh store), so the restarted validator builds a different chain from genesis. Each test
 * also shows that, restarted without the record, the same validator would sign the slashable pair.
 */
class SlashingProtectionCrashTest {
    @TempDir
    Path dir;

    private long now = 1_000_000;

    private Validator validator(DevChain chain, SlashingProtection protection) throws Exception {
        return Validator.honest(NodeCore.open(chain.genesis(), new MemoryChainStore()), chain.devKey(), protection,
                new HashDrbg(7), 1);
    }

    /** The files of a RocksDB directory as a crash leaves them (its lock is the process's, not the disk's). */
    private static Path crashImage(Path db, Path image) throws IOException {
        Files.createDirectories(image);
        try (Stream<Path> files = Files.list(db)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("LOCK")) {
                    Files.copy(file, image.resolve(file.getFileName()));
                }
            }
        }
        return image;
    }

    /** Produces slot by slot until the validator signs a vote for {@code epoch}. */
    private Vote runUntilVote(Validator validator, long epoch) throws Exception {
        for (int i = 0; i < 100; i++) {
            now += 1_000;
            validator.produceOnHead(now);
            Optional<Vote> vote = validator.voteDuty(now);
            if (vote.isPresent() && vote.get().targetEpoch() == epoch) {
                return vote.get();
            }
        }
        throw new AssertionError("no vote for epoch " + epoch);
    }

    /** The votes a restarted validator signs over {@code slots} slots from {@code start}, producing as it goes. */
    private static List<Vote> votesOver(Validator validator, long start, int slots) throws Exception {
        List<Vote> votes = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            long at = start + i * 1_000L;
            validator.produceOnHead(at);
            validator.voteDuty(at).ifPresent(votes::add);
        }
        return votes;
    }

    @Test
    void aValidatorKilledAfterSigningAVoteNeverSignsOneSlashableWithIt() throws Exception {
        DevChain chain = DevChain.prepare(dir.resolve("data"), 1_000, "ffg", () -> now, new HashDrbg(1));
        Vote signed;
        Path image;
        SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"));
        try {
            // Epoch 2's vote links the justified epoch 1 to epoch 2.
            signed = runUntilVote(validator(chain, protection), 2);
            assertThat(signed.sourceEpoch()).isEqualTo(1);
            image = crashImage(dir.resolve("signed"), dir.resolve("at-the-kill"));
        } finally {
            protection.close();
        }
        long restart = now + 300; // still in epoch 2

        // Restarted from what the disk held: on its new chain from genesis, epoch 2's vote would be a double
        // vote and every later one (from genesis) a surround vote; it signs none of them.
        try (SlashingProtection reopened = SlashingProtection.open(image)) {
            List<Vote> after = votesOver(validator(chain, reopened), restart, 20);
            assertThat(after).noneMatch(v -> SlashingConditions.isSlashable(v, signed));
            assertThat(reopened.maySignVote(signed)).as("the very same vote may be signed again").isTrue();
        }

        // Without the record the same restart signs a slashable pair: the danger the record prevents.
        try (SlashingProtection forgotten = SlashingProtection.inMemory()) {
            List<Vote> unprotected = votesOver(validator(chain, forgotten), restart, 20);
            assertThat(unprotected).anyMatch(v -> SlashingConditions.isSlashable(v, signed));
        }
    }

    @Test
    void aValidatorKilledAfterSealingABlockNeverSealsAnotherForItsSlot() throws Exception {
        DevChain chain = DevChain.prepare(dir.resolve("data"), 1_000, "none", () -> now, new HashDrbg(2));
        now += 3_000;
        Block sealed;
        Path image;
        SlashingProtection protection = SlashingProtection.open(dir.resolve("signed"));
        try {
            sealed = validator(chain, protection).produceOnHead(now).orElseThrow();
            image = crashImage(dir.resolve("signed"), dir.resolve("at-the-kill"));
        } finally {
            protection.close();
        }
        long slot = sealed.header().slot();

        // Restarted later in the same slot on a fresh store: the block it would seal differs (a later
        // timestamp) from the one it sealed before the kill, so it seals none; the next slot is its own.
        try (SlashingProtection reopened = SlashingProtection.open(image)) {
            Validator restarted = validator(chain, reopened);
            assertThat(restarted.produceOnHead(now + 10)).isEmpty();
            assertThat(restarted.chain().head().height()).isZero();
            assertThat(restarted.produceOnHead(now + 1_000)).hasValueSatisfying(
                    b -> assertThat(b.header().slot()).isEqualTo(slot + 1));
        }

        // Without the record it seals a second, different block for the slot: an equivocation.
        try (SlashingProtection forgotten = SlashingProtection.inMemory()) {
            Block twin = validator(chain, forgotten).produceOnHead(now + 10).orElseThrow();
            assertThat(twin.header().slot()).isEqualTo(slot);
            assertThat(twin.hash()).isNotEqualTo(sealed.hash());
        }
    }
}
