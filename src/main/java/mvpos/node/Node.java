package mvpos.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Clock;
import mvpos.chain.Genesis;
import mvpos.chain.Transaction;
import mvpos.consensus.ConsensusEngine;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: a {@link NodeCore} driven by its own loop thread, the wall clock (or any injected
 * {@link Clock}) and a timer that gives the validator its chances to produce. Every change of the head
 * happens on the loop, one event at a time; signature checks, the expensive pure work, run in parallel
 * before blocks enter the loop.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.node");
    /** Most transactions a produced block carries. */
    public static final int MAX_TXS_PER_BLOCK = NodeCore.MAX_TXS_PER_BLOCK;
    /** Blocks whose signatures are verified together while the loop applies the previous group. */
    static final int IMPORT_GROUP_TRANSACTIONS = 4_000;
    /** Groups whose signatures may be verified ahead of the one the loop applies. */
    static final int IMPORT_LOOKAHEAD = 2;
    /**
     * Block transitions remembered (each holds a whole post-state). A node of its own needs only the one
     * it just produced: a block it already applied is in its tree. Few, because the states remembered
     * beyond the tree's are what the garbage collector copied most while a node synced (at 1,024, a
     * sync of 10,000 small blocks spent 0.4 to 1.6 s of its 5 to 7 s in collection pauses; at 16, 0.2 s).
     */
    static final int TRANSITIONS_REMEMBERED = 16;
    /** Proof-of-work candidates tried per tick of the production timer. */
    public static final long POW_ATTEMPTS_PER_TICK = 20_000;

    private final NodeCore core;
    private final Validator validator;
    private final Clock clock;
    private final SignatureCache signatures;
    private final SlashingProtection protection;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "node-loop");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * Where signatures are verified, one thread per core. Its own pool, not the common one: a parallel
     * stream started inside a common-pool task only gets the common pool's cores - 1 threads.
     */
    private final java.util.concurrent.ForkJoinPool verifiers = new java.util.concurrent.ForkJoinPool(
            Runtime.getRuntime().availableProcessors(), pool -> {
                java.util.concurrent.ForkJoinWorkerThread thread =
                        java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                thread.setName("node-verify-" + thread.getPoolIndex());
                thread.setDaemon(true);
                return thread;
            }, null, false);
    private volatile Block head;
    private volatile mvpos.state.State state;
    private volatile FinalityStatus finality;

    /** What happened to a block offered for import. */
    public sealed interface ImportResult permits Imported, Refused {
    }

    public record Imported(long height, String hash) implements ImportResult {
    }

    public record Refused(long height, String reason) implements ImportResult {
    }

    private Node(NodeCore core, Validator validator, Clock clock, SignatureCache signatures,
                 SlashingProtection protection) {
        this.protection = protection;
        this.core = core;
        this.validator = validator;
        this.clock = clock;
        this.signatures = signatures;
        this.head = core.head();
        this.state = core.headState();
        core.headFinality().ifPresent(f -> finality = FinalityStatus.of(f));
        core.onFinalityChanged(change -> {
            if (finality == null || change.finalized().epoch() > finality.finalized().epoch()) {
                log.info("finalized epoch {} {}, justified epoch {}", change.finalized().epoch(),
                        Hex.encode(change.finalized().hash()), change.justified().epoch());
            }
        });
        core.onHeadChanged(change -> {
            head = change.head();
            state = core.headState();
            core.headFinality().ifPresent(f -> {
                FinalityStatus status = FinalityStatus.of(f);
                if (status.stalled() && (finality == null || !finality.stalled())) {
                    log.warn("{}", status.describe());
                }
                finality = status;
            });
            if (change.reorgDepth() > 0) {
                log.info("reorganisation: {} blocks abandoned, head is block {} {}", change.reorgDepth(),
                        change.head().height(), Hex.encode(change.head().hash()));
            }
        });
    }

    /**
     * Opens a node on a store with the engine its genesis names: commits genesis to a new store, or
     * checks and resumes a stored chain.
     *
     * @param validatorKey the key to produce blocks with, or null for a node that only follows
     */
    public static Node open(Genesis genesis, ChainStore store, Clock clock, KeyPair validatorKey, RandomSource random)
            throws ChainStore.StoreException {
        return open(genesis, store, clock, validatorKey, random, SlashingProtection.inMemory());
    }

    /**
     * As {@link #open(Genesis, ChainStore, Clock, KeyPair, RandomSource)}, with the record of what the
     * validator signed (on disk, so it still refuses a slashable signature after a restart); the node
     * closes it.
     */
    public static Node open(Genesis genesis, ChainStore store, Clock clock, KeyPair validatorKey, RandomSource random,
                            SlashingProtection protection) throws ChainStore.StoreException {
        ConsensusEngine engine = GenesisChoices.engine(genesis);
        mvpos.state.GenesisState genesisState = mvpos.state.GenesisState.of(genesis);
        SignatureCache signatures = new SignatureCache(genesisState.domain(), 200_000);
        NodeCore core = new NodeCore(genesisState, engine, store, signatures, new TransitionCache(TRANSITIONS_REMEMBERED));
        Validator validator = validatorKey == null ? null
                : Validator.honest(core, validatorKey, protection, random, POW_ATTEMPTS_PER_TICK);
        return new Node(core, validator, clock, signatures, protection);
    }

    /**
     * Gives the validator a chance to produce every {@code tickMillis}: a slot engine produces when a
     * slot of its validator begins, proof of work tries {@link #POW_ATTEMPTS_PER_TICK} candidates.
     */
    public void startProducing(long tickMillis) {
        requireValidatorKey();
        loop.scheduleAtFixedRate(this::produceSafely, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    private void requireValidatorKey() {
        if (validator == null) {
            throw new IllegalStateException("this node holds no validator key");
        }
    }

    /** What a node alone does with its validator's output: logs its blocks (it has no peers to tell). */
    private final Outbox logOnly = new Outbox() {
        @Override
        public void announce(Block block) {
            log.info("block {} {} with {} transactions", block.height(), Hex.encode(block.hash()),
                    block.transactions().size());
        }

        @Override
        public void announce(mvpos.chain.Vote vote) {
        }

        @Override
        public void announce(Transaction transaction) {
        }
    };

    private void produceSafely() {
        try {
            core.onTick(clock.millis());
            validator.onTick(clock.millis(), logOnly);
        } catch (RuntimeException | ChainStore.StoreException e) {
            log.error("block production failed: {}", e.getMessage(), e);
        }
    }

    /**
     * Runs work on the node's loop, after the events already queued (how a network layer hands in
     * messages). The work may use {@link #core()}; an exception is logged and the loop goes on.
     */
    public void runOnLoop(LoopTask task) {
        loop.execute(() -> runSafely(task));
    }

    /** Runs work on the node's loop every {@code periodMillis} (a network layer's production ticks). */
    public void scheduleOnLoop(LoopTask task, long periodMillis) {
        loop.scheduleAtFixedRate(() -> runSafely(task), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs work on the node's loop once, after {@code delayMillis} (an engine protocol's timer). */
    public void runOnLoopAfter(LoopTask task, long delayMillis) {
        try {
            loop.schedule(() -> runSafely(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("not scheduled: the node is stopping");
        }
    }

    /** Work for the node's loop. */
    @FunctionalInterface
    public interface LoopTask {
        void run() throws Exception;
    }

    private static void runSafely(LoopTask task) {
        try {
            task.run();
        } catch (Exception e) {
            log.error("{}", e.getMessage(), e);
        }
    }

    /** The node's core: to be used from work run on the loop only. */
    public NodeCore core() {
        return core;
    }

    public Clock clock() {
        return clock;
    }

    /** Produces a block now if the engine lets this validator (tests and tools; the timer does the same). */
    public Optional<Block> produceNow() throws InterruptedException, ExecutionException {
        requireValidatorKey();
        return onLoop(() -> {
            long now = clock.millis();
            core.onTick(now);
            Optional<Block> block = validator.produceOnHead(now);
            validator.voteDuty(now);
            return block;
        });
    }

    /** The node's validator (to be used from work run on the loop only), when it holds a key. */
    public Optional<Validator> validator() {
        return Optional.ofNullable(validator);
    }

    /**
     * Verifies and imports blocks, in order, stopping at the first that is refused. Blocks go in groups
     * of about {@link #IMPORT_GROUP_TRANSACTIONS} transactions: while the loop applies one group (header
     * and seal, transactions root, state transition, state root) and commits it in one durable write,
     * the signatures of the next group are verified in parallel on the other cores.
     */
    public List<ImportResult> importBlocks(List<Block> blocks) throws InterruptedException, ExecutionException {
        List<List<Block>> groups = group(blocks);
        List<ImportResult> results = new ArrayList<>(blocks.size());
        // Verification runs up to IMPORT_LOOKAHEAD groups ahead of the loop, so the verifying cores never
        // wait for the loop, nor for the last, slowest piece of one group before starting the next.
        java.util.ArrayDeque<CompletableFuture<NodeCore.Prechecked>> ahead = new java.util.ArrayDeque<>();
        int submitted = 0;
        try {
            for (List<Block> group : groups) {
                while (submitted < groups.size() && ahead.size() < IMPORT_LOOKAHEAD) {
                    ahead.add(precheck(groups.get(submitted++)));
                }
                NodeCore.Prechecked prechecked = ahead.poll().get();
                List<NodeCore.BlockResult> added = onLoop(() -> core.addBlocks(group, clock.millis(), prechecked));
                for (int i = 0; i < added.size(); i++) {
                    if (added.get(i) instanceof NodeCore.Added a) {
                        results.add(new Imported(a.height(), a.hash()));
                    } else {
                        results.add(new Refused(group.get(i).height(), describe(added.get(i))));
                        return results;
                    }
                }
            }
            return results;
        } finally {
            ahead.forEach(future -> future.cancel(false));
        }
    }

    /**
     * Verifies the signatures of these blocks and computes their transactions roots on the node's
     * verifier pool (every core), off the loop: what a network layer does with blocks before it hands
     * them to the loop.
     */
    public CompletableFuture<NodeCore.Prechecked> precheck(List<Block> group) {
        return CompletableFuture.supplyAsync(() -> NodeCore.Prechecked.of(group, signatures), verifiers);
    }

    private static List<List<Block>> group(List<Block> blocks) {
        List<List<Block>> groups = new ArrayList<>();
        int from = 0;
        int txs = 0;
        for (int i = 0; i < blocks.size(); i++) {
            txs += blocks.get(i).transactions().size() + 1;
            if (txs >= IMPORT_GROUP_TRANSACTIONS || i == blocks.size() - 1) {
                groups.add(blocks.subList(from, i + 1));
                from = i + 1;
                txs = 0;
            }
        }
        return groups;
    }

    private static String describe(NodeCore.BlockResult result) {
        return switch (result) {
            case NodeCore.Invalid invalid -> invalid.rejection().toString();
            case NodeCore.Orphan orphan -> "its parent " + Hex.encode(orphan.parentHash()) + " is unknown";
            case NodeCore.Known known -> "already known";
            case NodeCore.Early early -> "ahead of this node's clock: " + early.reason();
            case NodeCore.Added added -> "added";
        };
    }

    /** Checks a transaction (signature verified here, off the loop) and offers it to the mempool. */
    public Mempool.Admission submit(Transaction tx) throws InterruptedException, ExecutionException {
        signatures.isValid(tx);
        return onLoop(() -> core.submit(tx));
    }

    /** The nonce the sender's next transaction should carry, counting its pending ones. */
    public long nextNonce(Address sender) throws InterruptedException, ExecutionException {
        return onLoop(() -> core.nextNonce(sender));
    }

    public Block head() {
        return head;
    }

    public Account account(Address address) {
        return state.account(address);
    }

    /** The head's state (any thread may read it: a state never changes). */
    public mvpos.state.State headState() {
        return state;
    }

    public Optional<Block> blockAt(long height) throws ChainStore.StoreException {
        return core.blockAt(height);
    }

    /** A block found by hash, and whether it is on the node's canonical chain. */
    public record KnownBlock(Block block, boolean canonical) {
    }

    /** A block the node knows by hash: on its chain, or on a fork it still keeps. */
    public Optional<KnownBlock> blockByHash(byte[] hash) throws InterruptedException, ExecutionException {
        return onLoop(() -> {
            Optional<Block> block = core.blockByHash(hash);
            if (block.isEmpty()) {
                return Optional.<KnownBlock>empty();
            }
            Optional<Block> atHeight = core.blockAt(block.get().height());
            return Optional.of(new KnownBlock(block.get(), atHeight.isPresent()
                    && java.util.Arrays.equals(atHeight.get().hash(), block.get().hash())));
        });
    }

    public Genesis genesis() {
        return core.genesis();
    }

    /** Finality as the head state shows it, when the chain runs a finality gadget. */
    public Optional<FinalityStatus> finality() {
        return Optional.ofNullable(finality);
    }

    /** The address of the node's validator, when it holds a key. */
    public Optional<Address> validatorAddress() {
        return Optional.ofNullable(validator).map(Validator::address);
    }

    public int pendingTransactions() throws InterruptedException, ExecutionException {
        return onLoop(core::pendingTransactions);
    }

    private <T> T onLoop(Callable<T> task) throws InterruptedException, ExecutionException {
        return loop.submit(task).get();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        verifiers.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        core.store().close();
        protection.close();
    }
}
