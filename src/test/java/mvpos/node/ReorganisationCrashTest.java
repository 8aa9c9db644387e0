package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.RocksChainStore;
import mvpos.crypto.Address;
import mvpos.testing.FfgForks;
import mvpos.state.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed at any point of a reorganisation that also moves its finalized checkpoint reopens its
 * RocksDB store to a consistent chain: its head is a block it had, with that block's accounts and
 * finality record (written in the same atomic commit as the block, never beside it), its finalized
 * checkpoint on its canonical chain, and it goes on to the heavier branch when it hears it again.
 *
 * <p>The branches are built with {@link FfgForks} as a partition leaves them: one validator of four cut
 * off, its short branch (A) finalizes nothing new, the majority's (B) justifies and finalizes later
 * checkpoints. A node holding A is given B block by block; its store is made to die at its k-th
 * write (every write of the switch is a k), and the store is then reopened.
 */
class ReorganisationCrashTest {
    private static final long SLOT = 100;

    @TempDir
    Path dir;

    /** A store that performs its first {@code writesBeforeKill} writes, then dies: no later write happens. */
    private static final class DyingStore implements ChainStore {
        private final ChainStore store;
        private final int writesBeforeKill;
        private int writes;

        DyingStore(ChainStore store, int writesBeforeKill) {
            this.store = store;
            this.writesBeforeKill = writesBeforeKill;
        }

        boolean killed() {
            return writes > writesBeforeKill;
        }

        private void write() throws StoreException {
            writes++;
            if (killed()) {
                throw new StoreException("killed before write " + writes);
            }
        }

        @Override
        public void commit(HeadChange change) throws StoreException {
            write();
            store.commit(change);
        }

        @Override
        public void storeBlock(Block block) throws StoreException {
            write();
            store.storeBlock(block);
        }

        @Override
        public void putMeta(String key, byte[] value) throws StoreException {
            write();
            store.putMeta(key, value);
        }

        @Override
        public Optional<Map<Address, Account>> accountsBefore(byte[] blockHash) throws StoreException {
            return store.accountsBefore(blockHash);
        }

        @Override
        public Optional<Block> blockByHash(byte[] hash) throws StoreException {
            return store.blockByHash(hash);
        }

        @Override
        public Optional<Block> blockAt(long height) throws StoreException {
            return store.blockAt(height);
        }

        @Override
        public Optional<Block> head() throws StoreException {
            return store.head();
        }

        @Override
        public Map<Address, Account> accounts() throws StoreException {
            return store.accounts();
        }

        @Override
        public Optional<byte[]> stateRecord(byte[] key) throws StoreException {
            return store.stateRecord(key);
        }

