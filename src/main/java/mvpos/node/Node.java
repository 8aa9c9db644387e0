package mvpos.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Clock;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.Transaction;
import mvpos.chain.Account;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.Engines;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.state.BucketedState;
import mvpos.state.State;
import mvpos.state.StateTransition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node: chain store, head state, mempool and, when it holds the validator's key, block
 * production. Every change of the head happens on the node's own loop thread, one event at a time;
 * signature checks, the expensive pure work, run in parallel before a block enters the loop.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.node");
    /** Most transactions a produced block carries. */
    public static final int MAX_TXS_PER_BLOCK = 2_000;

    private final Genesis genesis;
    private final ChainStore store;
    private final Clock clock;
    private final KeyPair validatorKey;
    private final Address validator;
    private final ConsensusEngine engine;
    private final StateTransition rules;
    private final Mempool mempool;
    private final SignatureCache signatures = new SignatureCache(200_000);
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "node-loop");
        thread.setDaemon(true);
        return thread;
    });
    private volatile State state;
    private volatile Block head;

    /** What happened to a block offered for import. */
    public sealed interface ImportResult permits Imported, Refused {
    }

    public record Imported(long height, String hash) implements ImportResult {
    }

    public record Refused(long height, String reason) implements ImportResult {
    }

    private Node(Genesis genesis, ChainStore store, Clock clock, KeyPair validatorKey) throws ChainStore.StoreException {
        this.genesis = genesis;
        this.store = store;
        this.clock = clock;
        this.validatorKey = validatorKey;
        try {
            this.engine = Engines.named(genesis.engine()).configure(genesis);
        } catch (IllegalArgumentException e) {
            throw new ChainStore.StoreException(e.getMessage());
        }
        this.validator = validatorKey == null ? null : validatorKey.address();
        this.rules = new StateTransition(genesis.chainId(), genesis.blockReward());
        this.mempool = new Mempool(rules, 50_000);
        Optional<Block> stored = store.head();
        BucketedState genesisState = BucketedState.of(genesis.accounts());
        Block genesisBlock = new Block(genesis.header(genesisState.root()), List.of());
        if (stored.isEmpty()) {
            store.commit(List.of(new ChainStore.Commit(genesisBlock, genesis.accounts())));
            state = genesisState;
            head = genesisBlock;
        } else {
            Block first = store.blockAt(0).orElseThrow(() -> new ChainStore.StoreException("the stored chain has no block 0"));
            if (!Arrays.equals(first.hash(), genesisBlock.hash())) {
                throw new ChainStore.StoreException("the stored chain starts from another genesis (chain "
                        + first.header().chainId() + ", genesis " + Hex.encode(first.hash()) + ")");
            }
            head = stored.get();
            state = BucketedState.of(store.accounts());
            if (!Arrays.equals(state.root(), head.header().stateRoot())) {
                throw new ChainStore.StoreException("the stored state does not match the head block's state root");
            }
        }
    }

    /** Opens a node on a store: commits genesis to a new store, or checks and resumes a stored chain. */
    public static Node open(Genesis genesis, ChainStore store, Clock clock, KeyPair validatorKey)
            throws ChainStore.StoreException {
        return new Node(genesis, store, clock, validatorKey);
    }

    /** Produces a block every {@code periodMillis} (genesis's block time by default), if this node holds the validator's key. */
    public void startProducing(long periodMillis) {
        requireValidatorKey();
        loop.scheduleAtFixedRate(this::produceSafely, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void requireValidatorKey() {
        if (validatorKey == null) {
            throw new IllegalStateException("this node holds no validator key");
        }
    }

    private final ChainView view = new ChainView() {
        @Override
        public Genesis genesis() {
            return genesis;
        }

        @Override
        public Optional<Header> header(byte[] hash) {
            return Arrays.equals(hash, head.hash()) ? Optional.of(head.header()) : Optional.empty();
        }

        @Override
        public Optional<State> stateAfter(byte[] hash) {
            return Arrays.equals(hash, head.hash()) ? Optional.of(state) : Optional.empty();
        }

        @Override
        public boolean verifySignature(byte[] publicKey, byte[] message, byte[] signature) {
            return mvpos.crypto.Ed25519.verify(publicKey, message, signature);
        }
    };

    private void produceSafely() {
        try {
            produceBlock();
        } catch (RuntimeException | ChainStore.StoreException e) {
            log.error("block production failed: {}", e.getMessage(), e);
        }
    }

    /** Produces the next block now, on the loop (tests and tools; the timer does the same). */
    public Block produceNow() throws InterruptedException, ExecutionException {
        requireValidatorKey();
        return onLoop(this::produceBlock);
    }

    /** On the loop: builds, seals, stores and applies the next block. */
    private Block produceBlock() throws ChainStore.StoreException {
        long now = Math.max(clock.millis(), engine.slotAt(clock.millis()) > head.header().slot() ? 0 : 0);
        Optional<ConsensusEngine.Claim> claim = engine.claim(view, head.header(), clock.millis(), validatorKey);
        if (claim.isEmpty()) {
            return null;
        }
        List<Transaction> txs = mempool.selectForBlock(state, MAX_TXS_PER_BLOCK);
        StateTransition.Outcome outcome = rules.apply(state, validator, txs, signatures);
        if (!(outcome instanceof StateTransition.Applied applied)) {
            throw new IllegalStateException("the mempool offered an invalid block: " + outcome);
        }
        Header parent = head.header();
        long timestamp = Math.max(clock.millis(), parent.timestamp() + 1);
        Header unsealed = new Header(genesis.chainId(), parent.height() + 1, head.hash(), timestamp,
                claim.get().slot(), validator, Block.txRoot(txs), applied.stateRoot(), genesis.engine(),
                claim.get().engineData(), new byte[0]);
        Block block = new Block(engine.seal(view, unsealed, validatorKey, null, 1).orElseThrow(), txs);
        store.commit(List.of(new ChainStore.Commit(block, applied.changes())));
        state = applied.postState();
        head = block;
        mempool.onNewHead(state);
        log.info("block {} {} with {} transactions", block.height(), Hex.encode(block.hash()), txs.size());
        return block;
    }

    /**
     * Verifies and imports blocks that extend the head, in order: all their signatures are checked in
     * parallel first, then each block is checked (link, seal, transactions root, state transition,
     * state root) and the valid run is committed in one durable write. Stops at the first invalid block.
     */
    public List<ImportResult> importBlocks(List<Block> blocks) throws InterruptedException, ExecutionException {
        List<Transaction> all = new ArrayList<>();
        blocks.forEach(b -> all.addAll(b.transactions()));
        signatures.verifyAll(all);
        return onLoop(() -> importVerified(blocks));
    }

    private List<ImportResult> importVerified(List<Block> blocks) throws ChainStore.StoreException {
        List<ImportResult> results = new ArrayList<>();
        List<ChainStore.Commit> commits = new ArrayList<>();
        State current = state;
        Block tip = head;
        for (Block block : blocks) {
            Optional<String> problem = checkHeader(tip.header(), tip.hash(), block);
            StateTransition.Applied applied = null;
            if (problem.isEmpty()) {
                StateTransition.Outcome outcome = rules.apply(current, block.header().proposer(), block.transactions(),
                        signatures);
                if (outcome instanceof StateTransition.Rejected rejected) {
                    problem = Optional.of(rejected.rejection().toString());
                } else {
                    applied = (StateTransition.Applied) outcome;
                    if (!Arrays.equals(applied.stateRoot(), block.header().stateRoot())) {
                        problem = Optional.of("the state root does not match the state its transactions give");
                    }
                }
            }
            if (problem.isPresent()) {
                results.add(new Refused(block.height(), problem.get()));
                break;
            }
            commits.add(new ChainStore.Commit(block, applied.changes()));
            current = applied.postState();
            tip = block;
            results.add(new Imported(block.height(), Hex.encode(block.hash())));
        }
        store.commit(commits);
        state = current;
        head = tip;
        mempool.onNewHead(state);
        return results;
    }

    private Optional<String> checkHeader(Header parent, byte[] parentHash, Block block) {
        Header header = block.header();
        if (!header.chainId().equals(genesis.chainId())) {
            return Optional.of("block of chain '" + header.chainId() + "'");
        }
        if (header.height() != parent.height() + 1 || !Arrays.equals(header.parentHash(), parentHash)) {
            return Optional.of("block " + header.height() + " does not extend the head " + parent.height());
        }
        if (header.timestamp() <= parent.timestamp()) {
            return Optional.of("timestamp not after its parent's");
        }
        if (!header.engine().equals(genesis.engine())) {
            return Optional.of("sealed by engine '" + header.engine() + "'");
        }
        Optional<String> seal = engine.verifySeal(view, parent, header, clock.millis()).map(Object::toString);
        if (seal.isPresent()) {
            return seal;
        }
        if (!Arrays.equals(header.txRoot(), Block.txRoot(block.transactions()))) {
            return Optional.of("the transactions root does not match its transactions");
        }
        return Optional.empty();
    }

    /** Checks a transaction (signature verified here, off the loop) and offers it to the mempool. */
    public Mempool.Admission submit(Transaction tx) throws InterruptedException, ExecutionException {
        signatures.isValid(tx);
        return onLoop(() -> mempool.add(tx, state, signatures));
    }

    /** The nonce the sender's next transaction should carry, counting its pending ones. */
    public long nextNonce(Address sender) throws InterruptedException, ExecutionException {
        return onLoop(() -> mempool.nextNonce(sender, state));
    }

    public Block head() {
        return head;
    }

    public Account account(Address address) {
        return state.account(address);
    }

    public Optional<Block> blockAt(long height) throws ChainStore.StoreException {
        return store.blockAt(height);
    }

    public Genesis genesis() {
        return genesis;
    }

    public int pendingTransactions() throws InterruptedException, ExecutionException {
        return onLoop(mempool::size);
    }

    private <T> T onLoop(Callable<T> task) throws InterruptedException, ExecutionException {
        return loop.submit(task).get();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
