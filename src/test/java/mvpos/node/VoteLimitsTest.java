package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import org.junit.jupiter.api.Test;

/**
 * A flood of votes costs a node bounded memory: the vote pool keeps at most {@link VotePool#MAX_VOTES}
 * (the oldest target epochs go first), its record of votes handled at most twice that (whole oldest
 * epochs go first), and the offence detector the votes of at most
 * {@link OffenceDetector#MAX_VALIDATORS} validators, {@link OffenceDetector#RECENT_VOTES_PER_VALIDATOR}
 * each. The rules are tested on the structures themselves, with unsigned votes: none of them checks a
 * signature (the node does before), and signing hundreds of thousands of votes would take the test
 * most of a minute. The votes a node holds for target blocks it does not know yet, which it has
 * verified, are bounded through the node: {@link WaitingVotesLimitTest}.
 */
class VoteLimitsTest {
    private static final String CHAIN = "vote-limits";

    private static byte[] bytes(long n) {
        return ByteBuffer.allocate(32).putLong(n).array();
    }

    /** A distinct unsigned vote by validator {@code voter} for {@code target}, told apart by {@code n}. */
    private static Vote vote(long voter, long source, long target, long n) {
        return new Vote(CHAIN, bytes(voter), source, bytes(-1), target, bytes(n), new byte[0]);
    }

    @Test
    void thePoolKeepsAtMostMaxVotesAndDropsTheOldestTargetEpochsFirst() {
        VotePool pool = new VotePool();
        List<Vote> oldest = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            oldest.add(vote(1, 2, 3, i));
            assertThat(pool.add(oldest.get(i))).isTrue();
        }
        List<Vote> middle = new ArrayList<>();
        for (int i = 0; i < VotePool.MAX_VOTES - 10; i++) {
            middle.add(vote(1, 6, 7, i));
            pool.add(middle.get(i));
        }
        assertThat(pool.size()).isEqualTo(VotePool.MAX_VOTES);
        assertThat(pool.add(middle.get(0))).as("a vote pooled already").isFalse();

        List<Vote> newest = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            newest.add(vote(1, 8, 9, i));
            assertThat(pool.add(newest.get(i))).isTrue();
            assertThat(pool.size()).isEqualTo(VotePool.MAX_VOTES);
        }
        // Epoch 3's ten went first, then the first five of epoch 7, in the order they came.
        assertThat(oldest).noneMatch(pool::contains);
        assertThat(middle.subList(0, 5)).noneMatch(pool::contains);
        assertThat(pool.contains(middle.get(5))).isTrue();
        assertThat(pool.contains(middle.get(middle.size() - 1))).isTrue();
        assertThat(newest).allMatch(pool::contains);

        // A vote for a target older than any pooled, arriving when the pool is full, is the first to go.
        Vote late = vote(1, 0, 1, 0);
        pool.add(late);
        assertThat(pool.contains(late)).isFalse();
        assertThat(pool.size()).isEqualTo(VotePool.MAX_VOTES);
        assertThat(pool.contains(middle.get(5))).isTrue();
    }

    @Test
    void theRecordOfVotesHandledKeepsAtMostTwiceMaxVotesDroppingWholeOldestEpochs() {
        VotePool pool = new VotePool();
        Vote first = vote(1, 0, 1, 0);
        assertThat(pool.markSeen(first)).isTrue();
        assertThat(pool.markSeen(first)).as("handled once").isFalse();
        Vote lastOfEpochOne = null;
        for (int i = 1; i < 100; i++) {
            lastOfEpochOne = vote(1, 0, 1, i);
            pool.markSeen(lastOfEpochOne);
        }
        Vote firstOfEpochTwo = vote(1, 1, 2, 0);
        for (int i = 0; i < 2 * VotePool.MAX_VOTES - 100; i++) {
            pool.markSeen(vote(1, 1, 2, i));
        }
        assertThat(pool.seen(first)).isTrue();
        assertThat(pool.seen(lastOfEpochOne)).isTrue();
        // One more than the bound: all of epoch 1 is forgotten at once, epoch 2 kept whole.
        Vote beyond = vote(1, 2, 3, 0);
        assertThat(pool.markSeen(beyond)).isTrue();
        assertThat(pool.seen(first)).isFalse();
        assertThat(pool.seen(lastOfEpochOne)).isFalse();
        assertThat(pool.seen(firstOfEpochTwo)).isTrue();
        assertThat(pool.seen(beyond)).isTrue();
    }

    @Test
    void theOffenceDetectorRemembersAtMostMaxValidatorsAndTheirRecentVotes() {
        OffenceDetector detector = new OffenceDetector();
        // Validator 0 votes honestly for many epochs: only its last RECENT_VOTES_PER_VALIDATOR votes stay.
        int honestEpochs = OffenceDetector.RECENT_VOTES_PER_VALIDATOR + 8;
        for (int epoch = 1; epoch <= honestEpochs; epoch++) {
            assertThat(detector.observe(vote(0, epoch - 1, epoch, epoch))).isEmpty();
        }
        // A double vote for a target still remembered is found; one for a forgotten target is not.
        int remembered = honestEpochs - OffenceDetector.RECENT_VOTES_PER_VALIDATOR + 1;
        Vote doubleOfRemembered = vote(0, remembered - 1, remembered, 1_000);
        assertThat(detector.observe(doubleOfRemembered)).hasValueSatisfying(evidence ->
                assertThat(SlashingConditions.isDoubleVote(((mvpos.chain.SlashingEvidence.VotePair) evidence).first(),
                        doubleOfRemembered)).isTrue());
        assertThat(detector.observe(vote(0, remembered - 2, remembered - 1, 1_000))).isEmpty();

        for (long voter = 1; voter <= OffenceDetector.MAX_VALIDATORS; voter++) {
            detector.observe(vote(voter, 0, 1, voter));
        }
        assertThat(detector.validatorsRemembered()).isEqualTo(OffenceDetector.MAX_VALIDATORS);
        // Validator 0 was the least recently seen: forgotten, so its double vote now goes unnoticed (and
        // its return pushes out validator 1, now the least recent), while validator 2's is still found.
        assertThat(detector.observe(vote(0, remembered - 1, remembered, 2_000))).isEmpty();
        assertThat(detector.validatorsRemembered()).isEqualTo(OffenceDetector.MAX_VALIDATORS);
        assertThat(detector.observe(vote(2, 0, 1, 2_000))).isPresent();
    }
}