        @Override
        public Optional<byte[]> meta(String key) throws StoreException {
            return store.meta(key);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private static Map<Address, Account> accounts(State state) {
        Map<Address, Account> all = new HashMap<>();
        state.forEachAccount(all::put);
        return all;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    @Test
    @Timeout(180)
    void aNodeKilledAtAnyWriteOfAReorganisationReopensToAConsistentHeadAndFinalizedCheckpoint() throws Exception {
        // Four epochs together, everyone voting; then one validator of four alone on A, the others on B.
        FfgForks forks = FfgForks.poa(4, 4, 51);
        forks.epochs("main", 4, 0, 1, 2, 3);
        forks.partition("a", "main", 0).partition("b", "main", 1, 2, 3);
        for (int epoch = 0; epoch < 5; epoch++) { // side by side, as a partition builds them
            forks.epochs("a", 1, 0).epochs("b", 1, 1, 2, 3);
        }
        long fork = forks.forkHeight("a", "b");
        List<Block> prefixAndA = forks.blocks("a");
        List<Block> branchB = forks.blocks("b", fork + 1);
        Block loneHead = forks.tip("a");
        Block majorityHead = forks.tip("b");
        Genesis genesis = forks.genesis();
        long now = forks.now();

        // The reference: a node that follows A, then B, without dying.
        NodeCore reference = NodeCore.open(genesis, new MemoryChainStore());
        for (Block block : prefixAndA) {
            reference.addBlock(block, now);
        }
        Checkpoint finalizedOnA = reference.storeFinalized().orElseThrow();
        List<Integer> reorgs = new ArrayList<>();
        reference.onHeadChanged(change -> reorgs.add(change.reorgDepth()));
        DyingStore counting = new DyingStore(new MemoryChainStore(), Integer.MAX_VALUE);
        NodeCore counted = NodeCore.open(genesis, counting);
        for (Block block : prefixAndA) {
            counted.addBlock(block, now);
        }
        int writesBeforeB = counting.writes;
        for (Block block : branchB) {
            reference.addBlock(block, now);
            counted.addBlock(block, now);
        }
        int writesOfB = counting.writes - writesBeforeB;
        assertThat(reference.head()).isEqualTo(majorityHead);
        assertThat(reorgs).as("the switch to B abandons A's blocks").anyMatch(depth -> depth > 0);
        Checkpoint finalizedOnB = reference.storeFinalized().orElseThrow();
        assertThat(finalizedOnB.epoch()).as("B finalizes a later checkpoint").isGreaterThan(finalizedOnA.epoch());

        // A RocksDB store holding A, closed: the state of the node when B starts to arrive.
        Path holdingA = dir.resolve("holding-a");
        try (ChainStore store = RocksChainStore.open(holdingA)) {
            NodeCore node = NodeCore.open(genesis, store);
            for (Block block : prefixAndA) {
                node.addBlock(block, now);
            }
            assertThat(node.head()).isEqualTo(loneHead);
        }

        List<Long> headsAfterKills = new ArrayList<>();
        for (int k = 0; k < writesOfB; k++) {
            Path data = dir.resolve("killed-at-" + k);
            copy(holdingA, data);
            DyingStore dying = new DyingStore(RocksChainStore.open(data), k);
            try (dying) {
                NodeCore node = NodeCore.open(genesis, dying);
                for (Block block : branchB) {
                    try {
                        node.addBlock(block, now);
                    } catch (ChainStore.StoreException killed) {
                        break; // the process is gone: nothing more happens
                    }
                }
            }
            assertThat(dying.killed()).as("the store died at write %d", k).isTrue();

            try (ChainStore store = RocksChainStore.open(data)) {
                NodeCore reopened = NodeCore.open(genesis, store);
                Block head = reopened.head();
                headsAfterKills.add(head.height());
                assertThat(store.head()).contains(head);
                State expected = reference.tree().stateAfter(head.hash())
                        .orElseThrow(() -> new AssertionError("a head the node never had: " + head));
                String where = "killed at write " + k + ", reopened at height " + head.height();
                assertThat(reopened.headState().root()).as(where).isEqualTo(expected.root());
                assertThat(store.accounts()).as(where).isEqualTo(accounts(expected));
                assertThat(reopened.headFinality()).as(where).isEqualTo(expected.finality());
                Checkpoint finalized = reopened.storeFinalized().orElseThrow();
                assertThat(finalized).as(where).isEqualTo(expected.finality().orElseThrow().finalized());
                assertThat(finalized.epoch()).isGreaterThanOrEqualTo(finalizedOnA.epoch());
                Block finalizedBlock = reopened.blockByHash(finalized.hash()).orElseThrow();
                assertThat(reopened.blockAt(finalizedBlock.height()).orElseThrow().hash())
                        .as("%s: the finalized checkpoint is canonical", where).isEqualTo(finalized.hash());

                // Hearing B again, it ends where the node that never died ended.
                for (Block block : branchB) {
                    assertThat(reopened.addBlock(block, now)).as(where)
                            .isInstanceOfAny(NodeCore.Added.class, NodeCore.Known.class);
                }
                assertThat(reopened.head()).as(where).isEqualTo(reference.head());
                assertThat(store.accounts()).as(where).isEqualTo(accounts(reference.headState()));
                assertThat(reopened.storeFinalized()).as(where).contains(finalizedOnB);
            }
        }
        // The kills left the node on A (before the switch) and on B (after it).
        assertThat(headsAfterKills).contains(loneHead.height()).anyMatch(h -> h > loneHead.height());
    }
}
