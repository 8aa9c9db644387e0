package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.chain.Account;
import mvpos.state.BucketedState;
import mvpos.state.State;
import mvpos.state.StateTransition;
import org.junit.jupiter.api.Test;

class MempoolTest {
    private static final String CHAIN = "test-chain";
    private static final mvpos.chain.ChainDomain DOMAIN = mvpos.chain.TestDomain.of(CHAIN);
    private final HashDrbg random = new HashDrbg(5);
    private final KeyPair alice = KeyPair.generate(random);
    private final KeyPair bob = KeyPair.generate(random);
    private final Address carol = KeyPair.generate(random).address();
    private final Address proposer = KeyPair.generate(random).address();
    private final StateTransition rules = new StateTransition(DOMAIN, 10);
    private final AtomicInteger verifications = new AtomicInteger();
    private final StateTransition.SignatureCheck counting = tx -> {
        verifications.incrementAndGet();
        return tx.hasValidSignature(DOMAIN);
    };
    private State head = BucketedState.of(Map.of(alice.address(), new Account(1000, 0, 0),
            bob.address(), new Account(50, 0, 0)));

    private Transaction transfer(KeyPair from, long nonce, long amount) {
        return Transaction.sign(from, DOMAIN, nonce, TxKind.TRANSFER, carol, amount, 1);
    }

