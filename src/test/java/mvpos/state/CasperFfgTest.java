package mvpos.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Account;
import mvpos.chain.Checkpoint;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.KeyPair;
import mvpos.testing.FfgChain;
import mvpos.testing.FfgChain.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Casper FFG as the state transition runs it, on hand-built block trees: justification and
 * finalization, the 2/3 threshold over both dynasties, the refusals that make votes unable to lie,
 * and the four attacks the node-local gadget fell to, as regression tests.
 */
class CasperFfgTest {
    private static final long L = 4; // slots per epoch

    private static Node honestEpochs(FfgChain chain, Node from, long fromEpoch, long toEpoch, int... voters) {
        Node at = from;
        for (long e = fromEpoch; e <= toEpoch; e++) {
            at = chain.honestEpoch(at, e, voters);
        }
        return at;
    }

    private static long rejected(StateTransition.Outcome outcome, Rejection.Reason reason) {
        assertThat(outcome).isInstanceOf(StateTransition.Rejected.class);
        Rejection rejection = ((StateTransition.Rejected) outcome).rejection();
        assertThat(rejection.reason()).as("%s", rejection).isEqualTo(reason);
        return rejection.txIndex();
    }

    // ---------------------------------------------------------------- justification and finalization

    @Test
    void anHonestChainJustifiesEachEpochAndFinalizesTheOneBefore() {
        FfgChain chain = FfgChain.equal(4, 1_000, L, 1);
        Node at = chain.genesis();
        for (long e = 1; e <= 6; e++) {
            at = chain.honestEpoch(at, e, FfgChain.range(0, 4));
            // Entering epoch e + 1 processes epoch e's votes.
            Node next = chain.extend(at, (e + 1) * L);
            FinalityState f = next.finality();
            assertThat(f.currentJustified().epoch()).isEqualTo(e);
            assertThat(f.currentJustified().hash()).isEqualTo(chain.atSlot(at, e * L).currentTarget());
            assertThat(f.finalized().epoch()).isEqualTo(e - 1);
            assertThat(f.participationBasisPoints()).isEqualTo(10_000);
        }
    }

    @Test
    void aLinkNeedsTwoThirdsOfTheStakeNotTwoThirdsOfTheValidators() {
        // Stakes 1, 1, 1: two of three is exactly 2/3.
        FfgChain three = FfgChain.equal(3, 1_000, L, 2);
        Node twoThirds = three.extend(three.honestEpoch(three.genesis(), 1, 0, 1), 2 * L);
        assertThat(twoThirds.finality().currentJustified().epoch()).isEqualTo(1);

        // Stakes 10, 10, 10, 70: three validators of four are not enough; the big one and one other are.
        FfgChain weighted = new FfgChain(new long[] {10_000, 10_000, 10_000, 70_000}, 1, L, 3);
        Node threeSmall = weighted.extend(weighted.honestEpoch(weighted.genesis(), 1, 0, 1, 2), 2 * L);
        assertThat(threeSmall.finality().currentJustified().epoch()).isZero();
        Node bigAndOne = weighted.extend(weighted.honestEpoch(weighted.genesis(), 1, 0, 3), 2 * L);
        assertThat(bigAndOne.finality().currentJustified().epoch()).isEqualTo(1);
    }

    @Test
    void aVoteIncludedInTheNextEpochStillCounts() {
        FfgChain chain = FfgChain.equal(4, 1_000, L, 4);
        Node boundary = chain.extend(chain.genesis(), L);
        List<Vote> votes = chain.honestVotes(boundary, L + 1, FfgChain.range(0, 4));
        // No block carries them in epoch 1; the first block of epoch 2 does, as votes for the previous epoch.
        Node late = chain.extend(boundary, 2 * L, votes);
        assertThat(late.finality().previousVotes().count()).isEqualTo(4);
        Node processed = chain.extend(late, 3 * L);
        assertThat(processed.finality().currentJustified().epoch()).isEqualTo(1);
        // Two epochs late is too late.
        Node boundary5 = chain.extend(processed, 5 * L);
        List<Vote> old = chain.honestVotes(boundary5, 5 * L + 1, 0);
        assertThat(chain.tryExtend(chain.extend(boundary5, 7 * L), 7 * L + 1, old, List.of()))
                .isInstanceOf(StateTransition.Rejected.class);
    }

    // ---------------------------------------------------------------- votes cannot lie

