package mvpos.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.codec.CanonicalEncoder;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/** The {@link ChainStore} contract, run against the memory store and a real RocksDB store. */
class ChainStoreTest {
    private static final HashDrbg RANDOM = new HashDrbg(42);
    private static final KeyPair SENDER = KeyPair.generate(RANDOM);
    private static final Address ALICE = KeyPair.generate(RANDOM).address();
    private static final Address BOB = KeyPair.generate(RANDOM).address();
    private static final Address CAROL = KeyPair.generate(RANDOM).address();

    /** A chain of blocks, each linked to the one before; block 1 carries a transaction so encoding is exercised. */
    static List<Block> chain(int length) {
        List<Block> blocks = new ArrayList<>();
        byte[] parent = new byte[32];
        for (int height = 0; height < length; height++) {
            List<Transaction> txs = height == 1
                    ? List.of(Transaction.sign(SENDER, TestDomain.of("store-test"), 0, TxKind.TRANSFER, ALICE, 5, 1))
                    : List.of();
            byte[] stateRoot = new byte[32];
            Arrays.fill(stateRoot, (byte) height);
            Header header = new Header("store-test", height, parent, 1_000 + height, height, BOB, Block.txRoot(txs),
                    stateRoot, "poa", new byte[0], new byte[] {(byte) height, 7});
            Block block = new Block(header, txs);
            blocks.add(block);
            parent = block.hash();
        }
        return blocks;
    }

    /** Blocks becoming canonical (each with an undo record naming ALICE) and the accounts to write. */
    static ChainStore.HeadChange change(List<Block> blocks, Map<Address, Account> accounts) {
        List<ChainStore.CanonicalBlock> canonical = new ArrayList<>();
        for (Block block : blocks) {
            canonical.add(new ChainStore.CanonicalBlock(block, Map.of(ALICE, new Account(block.height(), 0, 0))));
        }
        return new ChainStore.HeadChange(canonical, accounts);
    }

    /** {@code length} blocks on top of {@code parent}, different from any block of {@link #chain}. */
    static List<Block> fork(Block parent, int length) {
        List<Block> blocks = new ArrayList<>();
        Block tip = parent;
        for (int i = 0; i < length; i++) {
            long height = tip.height() + 1;
            Header header = new Header("store-test", height, tip.hash(), 5_000 + height, height, CAROL,
                    Block.txRoot(List.of()), new byte[32], "poa", new byte[0], new byte[] {9});
            tip = new Block(header, List.of());
            blocks.add(tip);
        }
        return blocks;
    }

    static Map<Address, Account> changes(Object... addressAccountPairs) {
        Map<Address, Account> map = new LinkedHashMap<>();
        for (int i = 0; i < addressAccountPairs.length; i += 2) {
            map.put((Address) addressAccountPairs[i], (Account) addressAccountPairs[i + 1]);
        }
        return map;
    }

    /** What every store must do. */
    abstract static class Contract {
        ChainStore store;

        abstract ChainStore open() throws Exception;

        @BeforeEach
        void openStore() throws Exception {
            store = open();
        }

        @AfterEach
        void closeStore() {
            if (store != null) {
                store.close();
            }
        }

        @Test
        void aNewStoreIsEmpty() throws Exception {
            assertThat(store.head()).isEmpty();
            assertThat(store.blockAt(0)).isEmpty();
            assertThat(store.blockByHash(new byte[32])).isEmpty();
            assertThat(store.accounts()).isEmpty();
        }

        @Test
        void aCommittedHeadChangeIsVisibleInOrder() throws Exception {
            List<Block> blocks = chain(3);
            store.commit(change(blocks, changes(ALICE, new Account(90, 1, 10), CAROL, new Account(4, 0, 1))));

            assertThat(store.head()).contains(blocks.get(2));
            for (Block block : blocks) {
                assertThat(store.blockAt(block.height())).contains(block);
                assertThat(store.blockByHash(block.hash())).contains(block);
            }
            assertThat(store.blockAt(1).orElseThrow().transactions()).isEqualTo(blocks.get(1).transactions());
            assertThat(store.blockAt(3)).isEmpty();
            assertThat(store.blockAt(-1)).isEmpty();
            assertThat(store.accounts()).isEqualTo(Map.of(ALICE, new Account(90, 1, 10), CAROL, new Account(4, 0, 1)));
            for (Block block : blocks) {
                assertThat(store.accountsBefore(block.hash())).contains(Map.of(ALICE, new Account(block.height(), 0, 0)));
            }
            assertThat(store.accountsBefore(new byte[32])).isEmpty();
        }

