package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Clock;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.RocksChainStore;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.consensus.PoaEngine;
import mvpos.consensus.ProposerSignature;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A producing node and a following node over stores, with a fixed clock: production, import, refusals, restart. */
class NodeTest {
    private static final String CHAIN = "node-test";
    private static final long T0 = 1_700_000_000_000L;
    private static final long REWARD = 10;

    private final HashDrbg random = new HashDrbg(3);
    private final KeyPair validatorKey = KeyPair.generate(random);
    private final KeyPair sender = KeyPair.generate(random);
    private final KeyPair stranger = KeyPair.generate(random);
    private final Address validator = validatorKey.address();
    private final Address recipient = KeyPair.generate(random).address();

    /** Each reading of the clock is one second after the previous one. */
    private final AtomicLong now = new AtomicLong(T0);
    private final Clock clock = () -> now.addAndGet(1_000);

    private final Genesis genesis = genesis(CHAIN, 10_000);
    private final mvpos.chain.ChainDomain domain = mvpos.state.GenesisState.of(genesis).domain();
    private final List<Node> nodes = new ArrayList<>();

    @TempDir
    Path dir;

    private Genesis genesis(String chainId, long senderBalance) {
        return new Genesis(chainId, T0, REWARD, 1_000,
                new TreeMap<>(Map.of(validator, new Account(0, 0, 100), sender.address(), new Account(senderBalance, 0, 0))),
                PoaEngine.NAME, Map.of(PoaEngine.AUTHORITIES, validator.toString()));
    }

    private Node open(ChainStore store, KeyPair key) throws Exception {
        Node node = Node.open(genesis, store, clock, key, new HashDrbg(9));
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(Node::close);
    }

    private Transaction transfer(long nonce, long amount, long fee) {
        return Transaction.sign(sender, domain, nonce, TxKind.TRANSFER, recipient, amount, fee);
    }

    private static List<Block> blocks(Node node, long from, long to) throws Exception {
        List<Block> blocks = new ArrayList<>();
        for (long h = from; h <= to; h++) {
            blocks.add(node.blockAt(h).orElseThrow());
        }
        return blocks;
    }

    @Test
    void aSubmittedTransactionIsIncludedAndPaysFeeAndRewardToTheValidator() throws Exception {
        Node producer = open(new MemoryChainStore(), validatorKey);
        Transaction tx = transfer(0, 100, 3);
        assertThat(producer.submit(tx)).isEqualTo(new Mempool.Accepted(tx.hashHex()));
        assertThat(producer.pendingTransactions()).isEqualTo(1);
        assertThat(producer.nextNonce(sender.address())).isEqualTo(1);

        Block block = producer.produceNow().orElseThrow();
        assertThat(block.height()).isEqualTo(1);
        assertThat(block.transactions()).containsExactly(tx);
        assertThat(block.header().parentHash()).isEqualTo(producer.blockAt(0).orElseThrow().hash());
        assertThat(block.header().proposer()).isEqualTo(validator);
        assertThat(block.header().proposer()).isEqualTo(validator);
        assertThat(producer.head()).isEqualTo(block);
        assertThat(producer.pendingTransactions()).isZero();
        assertThat(producer.account(sender.address())).isEqualTo(new Account(10_000 - 103, 1, 0));
        assertThat(producer.account(recipient)).isEqualTo(new Account(100, 0, 0));
        assertThat(producer.account(validator)).isEqualTo(new Account(REWARD + 3, 0, 100));

        // An empty block still pays the reward, and its timestamp is after its parent's.
        Block empty = producer.produceNow().orElseThrow();
        assertThat(empty.transactions()).isEmpty();
        assertThat(empty.header().timestamp()).isGreaterThan(block.header().timestamp());
        assertThat(producer.account(validator)).isEqualTo(new Account(2 * REWARD + 3, 0, 100));
    }

