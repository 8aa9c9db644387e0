package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import mvpos.chain.Header;
import mvpos.chain.SignedSeal;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlashingProtectionTest {
    private static final String CHAIN = "mvpos-test";
    private static final mvpos.chain.ChainDomain DOMAIN = mvpos.chain.TestDomain.of(CHAIN);
    private static final KeyPair ALICE = KeyPair.generate(new HashDrbg(1));
    private static final KeyPair BOB = KeyPair.generate(new HashDrbg(2));

    @TempDir
    Path dir;

    private static byte[] hash(int n) {
        byte[] h = new byte[32];
        h[0] = (byte) n;
        return h;
    }

    private static Vote vote(KeyPair key, long source, long target, int targetHash) {
        return Vote.sign(key, DOMAIN, source, hash((int) source), target, hash(targetHash));
    }

    private static Header unsealed(KeyPair proposer, long slot, int variant) {
        return new Header(CHAIN, slot, hash(0), 1_000 + variant, slot, proposer.address(), hash(1), hash(2), "poa",
                new byte[0], new byte[0]);
    }

    /** An honest validator's votes: consecutive links, a vote re-signed, a skipped epoch. */
    @Test
    void allowsHonestVotes() throws IOException {
        try (SlashingProtection protection = SlashingProtection.inMemory()) {
            assertThat(protection.recordVote(vote(ALICE, 0, 1, 1))).isTrue();
            assertThat(protection.recordVote(vote(ALICE, 1, 2, 2))).isTrue();
            assertThat(protection.recordVote(vote(ALICE, 1, 2, 2))).isTrue(); // the same vote again
            assertThat(protection.recordVote(vote(ALICE, 2, 4, 4))).isTrue();
            assertThat(protection.recordVote(vote(ALICE, 4, 5, 5))).isTrue();
            // Another validator's record is its own.
            assertThat(protection.recordVote(vote(BOB, 0, 5, 9))).isTrue();
        }
    }

    @Test
    void refusesADoubleVote() throws IOException {
        try (SlashingProtection protection = SlashingProtection.inMemory()) {
            assertThat(protection.recordVote(vote(ALICE, 0, 2, 1))).isTrue();
            Vote conflicting = vote(ALICE, 0, 2, 7);
            assertThat(SlashingConditions.isDoubleVote(conflicting, vote(ALICE, 0, 2, 1))).isTrue();
            assertThat(protection.maySignVote(conflicting)).isFalse();
            assertThat(protection.recordVote(conflicting)).isFalse();
            assertThat(protection.maySignVote(vote(ALICE, 1, 2, 1))).isFalse(); // same target, another source
            // Refused, so not recorded: the first vote is still the one allowed.
            assertThat(protection.maySignVote(vote(ALICE, 0, 2, 1))).isTrue();
        }
    }

    @Test
    void refusesASurroundVoteEitherWay() throws IOException {
        try (SlashingProtection protection = SlashingProtection.inMemory()) {
            assertThat(protection.recordVote(vote(ALICE, 2, 3, 3))).isTrue();
            assertThat(protection.maySignVote(vote(ALICE, 1, 4, 4))).isFalse(); // surrounds the signed one
            assertThat(protection.recordVote(vote(ALICE, 1, 6, 6))).isFalse();
            assertThat(protection.recordVote(vote(ALICE, 5, 9, 9))).isTrue();
            assertThat(protection.maySignVote(vote(ALICE, 6, 8, 8))).isFalse(); // surrounded by 5 -> 9
            assertThat(protection.maySignVote(vote(ALICE, 3, 5, 5))).isTrue();
        }
    }

    @Test
    void signVoteIfSafeSignsOnlySafeVotes() throws IOException {
        try (SlashingProtection protection = SlashingProtection.inMemory()) {
            Optional<Vote> first = protection.signVoteIfSafe(ALICE, DOMAIN, 0, hash(0), 1, hash(1));
            assertThat(first).isPresent();
            assertThat(first.get().hasValidSignature(DOMAIN)).isTrue();
            assertThat(first.get()).isEqualTo(vote(ALICE, 0, 1, 1));
            assertThat(protection.signVoteIfSafe(ALICE, DOMAIN, 0, hash(0), 1, hash(2))).isEmpty();
            assertThat(protection.signVoteIfSafe(ALICE, DOMAIN, 0, hash(0), 1, hash(1))).contains(first.get());
            // A vote on another chain does not conflict.
            assertThat(protection.signVoteIfSafe(ALICE, mvpos.chain.TestDomain.of("elsewhere"), 0, hash(0), 1, hash(2))).isPresent();
        }
    }

    @Test
    void refusesASecondBlockInASlot() throws IOException {
        try (SlashingProtection protection = SlashingProtection.inMemory()) {
            assertThat(protection.maySignBlock(5)).isTrue();
            Optional<Header> first = protection.signBlockIfSafe(ALICE, DOMAIN.genesisHash(), unsealed(ALICE, 5, 1));
            assertThat(first).isPresent();
            assertThat(SignedSeal.isValid(first.get(), DOMAIN.genesisHash())).isTrue();
            assertThat(protection.maySignBlock(5)).isFalse();
            assertThat(protection.maySignBlock(5, first.get().hash())).isTrue();
            assertThat(protection.signBlockIfSafe(ALICE, DOMAIN.genesisHash(), unsealed(ALICE, 5, 2))).isEmpty();
            assertThat(protection.recordBlock(5, hash(9))).isFalse();
            // The same block again (a re-broadcast), and the next slots, are fine.
            assertThat(protection.signBlockIfSafe(ALICE, DOMAIN.genesisHash(), unsealed(ALICE, 5, 1))).contains(first.get());
            assertThat(protection.recordBlock(6, hash(6))).isTrue();
            assertThat(protection.signBlockIfSafe(ALICE, DOMAIN.genesisHash(), unsealed(ALICE, 7, 1))).isPresent();
        }
    }

    /** What was signed before a restart is still refused after it. */
    @Test
    void stillRefusesAfterReopening() throws IOException {
        Path store = dir.resolve("protection");
        try (SlashingProtection protection = SlashingProtection.open(store)) {
            assertThat(protection.recordVote(vote(ALICE, 2, 3, 3))).isTrue();
            assertThat(protection.signVoteIfSafe(ALICE, DOMAIN, 3, hash(3), 4, hash(4))).isPresent();
            assertThat(protection.recordBlock(5, hash(5))).isTrue();
        }
        try (SlashingProtection reopened = SlashingProtection.open(store)) {
            assertThat(reopened.maySignVote(vote(ALICE, 2, 3, 8))).isFalse(); // double
            assertThat(reopened.maySignVote(vote(ALICE, 3, 4, 8))).isFalse(); // double of the signed one
            assertThat(reopened.maySignVote(vote(ALICE, 1, 5, 5))).isFalse(); // surround
            assertThat(reopened.maySignVote(vote(ALICE, 2, 3, 3))).isTrue(); // the same vote
            assertThat(reopened.maySignVote(vote(ALICE, 4, 5, 5))).isTrue();
            assertThat(reopened.maySignBlock(5)).isFalse();
            assertThat(reopened.maySignBlock(5, hash(5))).isTrue();
            assertThat(reopened.recordBlock(5, hash(6))).isFalse();
            assertThat(reopened.recordVote(vote(ALICE, 4, 5, 5))).isTrue();
        }
        try (SlashingProtection again = SlashingProtection.open(store)) {
            assertThat(again.maySignVote(vote(ALICE, 4, 5, 6))).isFalse();
        }
    }

    /** A directory held by another open record is refused with a clear message, not a crash. */
    @Test
    void directoryInUseIsRefused() throws IOException {
        Path store = dir.resolve("protection");
        try (SlashingProtection protection = SlashingProtection.open(store)) {
            assertThatThrownBy(() -> SlashingProtection.open(store)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void nullDirectoryIsInMemory() throws IOException {
        try (SlashingProtection protection = SlashingProtection.open(null)) {
            assertThat(protection.recordVote(vote(ALICE, 0, 1, 1))).isTrue();
            assertThat(protection.maySignVote(vote(ALICE, 0, 1, 2))).isFalse();
        }
    }

    /**
     * An engine protocol's statements (a BFT validator's prevotes): one value per kind and position, the
     * same one again allowed, and still refused after a restart; records far behind are pruned and refused.
     */
    @Test
    void signsOneValuePerStatementPositionEvenAcrossARestart() throws IOException {
        String prevote = "bft.prevote";
        long position = (5L << 20) + 1;
        try (SlashingProtection protection = SlashingProtection.open(dir)) {
            assertThat(protection.signStatementIfSafe(ALICE, DOMAIN, prevote, position, hash(7))).isPresent();
            assertThat(protection.signStatementIfSafe(ALICE, DOMAIN, prevote, position, hash(7))).isPresent();
            assertThat(protection.signStatementIfSafe(ALICE, DOMAIN, prevote, position, new byte[0])).isEmpty();
            assertThat(protection.signStatementIfSafe(ALICE, DOMAIN, "bft.precommit", position, new byte[0]))
                    .as("another kind").isPresent();
            assertThat(protection.signStatementIfSafe(ALICE, DOMAIN, prevote, position + 1, new byte[0]))
                    .as("another round").isPresent();
        }
        try (SlashingProtection reopened = SlashingProtection.open(dir)) {
            assertThat(reopened.signStatementIfSafe(ALICE, DOMAIN, prevote, position, new byte[0])).isEmpty();
            var again = reopened.signStatementIfSafe(ALICE, DOMAIN, prevote, position, hash(7));
            assertThat(again).isPresent();
            assertThat(again.get().hasValidSignature(DOMAIN)).isTrue();
            long far = position + SlashingProtection.STATEMENT_WINDOW + 10;
            assertThat(reopened.signStatementIfSafe(ALICE, DOMAIN, prevote, far, hash(8))).isPresent();
            assertThat(reopened.signStatementIfSafe(ALICE, DOMAIN, prevote, position + 2, hash(9)))
                    .as("behind the window the record cannot tell: refused").isEmpty();
        }
        try (SlashingProtection pruned = SlashingProtection.open(dir)) {
            assertThat(pruned.signStatementIfSafe(ALICE, DOMAIN, prevote, position + SlashingProtection.STATEMENT_WINDOW
                    + 10, hash(1))).as("the newest record survived the pruning").isEmpty();
        }
    }
}
