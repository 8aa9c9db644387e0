package mvpos.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Genesis;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.Test;

/**
 * An engine's own transactions ({@link TxKind#ENGINE}) and state ({@link Ledger#register}): applied by the
 * pure state transition through the engine's hooks, committed under the state root, refused by engines
 * that take none.
 */
class EngineTransactionsTest {
    private static final KeyPair SENDER = KeyPair.generate(new HashDrbg(1));
    private static final KeyPair PROPOSER = KeyPair.generate(new HashDrbg(2));
    private static final Genesis GENESIS = new Genesis("engine-tx", 0, 10, 1_000,
            new TreeMap<>(Map.of(SENDER.address(), new Account(1_000, 0, 0), PROPOSER.address(), new Account(0, 0, 10))),
            "poa", Map.of("authorities", PROPOSER.address().toString()));
    private static final GenesisState START = GenesisState.of(GENESIS);

    /** A counter engine: data "+" adds one to register "count", anything else is refused. */
    private static final EngineHooks COUNTER = new EngineHooks() {
        @Override
        public void afterBlock(BlockContext block, Ledger ledger) {
            ledger.reward(block.proposer(), 10);
        }

        @Override
        public Optional<String> applyTransaction(EngineTransaction tx, BlockContext block, Ledger ledger) {
            if (tx.data().length != 1 || tx.data()[0] != '+') {
                return Optional.of("the counter takes '+' only");
            }
            ledger.setRegister("count", ledger.register("count") + 1);
            return Optional.empty();
        }
    };

    private static Transaction engineTx(long nonce, String data, long amount) {
        return Transaction.sign(SENDER, START.domain(), nonce, TxKind.ENGINE, SENDER.address(), amount, 2,
                data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static StateTransition.Outcome apply(EngineHooks hooks, List<Transaction> txs) {
        return StateTransition.of(GENESIS, START.domain()).withHooks(hooks).apply(START.state(),
                new BlockContext(1, 1, new byte[32], PROPOSER.address()), txs, List.of(),
                StateTransition.SignatureCheck.direct(START.domain()));
    }

    @Test
    void theEngineAppliesItsTransactionsToRegistersCommittedUnderTheStateRoot() {
        StateTransition.Outcome two = apply(COUNTER, List.of(engineTx(0, "+", 0), engineTx(1, "+", 0)));
        StateTransition.Outcome one = apply(COUNTER, List.of(engineTx(0, "+", 0)));
        assertThat(two).isInstanceOf(StateTransition.Applied.class);
        State after = ((StateTransition.Applied) two).postState();
        assertThat(after.account(Ledger.registerAddress("count")).nonce()).isEqualTo(2);
        assertThat(after.account(SENDER.address())).isEqualTo(new Account(996, 2, 0));
        assertThat(after.account(PROPOSER.address()).balance()).as("fees and the reward").isEqualTo(4 + 10);
        assertThat(after.root()).isNotEqualTo(((StateTransition.Applied) one).postState().root());
        assertThat(Ledger.registerAddress("count")).isNotEqualTo(Ledger.registerAddress("other"));
    }

    @Test
    void aRefusedEngineTransactionMakesTheBlockInvalid() {
        StateTransition.Outcome outcome = apply(COUNTER, List.of(engineTx(0, "+", 0), engineTx(1, "-", 0)));
        assertThat(outcome).isInstanceOfSatisfying(StateTransition.Rejected.class, rejected -> {
            assertThat(rejected.rejection().reason()).isEqualTo(Rejection.Reason.ENGINE_REFUSED);
            assertThat(rejected.rejection().txIndex()).isEqualTo(1);
            assertThat(rejected.rejection().detail()).contains("'+' only");
        });
    }

    @Test
    void anEngineWithoutTransactionsRefusesThemAndTheirShapeIsChecked() {
        StateTransition.Outcome none = apply(EngineHooks.fixedReward(10), List.of(engineTx(0, "+", 0)));
        assertThat(((StateTransition.Rejected) none).rejection().reason()).isEqualTo(Rejection.Reason.ENGINE_REFUSED);
        StateTransition.Outcome amount = apply(COUNTER, List.of(engineTx(0, "+", 5)));
        assertThat(((StateTransition.Rejected) amount).rejection().reason())
                .isEqualTo(Rejection.Reason.UNEXPECTED_AMOUNT);
        StateTransition.Outcome empty = apply(COUNTER, List.of(engineTx(0, "", 0)));
        assertThat(((StateTransition.Rejected) empty).rejection().reason()).isEqualTo(Rejection.Reason.ENGINE_REFUSED);
        StateTransition.Outcome tooLong = apply(COUNTER, List.of(engineTx(0, "+".repeat(TxKind.MAX_ENGINE_DATA + 1), 0)));
        assertThat(((StateTransition.Rejected) tooLong).rejection().reason())
                .isEqualTo(Rejection.Reason.UNEXPECTED_DATA);
    }

    @Test
    void aRegisterSetToZeroLeavesNoAccountBehind() {
        EngineHooks setThenClear = new EngineHooks() {
            @Override
            public void afterBlock(BlockContext block, Ledger ledger) {
                ledger.setRegister("x", 7);
                ledger.setRegister("x", 0);
            }
        };
        State after = ((StateTransition.Applied) apply(setThenClear, List.of())).postState();
        assertThat(after.root()).isEqualTo(((StateTransition.Applied) apply(new EngineHooks() {
            @Override
            public void afterBlock(BlockContext block, Ledger ledger) {
            }
        }, List.of())).postState().root());
        Address x = Ledger.registerAddress("x");
        assertThat(after.account(x)).isEqualTo(Account.EMPTY);
    }
}
