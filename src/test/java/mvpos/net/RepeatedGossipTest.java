package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RepeatedGossipTest {
    private static final KeyPair ALICE = KeyPair.generate(new HashDrbg(1));

    private static Message tx(int nonce) {
        return new Message.NewTransaction(Transaction.sign(ALICE, mvpos.chain.TestDomain.of("chain"), nonce, TxKind.TRANSFER, ALICE.address(), 1, 1));
    }

    @Property(tries = 50)
    void eachMessageIsDeliveredOnceAndEveryNthRepeatCostsAPenalty(
            @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 30) Integer> nonces) {
        RepeatedGossip rule = new RepeatedGossip();
        Set<Integer> delivered = new HashSet<>();
        int repeats = 0;
        int penalties = 0;
        for (int nonce : nonces) {
            switch (rule.check(tx(nonce))) {
                case RepeatedGossip.Deliver deliver -> assertThat(delivered.add(nonce)).as("delivered twice").isTrue();
                case RepeatedGossip.Drop drop -> {
                    repeats++;
                    assertThat(delivered).contains(nonce);
                    assertThat(drop.repeats()).isEqualTo(repeats);
                    penalties += drop.penalty() ? 1 : 0;
                }
            }
        }
        assertThat(delivered).isEqualTo(new HashSet<>(nonces));
        assertThat(penalties).isEqualTo(repeats / RepeatedGossip.REPEATS_PER_PENALTY);
    }

    @Test
    void requestsAndAnswersMayRepeatAndOldIdsAreForgotten() {
        RepeatedGossip rule = new RepeatedGossip();
        Message request = new Message.GetBlocks(1, 64);
        assertThat(rule.check(request)).isInstanceOf(RepeatedGossip.Deliver.class);
        assertThat(rule.check(request)).as("a range request may be repeated after a timeout")
                .isInstanceOf(RepeatedGossip.Deliver.class);

        assertThat(rule.check(tx(0))).isInstanceOf(RepeatedGossip.Deliver.class);
        assertThat(rule.check(tx(0))).isInstanceOf(RepeatedGossip.Drop.class);
        for (int nonce = 1; nonce <= RepeatedGossip.REMEMBERED; nonce++) {
            assertThat(rule.check(tx(nonce))).isInstanceOf(RepeatedGossip.Deliver.class);
        }
        assertThat(rule.check(tx(0))).as("forgotten after %d newer ones", RepeatedGossip.REMEMBERED)
                .isInstanceOf(RepeatedGossip.Deliver.class);
        assertThat(rule.check(tx(RepeatedGossip.REMEMBERED))).isInstanceOf(RepeatedGossip.Drop.class);
    }
}