    @Test
    void aFollowerImportsTheProducersBlocksAndReachesTheSameState() throws Exception {
        MemoryChainStore producerStore = new MemoryChainStore();
        MemoryChainStore followerStore = new MemoryChainStore();
        Node producer = open(producerStore, validatorKey);
        Node follower = open(followerStore, null);

        producer.submit(transfer(0, 100, 3));
        producer.submit(transfer(1, 200, 0));
        producer.produceNow().orElseThrow();
        producer.produceNow().orElseThrow();
        producer.submit(Transaction.sign(sender, domain, 2, TxKind.STAKE, null, 500, 2));
        producer.produceNow().orElseThrow();

        List<Block> blocks = blocks(producer, 1, 3);
        List<Node.ImportResult> results = follower.importBlocks(blocks);
        assertThat(results).containsExactly(
                new Node.Imported(1, Hex.encode(blocks.get(0).hash())),
                new Node.Imported(2, Hex.encode(blocks.get(1).hash())),
                new Node.Imported(3, Hex.encode(blocks.get(2).hash())));
        assertThat(follower.head().hash()).isEqualTo(producer.head().hash());
        assertThat(followerStore.accounts()).isEqualTo(producerStore.accounts());
        for (Address a : List.of(validator, sender.address(), recipient)) {
            assertThat(follower.account(a)).isEqualTo(producer.account(a));
        }
        assertThat(follower.account(sender.address())).isEqualTo(new Account(10_000 - 303 - 502, 3, 500));
        assertThat(follower.account(validator)).isEqualTo(new Account(3 * REWARD + 5, 0, 100));
        assertThat(follower.blockAt(2)).contains(blocks.get(1));
    }

    /** The fields of a header, to change one and seal again. */
    private static final class Edit {
        String chainId;
        long height;
        byte[] parentHash;
        long timestamp;
        long slot;
        Address proposer;
        byte[] txRoot;
        byte[] stateRoot;
        String engine;

        Edit(Header h) {
            chainId = h.chainId();
            height = h.height();
            parentHash = h.parentHash();
            timestamp = h.timestamp();
            proposer = h.proposer();
            txRoot = h.bodyRoot();
            stateRoot = h.stateRoot();
            engine = h.engine();
            slot = h.slot();
        }

        Header unsealed() {
            return new Header(chainId, height, parentHash, timestamp, slot, proposer, txRoot, stateRoot, engine, new byte[0],
                    new byte[0]);
        }
    }

    /** {@code good} with its header changed and sealed again by {@code key}, carrying {@code txs}. */
    private Block reseal(Block good, KeyPair key, List<Transaction> txs, Consumer<Edit> change) {
        Edit edit = new Edit(good.header());
        change.accept(edit);
        return new Block(mvpos.chain.SignedSeal.seal(key, domain.genesisHash(), edit.unsealed()), txs);
    }

    private Block reseal(Block good, Consumer<Edit> change) {
        return reseal(good, validatorKey, good.transactions(), change);
    }

    @Test
    void importRefusesEachInvalidBlockWithItsReasonAndKeepsItsHead() throws Exception {
        Node producer = open(new MemoryChainStore(), validatorKey);
        MemoryChainStore followerStore = new MemoryChainStore();
        Node follower = open(followerStore, null);
        producer.submit(transfer(0, 100, 3));
        Block good = producer.produceNow().orElseThrow();
        Block genesisBlock = follower.head();
        Map<Address, Account> accountsBefore = followerStore.accounts();

        byte[] seal = good.header().seal();
        seal[seal.length - 1] ^= 1;
        Transaction wrongNonce = transfer(5, 100, 3);
        Transaction other = transfer(0, 99, 3);

        Map<String, Block> bad = new java.util.LinkedHashMap<>();
        Block byStranger = reseal(good, stranger, good.transactions(), e -> e.proposer = stranger.address());
        bad.put("is unknown", reseal(good, e -> e.parentHash = new byte[32]));
        bad.put("WRONG_HEIGHT", reseal(good, e -> e.height = 2));
        bad.put("BAD_SEAL: NOT_PROPOSER: slot " + good.header().slot() + " belongs to " + validator, byStranger);
        bad.put("BAD_SEAL: BAD_SIGNATURE: sealed with the key of " + stranger.address(),
                new Block(good.header().withSeal(byStranger.header().seal()), good.transactions()));
        bad.put("BAD_SEAL: BAD_SIGNATURE: the seal is not", new Block(good.header().withSeal(seal), good.transactions()));
        bad.put("BAD_SEAL: MALFORMED_SEAL: the seal has 0 bytes",
                new Block(good.header().withSeal(new byte[0]), good.transactions()));
        bad.put("BAD_SEAL: FUTURE_SLOT", reseal(good, e -> {
            e.slot = 1_000_000;
            e.timestamp = T0 + 1_000_000_000L;
        }));
        bad.put("BAD_STATE_ROOT", reseal(good, e -> e.stateRoot = new byte[32]));
        bad.put("BAD_BODY_ROOT", reseal(good, e -> e.txRoot = Block.txRoot(List.of())));
        bad.put("BAD_BODY_ROOT: the body root does not match its transactions and votes",
                new Block(good.header(), List.of(other)));
        bad.put("INVALID_TRANSACTION: transaction 0: WRONG_NONCE", reseal(good, validatorKey, List.of(wrongNonce),
                e -> e.txRoot = Block.txRoot(List.of(wrongNonce))));
        bad.put("WRONG_CHAIN: a block of chain 'other-chain'", reseal(good, e -> e.chainId = "other-chain"));
        bad.put("BAD_TIMESTAMP: timestamp not after its parent's", reseal(good, e -> e.timestamp = T0));
        bad.put("UNKNOWN_ENGINE: sealed by engine 'work'", reseal(good, e -> e.engine = "work"));

        for (Map.Entry<String, Block> c : bad.entrySet()) {
            List<Node.ImportResult> results = follower.importBlocks(List.of(c.getValue()));
            assertThat(results).as(c.getKey()).singleElement().isInstanceOfSatisfying(Node.Refused.class, refused -> {
                assertThat(refused.height()).isEqualTo(c.getValue().height());
                assertThat(refused.reason()).contains(c.getKey());
            });
            assertThat(follower.head()).as(c.getKey()).isEqualTo(genesisBlock);
            assertThat(followerStore.head()).as(c.getKey()).contains(genesisBlock);
            assertThat(followerStore.accounts()).as(c.getKey()).isEqualTo(accountsBefore);
            assertThat(follower.account(sender.address())).isEqualTo(new Account(10_000, 0, 0));
        }

        // The refusals were for the tampering only: the genuine block is still accepted.
        assertThat(follower.importBlocks(List.of(good)))
                .containsExactly(new Node.Imported(1, Hex.encode(good.hash())));
        assertThat(follower.head().hash()).isEqualTo(producer.head().hash());
    }