    @Test
    void acceptsValidTransactionsAndRefusesEachBadOneWithItsReason() {
        Mempool pool = new Mempool(rules, 100);
        assertThat(pool.add(transfer(alice, 0, 10), head, counting)).isInstanceOf(Mempool.Accepted.class);
        assertThat(pool.add(transfer(alice, 0, 10), head, counting))
                .isEqualTo(new Mempool.Refused("already pending"));
        assertThat(reason(pool.add(transfer(alice, 0, 11), head, counting))).startsWith("WRONG_NONCE: another");
        assertThat(reason(pool.add(transfer(bob, 0, 60), head, counting))).startsWith("INSUFFICIENT_BALANCE");
        assertThat(reason(pool.add(Transaction.sign(bob, mvpos.chain.TestDomain.of("other"), 0, TxKind.TRANSFER, carol, 1, 1), head, counting)))
                .startsWith("WRONG_CHAIN_ID");
        Transaction forged = new Transaction(CHAIN, bob.publicKey(), 0, TxKind.TRANSFER.code(), carol, 1, 1,
                transfer(alice, 0, 1).signature());
        assertThat(reason(pool.add(forged, head, counting))).startsWith("BAD_SIGNATURE");
        assertThat(reason(pool.add(transfer(bob, Mempool.MAX_PENDING_PER_SENDER, 1), head, counting)))
                .contains("too far ahead");
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void aSenderMustBeAbleToPayForEverythingItQueued() {
        Mempool pool = new Mempool(rules, 100);
        assertThat(pool.add(transfer(bob, 0, 30), head, counting)).isInstanceOf(Mempool.Accepted.class);
        // 30+1 pending, 50 in the balance: another 30+1 cannot be paid.
        assertThat(reason(pool.add(transfer(bob, 1, 30), head, counting))).startsWith("INSUFFICIENT_BALANCE");
        assertThat(pool.add(transfer(bob, 1, 18), head, counting)).isInstanceOf(Mempool.Accepted.class);
    }

    @Test
    void blocksGetGapFreeRunsInNonceOrderAndEachSignatureIsVerifiedOnce() {
        Mempool pool = new Mempool(rules, 100);
        for (long nonce : new long[] {2, 0, 1, 4}) { // 4 waits behind the missing 3
            assertThat(pool.add(transfer(alice, nonce, 5), head, counting)).isInstanceOf(Mempool.Accepted.class);
        }
        pool.add(transfer(bob, 0, 5), head, counting);
        int verifiedOnArrival = verifications.get();
        assertThat(verifiedOnArrival).isEqualTo(5);

        List<Transaction> block = pool.selectForBlock(head, 10);
        assertThat(block).extracting(Transaction::nonce).containsExactly(0L, 1L, 2L, 0L);
        assertThat(pool.selectForBlock(head, 2)).hasSize(2);
        assertThat(verifications.get()).as("no signature verified again").isEqualTo(verifiedOnArrival);

        StateTransition.Outcome outcome = rules.apply(head, proposer, block, StateTransition.SignatureCheck.direct(DOMAIN));
        head = ((StateTransition.Applied) outcome).postState();
        pool.onNewHead(head);
        assertThat(pool.size()).isEqualTo(1); // only alice's nonce 4 is left, still waiting for 3
        assertThat(pool.selectForBlock(head, 10)).isEmpty();
    }

    @Test
    void aNewHeadEvictsWhatItMadeUnpayable() {
        Mempool pool = new Mempool(rules, 100);
        pool.add(transfer(bob, 0, 20), head, counting);
        pool.add(transfer(bob, 1, 20), head, counting);
        // Elsewhere, bob spent most of his balance in a block this pool never saw.
        Transaction spent = Transaction.sign(bob, DOMAIN, 0, TxKind.STAKE, null, 45, 1);
        head = ((StateTransition.Applied) rules.apply(head, proposer, List.of(spent),
                StateTransition.SignatureCheck.direct(DOMAIN))).postState();
        pool.onNewHead(head);
        assertThat(pool.size()).isZero();
    }

    @Test
    void aFullPoolRefusesRatherThanGrows() {
        Mempool pool = new Mempool(rules, 2);
        pool.add(transfer(alice, 0, 1), head, counting);
        pool.add(transfer(alice, 1, 1), head, counting);
        assertThat(reason(pool.add(transfer(alice, 2, 1), head, counting))).startsWith("the mempool is full");
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void theSignatureCacheVerifiesEachTransactionOnceEvenInParallel() {
        SignatureCache cache = new SignatureCache(DOMAIN, 1000);
        List<Transaction> txs = java.util.stream.LongStream.range(0, 40).mapToObj(n -> transfer(alice, n, 1)).toList();
        cache.verifyAll(txs);
        assertThat(cache.verifications()).as("one verification per transaction").isEqualTo(40);
        cache.verifyAll(txs);
        assertThat(txs).allMatch(cache::isValid);
        assertThat(cache.verifications()).as("the second time, every answer from memory").isEqualTo(40);
        assertThat(cache.size()).isEqualTo(40);

        // A forged signature is refused, and not remembered: asked again, it is verified again.
        Transaction forged = new Transaction(CHAIN, bob.publicKey(), 0, TxKind.TRANSFER.code(), carol, 1, 1,
                txs.get(0).signature());
        assertThat(cache.isValid(forged)).isFalse();
        assertThat(cache.isValid(forged)).isFalse();
        assertThat(cache.verifications()).isEqualTo(42);
        assertThat(cache.size()).isEqualTo(40);
    }

    private static String reason(Mempool.Admission admission) {
        assertThat(admission).isInstanceOf(Mempool.Refused.class);
        return ((Mempool.Refused) admission).reason();
    }

    // ---------------------------------------------------------------- slashing

    private final KeyPair offender = KeyPair.generate(random);

    /** A double vote of the offender: two votes for target epoch 2. */
    private byte[] doubleVote() {
        byte[] one = new byte[32];
        byte[] two = new byte[32];
        two[0] = 2;
        return new SlashingEvidence.VotePair(Vote.sign(offender, DOMAIN, 0, new byte[32], 2, one),
                Vote.sign(offender, DOMAIN, 0, new byte[32], 2, two)).encode();
    }

    private Transaction slash(KeyPair reporter, long nonce, byte[] evidence) {
        return Transaction.sign(reporter, DOMAIN, nonce, TxKind.SLASH, offender.address(), 0, 1, evidence);
    }

    /** A slash is admitted like any transaction (its reporter pays the fee), and refused with the STF's reason. */
    @Test
    void slashesPassThroughLikeOtherTransactions() {
        head = head.with(Map.of(offender.address(), new Account(0, 0, 800)));
        Mempool pool = new Mempool(rules, 100);
        assertThat(pool.add(slash(alice, 0, doubleVote()), head, counting)).isInstanceOf(Mempool.Accepted.class);
        assertThat(reason(pool.add(slash(bob, 0, new byte[] {1}), head, counting))).startsWith("MALFORMED_EVIDENCE");
        KeyPair poor = KeyPair.generate(random);
        assertThat(reason(pool.add(slash(poor, 0, doubleVote()), head, counting))).startsWith("INSUFFICIENT_BALANCE");
        assertThat(pool.selectForBlock(head, 10)).hasSize(1);
    }

    /**
     * Two reporters of one offender, or a slash and its offender's own stake: each is valid alone, but only
     * the first of them in a block; the block offered is still valid, and the loser is dropped at the new head.
     */
    @Test
    void aBlockNeverHoldsTransactionsThatConflictAcrossSenders() {
        head = head.with(Map.of(offender.address(), new Account(100, 0, 800)));
        Mempool pool = new Mempool(rules, 100);
        assertThat(pool.add(slash(alice, 0, doubleVote()), head, counting)).isInstanceOf(Mempool.Accepted.class);
        assertThat(pool.add(slash(bob, 0, doubleVote()), head, counting)).isInstanceOf(Mempool.Accepted.class);
        assertThat(pool.add(Transaction.sign(offender, DOMAIN, 0, TxKind.STAKE, null, 50, 1), head, counting))
                .isInstanceOf(Mempool.Accepted.class);
        assertThat(pool.add(Transaction.sign(offender, DOMAIN, 1, TxKind.TRANSFER, carol, 5, 1), head, counting))
                .isInstanceOf(Mempool.Accepted.class);

        List<Transaction> block = pool.selectForBlock(head, 10);

        assertThat(block).containsExactly(slash(alice, 0, doubleVote()));
        StateTransition.Outcome outcome = rules.apply(head, proposer, block, counting);
        assertThat(outcome).isInstanceOf(StateTransition.Applied.class);
        pool.onNewHead(((StateTransition.Applied) outcome).postState());
        assertThat(pool.size()).isZero();
    }
}
