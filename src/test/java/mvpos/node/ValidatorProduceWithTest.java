package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strategy may choose a block's transactions (a double-spender's conflicting transfer, never in a mempool):
 * the block carries exactly those, not the mempool's, and transactions that do not apply give no block.
 */
class ValidatorProduceWithTest {
    @TempDir
    Path dir;

    private long now = 1_000_000;

    @Test
    void aBlockCarriesExactlyTheChosenTransactionsAndNoBlockWhenTheyDoNotApply() throws Exception {
        DevChain chain = DevChain.prepare(dir.resolve("data"), 1_000, "none", () -> now, new HashDrbg(1));
        Validator validator = Validator.honest(NodeCore.open(chain.genesis(), new MemoryChainStore()), chain.devKey(),
                SlashingProtection.inMemory(), new HashDrbg(7), 1);
        KeyPair key = chain.devKey();
        var domain = validator.chain().domain();
        var merchant = KeyPair.generate(new HashDrbg(2)).address();
        Transaction payment = Transaction.sign(key, domain, 0, TxKind.TRANSFER, merchant, 5, 1);
        Transaction conflict = Transaction.sign(key, domain, 0, TxKind.TRANSFER, key.address(), 5, 1);
        assertThat(validator.chain().submit(payment)).isInstanceOf(Mempool.Accepted.class);

        now += 1_000;
        Optional<Block> block = validator.produceWith(validator.chain().tree().head(), List.of(conflict), now);
        assertThat(block).isPresent();
        assertThat(block.get().transactions()).extracting(Transaction::hashHex).containsExactly(conflict.hashHex());
        assertThat(validator.chain().tree().head().hash()).isEqualTo(block.get().hash());

        now += 1_000;
        Transaction reused = Transaction.sign(key, domain, 0, TxKind.TRANSFER, merchant, 7, 1); // nonce 0 is spent
        assertThat(validator.produceWith(validator.chain().tree().head(), List.of(reused), now)).isEmpty();
        assertThat(validator.chain().tree().head().hash()).isEqualTo(block.get().hash());
    }
}