    @Test
    void aVoteWhoseSourceIsNotTheChainsJustifiedCheckpointIsRefused() {
        // Issue scenario 2: a vote's source epoch was never checked against the epoch at which that block
        // was justified. Here the source names the right block with a lying epoch, then a wrong block.
        FfgChain chain = FfgChain.equal(4, 1_000, L, 5);
        Node at = honestEpochs(chain, chain.genesis(), 1, 2, FfgChain.range(0, 4));
        Node boundary = chain.extend(at, 3 * L);
        FinalityState f = chain.atSlot(boundary, 3 * L + 1);
        Checkpoint target = new Checkpoint(3, f.currentTarget());
        Checkpoint source = f.currentJustified();
        Vote lyingEpoch = chain.vote(0, new Checkpoint(source.epoch() - 1, source.hash()), target);
        Vote otherBlock = chain.vote(1, new Checkpoint(source.epoch(), chain.genesis().hash()), target);
        for (Vote vote : List.of(lyingEpoch, otherBlock)) {
            StateTransition.Outcome outcome = chain.tryExtend(boundary, 3 * L + 1, List.of(vote), List.of());
            rejected(outcome, Rejection.Reason.INVALID_VOTE);
            assertThat(((StateTransition.Rejected) outcome).rejection().detail()).startsWith("WRONG_SOURCE");
        }
        Vote wrongTarget = chain.vote(2, source, new Checkpoint(3, f.previousTarget()));
        StateTransition.Outcome outcome = chain.tryExtend(boundary, 3 * L + 1, List.of(wrongTarget), List.of());
        assertThat(((StateTransition.Rejected) outcome).rejection().detail()).startsWith("WRONG_TARGET");
    }

    @Test
    void eachSignerCountsOncePerTargetAndOnlyFromTheDynasties() {
        FfgChain chain = FfgChain.equal(4, 1_000, L, 6);
        Node boundary = chain.extend(chain.genesis(), L);
        Vote vote = chain.honestVote(0, boundary, L + 1);
        Node counted = chain.extend(boundary, L + 1, List.of(vote));
        assertThat(((StateTransition.Rejected) chain.tryExtend(counted, L + 2, List.of(vote), List.of()))
                .rejection().detail()).startsWith("ALREADY_COUNTED");
        assertThat(((StateTransition.Rejected) chain.tryExtend(boundary, L + 1, List.of(vote, vote), List.of()))
                .rejection().detail()).startsWith("ALREADY_COUNTED");
        // A rich account outside the dynasties signs a perfectly shaped vote: it counts for nothing.
        FinalityState f = chain.atSlot(boundary, L + 1);
        Vote outsider = Vote.sign(chain.rich(0), chain.domain(), 0, f.currentJustified().hash(), 1, f.currentTarget());
        assertThat(((StateTransition.Rejected) chain.tryExtend(boundary, L + 1, List.of(outsider), List.of()))
                .rejection().detail()).startsWith("SIGNER_OUTSIDE_DYNASTY");
    }