        @Test
        void aReorganisationToAShorterForkRemovesTheHeightsAboveIt() throws Exception {
            List<Block> blocks = chain(4);
            store.commit(change(blocks, changes(ALICE, new Account(1, 0, 1))));
            // A fork from block 1: its block 2 replaces ours, and nothing remains canonical above it.
            List<Block> fork = fork(blocks.get(1), 1);
            store.storeBlock(fork.get(0));
            assertThat(store.blockByHash(fork.get(0).hash())).contains(fork.get(0));
            assertThat(store.blockAt(2)).contains(blocks.get(2)); // stored, not canonical yet
            store.commit(change(fork, changes(BOB, new Account(3, 0, 0), ALICE, Account.EMPTY)));

            assertThat(store.head()).contains(fork.get(0));
            assertThat(store.blockAt(2)).contains(fork.get(0));
            assertThat(store.blockAt(3)).isEmpty();
            assertThat(store.blockAt(1)).contains(blocks.get(1));
            assertThat(store.blockByHash(blocks.get(3).hash())).contains(blocks.get(3)); // still known by hash
            assertThat(store.accounts()).isEqualTo(Map.of(BOB, new Account(3, 0, 0)));
        }

        @Test
        void laterCommitsExtendTheChainAndCanRemoveEarlierAccounts() throws Exception {
            List<Block> blocks = chain(3);
            store.commit(change(blocks.subList(0, 1), changes(ALICE, new Account(1, 0, 1))));
            assertThat(store.head()).contains(blocks.get(0));

            store.commit(change(blocks.subList(1, 3), changes(BOB, new Account(2, 0, 0), ALICE, Account.EMPTY)));
            assertThat(store.head()).contains(blocks.get(2));
            assertThat(store.blockAt(0)).contains(blocks.get(0));
            assertThat(store.accounts()).isEqualTo(Map.of(BOB, new Account(2, 0, 0)));
        }
    }

    @Nested
    class Memory extends Contract {
        @Override
        ChainStore open() {
            return new MemoryChainStore();
        }
    }

    @Nested
    class Rocks extends Contract {
        @TempDir
        Path dir;

        @Override
        ChainStore open() throws Exception {
            return RocksChainStore.open(dir.resolve("chain"));
        }

        @Test
        void closeAndReopenGivesTheSameChainAndAccounts() throws Exception {
            List<Block> blocks = chain(3);
            store.commit(change(blocks.subList(0, 2), changes(ALICE, new Account(7, 0, 7), BOB, new Account(8, 1, 0))));
            store.commit(change(blocks.subList(2, 3), changes(ALICE, Account.EMPTY)));
            store.close();

            store = open();
            assertThat(store.head()).contains(blocks.get(2));
            for (Block block : blocks) {
                assertThat(store.blockAt(block.height())).contains(block);
                assertThat(store.blockByHash(block.hash())).contains(block);
            }
            assertThat(store.accounts()).isEqualTo(Map.of(BOB, new Account(8, 1, 0)));
            assertThat(store.accountsBefore(blocks.get(1).hash())).contains(Map.of(ALICE, new Account(1, 0, 0)));
        }