    @Test
    void importStopsAtTheFirstInvalidBlockAndKeepsTheValidRun() throws Exception {
        Node producer = open(new MemoryChainStore(), validatorKey);
        MemoryChainStore followerStore = new MemoryChainStore();
        Node follower = open(followerStore, null);
        producer.submit(transfer(0, 100, 3));
        producer.produceNow().orElseThrow();
        producer.produceNow().orElseThrow();
        producer.produceNow().orElseThrow();
        List<Block> blocks = blocks(producer, 1, 3);
        Block tampered = reseal(blocks.get(1), e -> e.stateRoot = new byte[32]);

        List<Node.ImportResult> results = follower.importBlocks(List.of(blocks.get(0), tampered, blocks.get(2)));
        assertThat(results).hasSize(2);
        assertThat(results.get(0)).isEqualTo(new Node.Imported(1, Hex.encode(blocks.get(0).hash())));
        assertThat(results.get(1)).isInstanceOf(Node.Refused.class);
        assertThat(follower.head()).isEqualTo(blocks.get(0));
        assertThat(followerStore.head()).contains(blocks.get(0));
        assertThat(follower.account(recipient)).isEqualTo(new Account(100, 0, 0));
    }

    @Test
    void aNodeRestartedOnTheSameMemoryStoreResumesAtItsHead() throws Exception {
        MemoryChainStore store = new MemoryChainStore();
        Node first = open(store, validatorKey);
        first.submit(transfer(0, 100, 3));
        first.produceNow().orElseThrow();
        Block head = first.produceNow().orElseThrow();
        first.close();

        Node second = open(store, validatorKey);
        assertThat(second.head()).isEqualTo(head);
        assertThat(second.account(sender.address())).isEqualTo(new Account(10_000 - 103, 1, 0));
        assertThat(second.account(validator)).isEqualTo(new Account(2 * REWARD + 3, 0, 100));
        Block next = second.produceNow().orElseThrow();
        assertThat(next.height()).isEqualTo(3);
        assertThat(next.header().parentHash()).isEqualTo(head.hash());
    }

    @Test
    void aNodeRestartedOnTheSameRocksStoreResumesAtItsHead() throws Exception {
        Path data = dir.resolve("chain");
        Node first = open(RocksChainStore.open(data), validatorKey);
        first.submit(transfer(0, 100, 3));
        first.produceNow().orElseThrow();
        first.submit(transfer(1, 50, 1));
        Block head = first.produceNow().orElseThrow();
        first.close(); // closes the store too
        nodes.remove(first);

        Node second = open(RocksChainStore.open(data), validatorKey);
        assertThat(second.head()).isEqualTo(head);
        assertThat(second.blockAt(1).orElseThrow().transactions()).hasSize(1);
        assertThat(second.account(sender.address())).isEqualTo(new Account(10_000 - 154, 2, 0));
        assertThat(second.account(recipient)).isEqualTo(new Account(150, 0, 0));
        assertThat(second.nextNonce(sender.address())).isEqualTo(2);
        assertThat(second.produceNow().orElseThrow().header().parentHash()).isEqualTo(head.hash());
    }

