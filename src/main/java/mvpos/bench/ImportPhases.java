package mvpos.bench;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.RocksChainStore;
import mvpos.consensus.PoaEngine;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.node.Node;
import mvpos.node.SignatureCache;
import mvpos.state.BlockContext;
import mvpos.state.State;
import mvpos.state.StateTransition;

/**
 * The load behind {@code mvpos bench import}: builds a poa-sealed chain of signed transfers in
 * memory, imports it into a fresh {@link Node} over RocksDB with {@link Node#importBlocks}, and
 * compares the import rate with what the machine's cores could verify (Ed25519 verifications per

/** The import benchmark's replay: the node's import steps, each timed on its own. */
final class ImportPhases {
    private ImportPhases() {
    }

    /**
     * The import again, without the node, its steps timed one by one: the same work as
     * {@link Node#importBlocks} (parallel verification into a signature cache, then per block the
     * header checks and the state transition, then one RocksDB commit per batch), on a new store.
     */
    static ImportBench.Phases replay(ImportBench.Chain chain, int batch, Path directory) throws ChainStore.StoreException {
        Genesis genesis = chain.genesis();
        Address validator = Address.parse(genesis.engineParams().get(PoaEngine.AUTHORITIES));
        mvpos.state.GenesisState genesisState = mvpos.state.GenesisState.of(genesis);
        mvpos.chain.ChainDomain domain = genesisState.domain();
        StateTransition rules = new StateTransition(domain, genesis.blockReward());
        SignatureCache signatures = new SignatureCache(domain, 200_000); // as the node's
        long[] stateRoot = new long[1];
        long[] lookups = new long[1];
        // The cache, as the state transition asks it, with the time of each question counted.
        StateTransition.SignatureCheck timedCache = tx -> {
            long t = System.nanoTime();
            boolean valid = signatures.isValid(tx);
            lookups[0] += System.nanoTime() - t;
            return valid;
        };
        long verify = 0;
        long headers = 0;
        long apply = 0;
        long commit = 0;
        long encoding = 0;
        try (RocksChainStore store = RocksChainStore.open(directory)) {
            Block tip = genesisState.block();
            store.commit(new ChainStore.HeadChange(List.of(new ChainStore.CanonicalBlock(tip, Map.of())),
                    genesis.accounts()));
            State state = new TimedState(genesisState.state(), stateRoot);
            List<Block> blocks = chain.blocks();
            for (int from = 0; from < blocks.size(); from += batch) {
                List<Block> slice = blocks.subList(from, Math.min(from + batch, blocks.size()));
                // 1. Every signature of the batch, in parallel (Node.importBlocks, before its loop).
                long t0 = System.nanoTime();
                signatures.verifyAll(slice.stream().flatMap(b -> b.transactions().stream()).toList());
                verify += System.nanoTime() - t0;
                List<ChainStore.CanonicalBlock> commits = new ArrayList<>();
                Map<Address, Account> written = new java.util.HashMap<>();
                for (Block block : slice) {
                    // 2. Header: link to the parent, seal, transactions root (Node.checkHeader).
                    long t1 = System.nanoTime();
                    Header header = block.header();
                    boolean linked = header.height() == tip.height() + 1 && Arrays.equals(header.parentHash(), tip.hash());
                    if (!linked || !header.proposer().equals(validator) || !ImportBench.sealSigned(header, domain)
                            || !Arrays.equals(header.bodyRoot(), Block.bodyRoot(block.transactions(), block.votes()))) {
                        throw new IllegalStateException("replay: block " + block.height() + " fails its header checks");
                    }
                    // 3. The state transition, which ends by computing the new state and its root.
                    long t2 = System.nanoTime();
                    StateTransition.Outcome outcome = rules.apply(state, mvpos.state.BlockContext.of(header),
                            block.transactions(), timedCache);
                    if (!(outcome instanceof StateTransition.Applied applied)
                            || !Arrays.equals(applied.stateRoot(), header.stateRoot())) {
                        throw new IllegalStateException("replay: block " + block.height() + " does not apply: " + outcome);
                    }
                    apply += System.nanoTime() - t2;
                    headers += t2 - t1;
                    Map<Address, Account> before = new java.util.HashMap<>();
                    for (Address changed : applied.changes().keySet()) {
                        before.put(changed, state.account(changed));
                    }
                    commits.add(new ChainStore.CanonicalBlock(block, before));
                    written.putAll(applied.changes());
                    state = applied.postState();
                    tip = block;
                }
                // 4. One synchronous RocksDB write for the batch; the block encoding it does is timed apart, first.
                long t3 = System.nanoTime();
                slice.forEach(Block::encode);
                long t4 = System.nanoTime();
                store.commit(new ChainStore.HeadChange(commits, written));
                commit += System.nanoTime() - t4;
                encoding += t4 - t3;
            }
        }
        return new ImportBench.Phases(verify / 1e9, headers / 1e9, (apply - stateRoot[0]) / 1e9, lookups[0] / 1e9,
                stateRoot[0] / 1e9, commit / 1e9, encoding / 1e9);
    }

    /** A state that adds the time of each {@link State#with} (the new state and its root hash) to a counter. */
    private record TimedState(State inner, long[] nanos) implements State {
        @Override
        public Account account(Address address) {
            return inner.account(address);
        }

        @Override
        public byte[] root() {
            return inner.root();
        }

        @Override
        public State with(Map<Address, Account> changes) {
            long start = System.nanoTime();
            State next = inner.with(changes);
            nanos[0] += System.nanoTime() - start;
            return new TimedState(next, nanos);
        }

        @Override
        public void forEachAccount(BiConsumer<Address, Account> visitor) {
            inner.forEachAccount(visitor);
        }

        @Override
        public java.util.Optional<mvpos.state.FinalityState> finality() {
            return inner.finality();
        }

        @Override
        public State withFinality(mvpos.state.FinalityState finality) {
            return new TimedState(inner.withFinality(finality), nanos);
        }
    }

}