        /**
         * The slashed flag survives a reopen, in the accounts and in the undo records; records written in the
         * v1 encodings (before accounts had the flag) still read, as unslashed accounts.
         */
        @Test
        void slashedAccountsSurviveReopenAndV1RecordsStillRead() throws Exception {
            List<Block> blocks = chain(2);
            store.commit(new ChainStore.HeadChange(List.of(
                    new ChainStore.CanonicalBlock(blocks.get(0), Map.of()),
                    new ChainStore.CanonicalBlock(blocks.get(1), Map.of(BOB, new Account(3, 1, 0, true)))),
                    changes(ALICE, new Account(0, 0, 0, true), BOB, new Account(8, 1, 5))));
            store.close();
            overwrite("accounts", CAROL.bytes(), CanonicalEncoder.tagged("mvpos.account.v1").writeLong(4)
                    .writeLong(2).writeLong(1).toBytes());
            overwrite("undo", blocks.get(0).hash(), CanonicalEncoder.tagged("mvpos.undo.v1").writeInt(1)
                    .writeBytes(CAROL.bytes()).writeLong(4).writeLong(2).writeLong(1).toBytes());

            store = open();
            assertThat(store.accounts()).isEqualTo(Map.of(ALICE, new Account(0, 0, 0, true),
                    BOB, new Account(8, 1, 5), CAROL, new Account(4, 2, 1)));
            assertThat(store.accountsBefore(blocks.get(1).hash())).contains(Map.of(BOB, new Account(3, 1, 0, true)));
            assertThat(store.accountsBefore(blocks.get(0).hash())).contains(Map.of(CAROL, new Account(4, 2, 1)));
        }

        @Test
        void aDirectoryInUseIsRefused() {
            assertThatThrownBy(this::open)
                    .isInstanceOf(ChainStore.StoreException.class)
                    .hasMessageContaining(dir.resolve("chain").toString())
                    .hasMessageContaining("in use");
        }

        @Test
        void aCorruptBlockIsAOneLineStoreException() throws Exception {
            List<Block> blocks = chain(2);
            store.commit(change(blocks, Map.of()));
            store.close();
            byte[] valid = blocks.get(1).encode();
            byte[][] garbage = {
                "not a block at all".getBytes(StandardCharsets.US_ASCII),
                new byte[0],
                Arrays.copyOf(valid, valid.length - 3), // truncated
                Arrays.copyOf(valid, valid.length + 1), // trailing byte
            };
            for (byte[] value : garbage) {
                overwrite("blocks", blocks.get(1).hash(), value);
                store = open();
                assertOneLineStoreException(() -> store.head());
                assertOneLineStoreException(() -> store.blockAt(1));
                assertOneLineStoreException(() -> store.blockByHash(blocks.get(1).hash()));
                assertThat(store.blockAt(0)).contains(blocks.get(0)); // the rest is still readable
                store.close();
            }
            store = null;
        }

        @Test
        void aCorruptAccountOrMissingHeadBlockIsAStoreException() throws Exception {
            store.commit(change(chain(1), changes(ALICE, new Account(1, 0, 1))));
            store.close();
            overwrite("accounts", ALICE.bytes(), "garbage".getBytes(StandardCharsets.US_ASCII));
            overwrite("meta", "head".getBytes(StandardCharsets.US_ASCII), new byte[32]);
            store = open();
            assertOneLineStoreException(() -> store.accounts()).contains("corrupt account");
            assertOneLineStoreException(() -> store.head()).contains("head block is missing");
        }

        private static org.assertj.core.api.AbstractStringAssert<?> assertOneLineStoreException(
                org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
            assertThat(thrown).isInstanceOf(ChainStore.StoreException.class);
            assertThat(thrown.getMessage()).doesNotContain("\n").contains("corrupt");
            return assertThat(thrown.getMessage());
        }

        /** Writes a raw value into one column family through a second RocksDB handle, with the store closed. */
        private void overwrite(String family, byte[] key, byte[] value) throws Exception {
            List<ColumnFamilyDescriptor> families = new ArrayList<>();
            for (String name : new String[] {"default", "blocks", "canonical", "accounts", "meta", "undo", "records"}) {
                families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII)));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (DBOptions options = new DBOptions();
                 RocksDB db = RocksDB.open(options, dir.resolve("chain").toString(), families, handles)) {
                int index = List.of("default", "blocks", "canonical", "accounts", "meta", "undo", "records").indexOf(family);
                db.put(handles.get(index), key, value);
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }
}