    @Test
    @Timeout(10)
    void competingLinksFromDifferentSourcesCannotFlipFinalityOrHangTheNode() {
        // Issue scenario 1: two supermajority links e -> e + 1 from different justified sources made the
        // node-local gadget loop forever. On a chain there is one justified source per epoch: a vote from
        // any other is refused, each in bounded time.
        FfgChain chain = FfgChain.equal(4, 1_000, L, 7);
        Node at = honestEpochs(chain, chain.genesis(), 1, 3, FfgChain.range(0, 4));
        Node boundary = chain.extend(at, 4 * L);
        FinalityState f = chain.atSlot(boundary, 4 * L + 1);
        List<Vote> competing = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            competing.add(chain.vote(v, new Checkpoint(1, chain.atSlot(chain.extend(at, 4 * L), 4 * L).previousJustified()
                    .hash()), new Checkpoint(4, f.currentTarget())));
        }
        for (Vote vote : competing) {
            assertThat(chain.tryExtend(boundary, 4 * L + 1, List.of(vote), List.of()))
                    .isInstanceOf(StateTransition.Rejected.class);
        }
        Node honest = chain.extend(boundary, 4 * L + 1, chain.honestVotes(boundary, 4 * L + 1, FfgChain.range(0, 4)));
        assertThat(chain.extend(honest, 5 * L).finality().finalized().epoch()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- dynasties

    @Test
    void aDepositOnOneForkCannotFinalizeThatFork() {
        // Issue scenario 3: a rich account stakes on fork B only; it may never be 2/3 of B's voting set
        // while the old validators finalize A.
        FfgChain chain = FfgChain.equal(4, 1_000, L, 8);
        Node common = honestEpochs(chain, chain.genesis(), 1, 2, FfgChain.range(0, 4));
        KeyPair whale = chain.rich(0);
        Node b = chain.extend(common, 3 * L, List.of(), List.of(chain.stake(whale, 0, 1_000_000)));
        Node a = honestEpochs(chain, common, 3, 8, FfgChain.range(0, 4));
        // Entering epoch 3 finalized epoch 1 on both forks (their common votes): one dynasty change, no more.
        long forkFinalized = b.finality().finalized().epoch();
        long forkDynasty = b.finality().dynasty();
        for (long e = 3; e <= 12; e++) {
            b = chain.extend(b, e * L + 1);
            // The whale may not vote: it is in no dynasty of B, whose dynasty never changes without the old validators.
            FinalityState f = chain.atSlot(b, e * L + 2);
            Vote whaleVote = Vote.sign(whale, chain.domain(), f.currentJustified().epoch(), f.currentJustified().hash(),
                    e, f.currentTarget());
            assertThat(chain.tryExtend(b, e * L + 2, List.of(whaleVote), List.of()))
                    .isInstanceOf(StateTransition.Rejected.class);
        }
        assertThat(b.finality().finalized().epoch()).isEqualTo(forkFinalized);
        assertThat(b.finality().dynasty()).isEqualTo(forkDynasty);
        assertThat(chain.extend(a, 9 * L).finality().finalized().epoch()).isEqualTo(7);
    }

    @Test
    void aDepositCountsFromTheSecondDynastyChangeAndAtMostTheChurnLimitAtATime() {
        FfgChain chain = FfgChain.equal(4, 1_000, L, 9);
        KeyPair newcomer = chain.rich(0);
        Node deposit = chain.extend(chain.genesis(), 1, List.of(), List.of(chain.stake(newcomer, 0, 1_000)));
        Node at = deposit;
        List<Long> ceilings = new ArrayList<>();
        long dynasty = at.finality().dynasty();
        for (long e = 1; e <= 8; e++) {
            at = chain.honestEpoch(at, e, FfgChain.range(0, 4));
            FinalityState f = chain.extend(at, (e + 1) * L).finality();
            if (f.dynasty() > dynasty) {
                dynasty = f.dynasty();
                int index = f.validators().indexOf(newcomer.address());
                ceilings.add(index < 0 ? 0 : f.validators().ceiling(ValidatorRegistry.Dynasty.CURRENT, index));
                // Never more than 1/8 of the current dynasty's stake enters at one change.
                if (index >= 0) {
                    assertThat(f.validators().ceiling(ValidatorRegistry.Dynasty.NEXT, index)
                            - f.validators().ceiling(ValidatorRegistry.Dynasty.CURRENT, index))
                            .isLessThanOrEqualTo(Dynasties.churnLimit(4_000 + f.validators().ceiling(
                                    ValidatorRegistry.Dynasty.CURRENT, index)));
                }
            }
        }
        // Change 1: it enters the next dynasty (with 4,000 staked, 1/8 is 500); change 2: the current one.
        assertThat(ceilings.get(0)).isZero();
        assertThat(ceilings.get(1)).isEqualTo(500);
        assertThat(ceilings.get(2)).isEqualTo(1_000);
    }

    // ---------------------------------------------------------------- withdrawals and slashing

    @Test
    void aDoubleVoterThatUnstakesAtOnceIsStillSlashedForEverythingItHad() {
        // Issue scenario 4: evidence was judged against the current stake, so a double voter that unstaked
        // early kept everything. Unstaked tokens now stay locked while any dynasty counts them.
        FfgChain chain = FfgChain.equal(4, 1_000, L, 10);
        Node boundary = chain.extend(chain.genesis(), L);
        Vote honest = chain.honestVote(3, boundary, L + 1);
        Vote twin = chain.vote(3, new Checkpoint(honest.sourceEpoch(), honest.sourceHash()),
                new Checkpoint(1, new byte[32]));
        KeyPair offender = chain.validator(3);
        Node at = chain.extend(boundary, L + 1, chain.honestVotes(boundary, L + 1, 0, 1, 2, 3), List.of(
                chain.unstake(offender, 0, 1_000)));
        assertThat(at.state().account(offender.address()).stake()).isZero();
        assertThat(at.state().account(offender.address()).unbonding()).isEqualTo(1_000);
        at = honestEpochs(chain, at, 2, 4, FfgChain.range(0, 4));
        long reporterBefore = at.state().account(chain.validator(0).address()).balance();
        Account before = at.state().account(offender.address());
        assertThat(before.locked()).as("still locked, penalties aside").isGreaterThan(900);
        Node slashed = chain.extend(at, 5 * L, List.of(), List.of(chain.slash(chain.validator(0), 0,
                offender.address(), new SlashingEvidence.VotePair(honest, twin))));
        Account after = slashed.state().account(offender.address());
        assertThat(after.slashed()).isTrue();
        assertThat(after.locked()).isZero();
        assertThat(slashed.state().account(chain.validator(0).address()).balance() - reporterBefore)
                .isGreaterThanOrEqualTo(before.locked() / 16 - 1);
    }

    @Test
    void unstakedTokensAreReleasedOnlyAfterTheExitLeftEveryDynastyAndTheDelay() {
        FfgChain chain = FfgChain.equal(5, 1_000, L, 11);
        KeyPair leaver = chain.validator(4);
        Node at = chain.extend(chain.genesis(), 1, List.of(), List.of(chain.unstake(leaver, 0, 1_000)));
        long unstakeEpoch = 0;
        long released = -1;
        for (long e = 1; e <= 16 && released < 0; e++) {
            at = chain.honestEpoch(at, e, FfgChain.range(0, 4));
            // A transfer touches the account, so a release shows at once.
            Node touched = chain.extend(at, e * L + 2, List.of(), List.of(chain.transaction(leaver, e, mvpos.chain.TxKind.TRANSFER,
                    chain.rich(0).address(), 1, new byte[0])));
            at = touched;
            Account account = touched.state().account(leaver.address());
            FinalityState f = touched.finality();
            int index = f.validators().indexOf(leaver.address());
            if (account.unbonding() == 0) {
                released = e;
                assertThat(f.finalized().epoch()).isGreaterThanOrEqualTo(unstakeEpoch
                        + FfgConstants.MIN_VALIDATOR_WITHDRAWABILITY_DELAY);
            } else {
                assertThat(f.finalized().epoch() < unstakeEpoch + FfgConstants.MIN_VALIDATOR_WITHDRAWABILITY_DELAY
                        || f.validators().highestCeiling(index) > 0).isTrue();
            }
        }
        assertThat(released).as("released in the end").isPositive();
    }

    @Test
    void evidenceAboutStakeAlreadyWithdrawnIsRefusedWithItsReason() {
        FfgChain chain = FfgChain.equal(5, 1_000, L, 12);
        KeyPair leaver = chain.validator(4);
        Node boundary = chain.extend(chain.genesis(), L);
        Vote honest = chain.honestVote(4, boundary, L + 1);
        Vote twin = chain.vote(4, new Checkpoint(0, honest.sourceHash()), new Checkpoint(1, new byte[32]));
        Node at = chain.extend(boundary, L + 1, chain.honestVotes(boundary, L + 1, 0, 1, 2, 3, 4),
                List.of(chain.unstake(leaver, 0, 1_000)));
        for (long e = 2; e <= 16; e++) {
            at = chain.honestEpoch(at, e, FfgChain.range(0, 4));
        }
        at = chain.extend(at, 17 * L, List.of(), List.of(chain.transaction(leaver, 1, mvpos.chain.TxKind.TRANSFER,
                chain.rich(0).address(), 1, new byte[0])));
        assertThat(at.state().account(leaver.address()).locked()).as("withdrawn").isZero();
        StateTransition.Outcome late = chain.tryExtend(at, 17 * L + 1, List.of(), List.of(chain.slash(
                chain.validator(0), 0, leaver.address(), new SlashingEvidence.VotePair(honest, twin))));
        rejected(late, Rejection.Reason.NOTHING_TO_SLASH);
    }

    @Test
    void anOffenderThatReportsItselfGetsNoReward() {
        FfgChain chain = FfgChain.equal(4, 1_000, L, 13);
        Node boundary = chain.extend(chain.genesis(), L);
        Vote honest = chain.honestVote(2, boundary, L + 1);
        Vote twin = chain.vote(2, new Checkpoint(0, honest.sourceHash()), new Checkpoint(1, new byte[32]));
        KeyPair offender = chain.validator(2);
        long balance = boundary.state().account(offender.address()).balance();
        Node self = chain.extend(boundary, L + 1, List.of(), List.of(chain.slash(offender, 0, offender.address(),
                new SlashingEvidence.VotePair(honest, twin))));
        assertThat(self.state().account(offender.address()).balance()).isEqualTo(balance - 1); // its fee only
        assertThat(self.state().account(offender.address()).locked()).isZero();
    }

    // ---------------------------------------------------------------- rewards, penalties, the leak

    @Test
    void aCountedVoteEarnsAndAMissingOneCosts() {
        FfgChain chain = FfgChain.equal(4, 256_000, L, 14);
        Node at = honestEpochs(chain, chain.genesis(), 1, 3, 0, 1, 2);
        Node processed = chain.extend(at, 4 * L);
        Address voter = chain.validator(0).address();
        Address absent = chain.validator(3).address();
        Account voterAfter = processed.state().account(voter);
        Account absentAfter = processed.state().account(absent);
        // Base reward: 256,000 / 256 = 1,000 a epoch; a voter earns it times the share that voted (3/4).
        assertThat(voterAfter.stake()).isEqualTo(256_000);
        assertThat(voterAfter.balance()).isGreaterThan(1_000_000);
        assertThat(absentAfter.stake()).isLessThan(256_000);
        assertThat(absentAfter.balance()).isEqualTo(1_000_000);
    }

    @Test
    void theInactivityLeakRestoresFinalityWhenAThirdIsOffline() {
        FfgChain chain = FfgChain.equal(8, 100_000, L, 15);
        Node at = chain.genesis();
        long stalledAt = -1;
        long resumedAt = -1;
        long lastFinalized = 0;
        for (long e = 1; e <= 80 && resumedAt < 0; e++) {
            at = chain.honestEpoch(at, e, 0, 1, 2, 3, 4); // 5 of 8 online: 62.5% of the stake
            FinalityState f = chain.extend(at, (e + 1) * L).finality();
            if (f.finalized().epoch() > lastFinalized) {
                if (stalledAt >= 0) {
                    resumedAt = e + 1;
                }
                lastFinalized = f.finalized().epoch();
            } else if (stalledAt < 0 && f.finalityDelay() > 3) {
                stalledAt = e + 1;
            }
        }
        assertThat(stalledAt).as("finality stalls").isPositive();
        assertThat(resumedAt).as("and resumes").isPositive();
        // The offline validators lost stake; the online ones none.
        assertThat(at.state().account(chain.validator(7).address()).stake()).isLessThan(100_000 * 5 / 6);
        assertThat(at.state().account(chain.validator(0).address()).stake()).isEqualTo(100_000);
    }

    @Test
    void everyBlockMovesSupplyExactlyByWhatItMintsAndBurns() {
        FfgChain chain = FfgChain.equal(6, 50_000, L, 16);
        Node at = chain.genesis();
        for (long e = 1; e <= 10; e++) {
            int[] voters = e % 3 == 0 ? FfgChain.range(0, 3) : FfgChain.range(0, 6);
            Node boundary = chain.extend(at, e * L);
            List<Vote> votes = chain.honestVotes(boundary, e * L + 1, voters);
            StateTransition.Outcome outcome = chain.tryExtend(boundary, e * L + 1, votes, List.of());
            StateTransition.Applied applied = (StateTransition.Applied) outcome;
            assertThat(supply(applied.postState()) - supply(boundary.state()))
                    .isEqualTo(applied.minted() - applied.burned());
            at = chain.extend(boundary, e * L + 1, votes);
        }
    }

    private static long supply(State state) {
        long[] total = {0};
        state.forEachAccount((address, account) -> total[0] += account.balance() + account.locked());
        return total[0];
    }

    @Test
    void aStakeOnlyAccountStillRejectsAPlainTransactionItCannotPay() {
        FfgChain chain = FfgChain.equal(4, 1_000, L, 17);
        Transaction tooMuch = chain.stake(chain.rich(1), 0, FfgChain.RICH_BALANCE + 1);
        rejected(chain.tryExtend(chain.genesis(), 1, List.of(), List.of(tooMuch)),
                Rejection.Reason.INSUFFICIENT_BALANCE);
    }
}