    @Test
    void aStoreOfAnotherGenesisIsRefused() throws Exception {
        MemoryChainStore store = new MemoryChainStore();
        open(store, validatorKey).produceNow().orElseThrow();
        Block head = store.head().orElseThrow();

        for (Genesis other : List.of(genesis("other-chain", 10_000), genesis(CHAIN, 9_999))) {
            assertThatThrownBy(() -> Node.open(other, store, clock, validatorKey, new HashDrbg(9)))
                    .isInstanceOf(ChainStore.StoreException.class)
                    .hasMessageContaining("another genesis");
        }
        assertThat(store.head()).contains(head);
    }

    @Test
    void aRocksStoreOfAnotherGenesisIsRefused() throws Exception {
        Path data = dir.resolve("chain");
        Node.open(genesis, RocksChainStore.open(data), clock, validatorKey, new HashDrbg(9)).close(); // closes the store
        try (RocksChainStore store = RocksChainStore.open(data)) {
            assertThatThrownBy(() -> Node.open(genesis("other-chain", 10_000), store, clock, validatorKey, new HashDrbg(9)))
                    .isInstanceOf(ChainStore.StoreException.class)
                    .hasMessageContaining("another genesis");
        }
    }

    @Test
    void devChainIsCreatedOnceAndReadBack() throws Exception {
        Path data = dir.resolve("dev");
        DevChain created = DevChain.prepare(data, 500, clock, new HashDrbg(9));
        assertThat(created.keyFile()).isEqualTo(data.resolve("dev.key")).isRegularFile();
        assertThat(created.genesisFile()).isEqualTo(data.resolve("genesis.json")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(created.keyFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Address dev = created.devKey().address();
        assertThat(created.genesis().chainId()).isEqualTo(DevChain.CHAIN_ID);
        assertThat(created.genesis().blockTimeMillis()).isEqualTo(500);
        assertThat(created.genesis().engineParams()).isEqualTo(Map.of(PoaEngine.AUTHORITIES, dev.toString()));
        assertThat(created.genesis().accounts())
                .isEqualTo(Map.of(dev, new Account(DevChain.DEV_BALANCE, 0, DevChain.DEV_STAKE)));

        // Other randomness and another block time: the stored key and genesis win.
        DevChain again = DevChain.prepare(data, 2_000, clock, new HashDrbg(10));
        assertThat(again.devKey()).isEqualTo(created.devKey());
        assertThat(again.devKey().seed()).isEqualTo(created.devKey().seed());
        assertThat(again.genesis()).isEqualTo(created.genesis());

        // The dev key is the validator: a node on this genesis produces with it.
        Node node = Node.open(again.genesis(), new MemoryChainStore(), clock, again.devKey(), new HashDrbg(9));
        nodes.add(node);
        assertThat(node.produceNow().orElseThrow().header().proposer()).isEqualTo(dev);

        Files.delete(again.genesisFile());
        assertThatThrownBy(() -> DevChain.prepare(data, 500, clock, new HashDrbg(11)))
                .isInstanceOf(DevChain.DevChainException.class)
                .hasMessageContaining("only one of dev.key and genesis.json");
    }

    @Test
    void aStoreCannotBeResumedUnderOtherRulesOfTheSameChain() throws Exception {
        MemoryChainStore store = new MemoryChainStore();
        open(store, validatorKey).produceNow().orElseThrow();
        Genesis otherValidator = new Genesis(CHAIN, T0, REWARD, 1_000, genesis.accounts(), PoaEngine.NAME,
                Map.of(PoaEngine.AUTHORITIES, stranger.address().toString()));
        Genesis otherReward = new Genesis(CHAIN, T0, REWARD + 1, 1_000, genesis.accounts(), PoaEngine.NAME,
                genesis.engineParams());
        for (Genesis other : List.of(otherValidator, otherReward)) {
            assertThatThrownBy(() -> Node.open(other, store, clock, null, new HashDrbg(9)))
                    .isInstanceOf(ChainStore.StoreException.class).hasMessageContaining("another genesis");
        }
    }

    @Test
    void aNodeWithoutTheValidatorKeyDoesNotProduce() throws Exception {
        Node follower = open(new MemoryChainStore(), null);
        assertThatThrownBy(follower::produceNow).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no validator key");
        // A key that is not an authority: the engine never gives it a slot.
        Node stranger = open(new MemoryChainStore(), this.stranger);
        for (int i = 0; i < 5; i++) {
            assertThat(stranger.produceNow()).isEmpty();
        }
        assertThat(follower.head().height()).isZero();
        assertThat(stranger.head().height()).isZero();
    }
}
