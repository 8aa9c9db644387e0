package mvpos.node;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.ChainStore;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.SealRejection;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.crypto.Hex;
import mvpos.state.BlockContext;
import mvpos.state.FinalityState;
import mvpos.state.GenesisState;
import mvpos.state.State;
import mvpos.state.StateTransition;

/**
 * The chain side of a node: its block tree and fork choice, block validation and the state transition,
 * storage of every head change, the mempool, the pool of finality votes, and what it sees of offences.
 * It holds no key: a node's validator duties are a {@link Validator}'s, which builds on this. It has no
 * thread and no clock: whoever drives it (the threaded {@link Node}, or a devnet's event queue) passes
 * the time in and calls it one event at a time.
 *
 * <p>With Casper FFG, finality is part of each block's state ({@link FinalityState}); the node keeps
 * the highest justified and finalized checkpoints any valid block's state holds (the spec's store),
 * makes every head descend from that justified checkpoint, and refuses blocks that do not descend from
 * that finalized one.
 */
public final class NodeCore {
    /** Most transactions a block may carry. */
    public static final int MAX_TXS_PER_BLOCK = 2_000;
    /** Most blocks one {@link #addBlocks} call adds before it stores them (see {@link ChainView#STATE_HISTORY}). */
    public static final int MAX_BLOCKS_PER_WRITE = ChainView.STATE_HISTORY * 3 / 4;
    /** Most blocks held while their parent is missing. */
    public static final int MAX_ORPHANS = 1_024;
    /** Most blocks held until their slot or timestamp comes (a peer whose clock runs ahead). */
    public static final int MAX_EARLY_BLOCKS = 256;
    /** How far ahead of the node's clock a block is held rather than refused. */
    public static final long MAX_EARLY_MILLIS = 60_000;
    /** Most gossiped votes held while their target block is unknown. */
    public static final int MAX_WAITING_VOTES = 100_000;

    /** What happened to a block offered to the node. */
    public sealed interface BlockResult permits Added, Known, Orphan, Early, Invalid {
    }

    /** Valid and added to the tree; {@code head} when it is the head afterwards. */
    public record Added(long height, String hash, boolean head) implements BlockResult {
    }

    /** Already in the tree. */
    public record Known(long height, String hash) implements BlockResult {
    }

    /** Its parent is unknown; the block is held until the parent arrives. */
    public record Orphan(long height, byte[] parentHash) implements BlockResult {
    }

    /** Its slot or timestamp is ahead of this node's clock; it is held and offered again when its time comes. */
    public record Early(long height, String reason) implements BlockResult {
    }

    public record Invalid(long height, BlockRejection rejection) implements BlockResult {
    }

    /** The head's latest justified or finalized checkpoint moved. */
    public record FinalityChanged(Checkpoint justified, Checkpoint finalized) {
    }

    /** What became of a vote offered to the node. */
    public sealed interface VoteOutcome permits VoteAccepted, VoteIgnored {
    }

    /** New to this node and countable on its target's chain (or waiting for its target): worth relaying. */
    public record VoteAccepted() implements VoteOutcome {
    }

    /**
     * A duplicate, or refused with a reason; {@code forged} when only a faulty or malicious signer or
     * relay sends such a vote (a bad signature, a lying source, a signer outside the dynasties).
     */
    public record VoteIgnored(String reason, boolean forged) implements VoteOutcome {
        public VoteIgnored(String reason) {
            this(reason, false);
        }
    }

    /** A head change, reported after it is stored: the new head and how many blocks were abandoned. */
    public record HeadChanged(Block head, int reorgDepth) {
    }

    /** A valid block added to the tree, on any fork; {@code head} when it is the head afterwards. */
    public record BlockAdded(Block block, boolean head) {
    }

    /** What became of the votes this node was offered, and how many the blocks it added carried. */
    public record VoteCounts(long accepted, long refused, long inBlocks) {
    }

    /**
     * Work done before a block reaches the node, in parallel: the transactions and votes whose
     * signature is known valid and the body root of each block (by identity).
     */
    public record Prechecked(Set<Transaction> validSignatures, Map<Block, byte[]> bodyRoots) {
        public static final Prechecked NONE = new Prechecked(Set.of(), Map.of());

        /** Verifies the signatures (through the cache) and computes the body roots of these blocks, in parallel. */
        public static Prechecked of(List<Block> blocks, SignatureCache signatures) {
            Set<Transaction> valid = Collections.newSetFromMap(new IdentityHashMap<>());
            Map<Block, byte[]> roots = new IdentityHashMap<>();
            List<Transaction> all = new ArrayList<>();
            List<Vote> votes = new ArrayList<>();
            blocks.forEach(b -> {
                all.addAll(b.transactions());
                votes.addAll(b.votes());
            });
            valid.addAll(all.parallelStream().filter(signatures::isValid).toList());
            votes.parallelStream().forEach(signatures::isValid); // remembered by the cache
            List<byte[]> computed = blocks.parallelStream().map(b -> Block.bodyRoot(b.transactions(), b.votes()))
                    .toList();
            for (int i = 0; i < blocks.size(); i++) {
                roots.put(blocks.get(i), computed.get(i));
            }
            return new Prechecked(valid, roots);
        }
    }

    private final Genesis genesis;
    private final ChainDomain domain;
    private final ConsensusEngine engine;
    private final ChainStore store;
    private final StateTransition rules;
    private final SignatureCache signatures;
    private final TransitionCache transitions;
    private final Mempool mempool;
    /** Replaced only by a reorganisation deeper than the tree (see {@link #tryDeepReorganisation}). */
    private BlockTree tree;
    /** Canonical stored blocks below the tree that orphans fork from: candidates for a deep reorganisation. */
    private final Set<HashKey> deepForkPoints = new java.util.LinkedHashSet<>();
    private final VotePool votes = new VotePool();
    private final OffenceDetector offences = new OffenceDetector();
    private final Set<Address> reported = new HashSet<>();
    private final Map<HashKey, List<Block>> orphansByParent = new LinkedHashMap<>();
    private int orphanCount;
    private final LinkedHashMap<HashKey, Block> early = new LinkedHashMap<>();
    private final LinkedHashMap<HashKey, Vote> waitingVotes = new LinkedHashMap<>();
    /** The highest justified and finalized checkpoints any valid block's state holds (the spec's store). */
    private Checkpoint storeJustified;
    private Checkpoint storeFinalized;
    private Checkpoint reportedJustified;
    private Checkpoint reportedFinalized;
    /** The last registry written to the store, so that each is written once. */
    private HashKey storedRegistry;
    private final List<Consumer<HeadChanged>> headListeners = new ArrayList<>();
    private final List<Consumer<FinalityChanged>> finalityListeners = new ArrayList<>();
    private final List<Consumer<SlashingEvidence>> evidenceListeners = new ArrayList<>();
    private final List<Consumer<BlockAdded>> blockListeners = new ArrayList<>();
    private volatile VoteCounts voteCounts = new VoteCounts(0, 0, 0);

    /**
     * Opens the chain side of a node on a store: commits genesis to a new store, or checks a stored chain
     * against this genesis and rebuilds the states of its last {@link ChainView#STATE_HISTORY} blocks from
     * their undo records (and, with finality, their finality records).
     */
    public NodeCore(GenesisState genesisState, ConsensusEngine engine, ChainStore store, SignatureCache signatures,
                    TransitionCache transitions) throws ChainStore.StoreException {
        this.genesis = genesisState.genesis();
        this.domain = genesisState.domain();
        this.engine = engine;
        this.store = store;
        this.rules = StateTransition.of(genesis, domain);
        this.signatures = signatures;
        this.transitions = transitions;
        this.mempool = new Mempool(rules, 50_000);
        Block genesisBlock = genesisState.block();
        Optional<Block> stored = store.head();
        if (stored.isEmpty()) {
            store.commit(new ChainStore.HeadChange(List.of(new ChainStore.CanonicalBlock(genesisBlock, Map.of())),
                    genesis.accounts(), finalityRecords(genesisBlock.hash(), genesisState.state())));
            tree = new BlockTree(genesis, domain, genesisBlock, genesisState.state(), signatures::verify);
        } else {
            Block first = store.blockAt(0).orElseThrow(() -> new ChainStore.StoreException("the stored chain has no block 0"));
            if (!Arrays.equals(first.hash(), genesisBlock.hash())) {
                throw new ChainStore.StoreException("the stored chain starts from another genesis (chain "
                        + first.header().chainId() + ", genesis " + Hex.encode(first.hash()) + ")");
            }
            tree = new StoredChain(store, genesis, domain, rules.hasFinality()).rebuild(stored.get(), engine,
                    signatures::verify);
        }
        tree.head().state().finality().ifPresent(f -> {
            storeJustified = f.currentJustified();
            storeFinalized = f.finalized();
            reportedJustified = storeJustified;
            reportedFinalized = storeFinalized;
            tree.setAnchor(storeJustified.hash());
        });
    }

    /**
     * The chain side of a node for {@code genesis} on {@code store}, with the engine genesis names and
     * signature and transition caches of its own.
     */
    public static NodeCore open(Genesis genesis, ChainStore store) throws ChainStore.StoreException {
        GenesisState genesisState = GenesisState.of(genesis);
        ConsensusEngine engine;
        try {
            engine = mvpos.consensus.Engines.named(genesis.engine()).configure(genesis);
        } catch (IllegalArgumentException e) {
            throw new ChainStore.StoreException("genesis of chain '" + genesis.chainId() + "': " + e.getMessage());
        }
        return new NodeCore(genesisState, engine, store, new SignatureCache(genesisState.domain(), 100_000),
                new TransitionCache(16));
    }

    /** The state records a block's state adds: its finality record, and its registry when new. */
    private List<ChainStore.StateRecord> finalityRecords(byte[] blockHash, State state) {
        Optional<FinalityState> finality = state.finality();
        if (finality.isEmpty()) {
            return List.of();
        }
        List<ChainStore.StateRecord> records = new ArrayList<>(2);
        HashKey registry = HashKey.of(finality.get().validators().root());
        if (!registry.equals(storedRegistry)) {
            records.add(new ChainStore.StateRecord(StoredChain.registryKey(registry.bytes()),
                    finality.get().validators().encode()));
            storedRegistry = registry;
        }
        records.add(new ChainStore.StateRecord(StoredChain.finalityKey(blockHash), finality.get().encodeRecord()));
        return records;
    }

    /** Adds a listener called after each stored head change (on the caller's thread). */
    public void onHeadChanged(Consumer<HeadChanged> listener) {
        headListeners.add(listener);
    }

    /** Adds a listener called when the head's justified or finalized checkpoint moves. */
    public void onFinalityChanged(Consumer<FinalityChanged> listener) {
        finalityListeners.add(listener);
    }

    /** Adds a listener told of each valid block added to the tree, on any fork (on the caller's thread). */
    public void onBlockAdded(Consumer<BlockAdded> listener) {
        blockListeners.add(listener);
    }

    /** The node's vote counts so far (any thread). */
    public VoteCounts voteCounts() {
        return voteCounts;
    }

    /** Adds a listener told of each offence the node sees (once per offender). */
    public void onEvidence(Consumer<SlashingEvidence> listener) {
        evidenceListeners.add(listener);
    }

    /** Offers one block (from the network or a peer); see {@link #addBlocks}. */
    public BlockResult addBlock(Block block, long nowMillis) throws ChainStore.StoreException {
        return addBlocks(List.of(block), nowMillis, Prechecked.NONE).get(0);
    }

    /**
     * Offers blocks, in order: each is validated (link, seal, body root, state transition, state root)
     * and added to the tree; blocks waiting for one of them follow. If the head changed, the new
     * canonical blocks, the accounts they change and their state records are stored in one atomic write
     * before this returns (one write per {@link #MAX_BLOCKS_PER_WRITE} blocks added); valid blocks off
     * the canonical chain are stored too.
     */
    public List<BlockResult> addBlocks(List<Block> blocks, long nowMillis, Prechecked prechecked)
            throws ChainStore.StoreException {
        BlockTree.Entry oldHead = tree.head();
        List<BlockResult> results = new ArrayList<>(blocks.size());
        List<BlockTree.Entry> added = new ArrayList<>();
        for (Block block : blocks) {
            BlockResult result = addOne(block, nowMillis, prechecked, added);
            results.add(result);
            if (result instanceof Added) {
                adoptOrphansOf(block.hash(), nowMillis, added);
            }
            if (added.size() >= MAX_BLOCKS_PER_WRITE) {
                // Stored while the tree still holds the old head: the path from it to the new head is needed.
                settle(oldHead, added);
                oldHead = tree.head();
                added = new ArrayList<>();
            }
        }
        settle(oldHead, added);
        if (!deepForkPoints.isEmpty()) {
            tryDeepReorganisations(nowMillis);
        }
        retryWaitingVotes();
        return results;
    }

    /** Offers again the blocks held for being early whose time has come (a node's timer calls this). */
    public void onTick(long nowMillis) throws ChainStore.StoreException {
        if (early.isEmpty()) {
            return;
        }
        List<Block> due = new ArrayList<>(early.values());
        early.clear();
        addBlocks(due, nowMillis, Prechecked.NONE);
    }

    private BlockResult addOne(Block block, long nowMillis, Prechecked prechecked, List<BlockTree.Entry> added) {
        byte[] hash = block.hash();
        Header header = block.header();
        if (tree.contains(hash)) {
            return new Known(header.height(), Hex.encode(hash));
        }
        Optional<BlockTree.Entry> parent = tree.entry(header.parentHash());
        if (parent.isEmpty() && header.height() <= tree.lowestHeight()) {
            // Older than the tree keeps: a block we stored long ago, or a fork from deep in the chain.
            if (knownInStore(hash)) {
                return new Known(header.height(), Hex.encode(hash));
            }
            if (!rules.hasFinality()) {
                // Without finality the heaviest chain wins at any depth the store holds: keep the fork's
                // blocks, and weigh it once the block it forks from is found (tryDeepReorganisation).
                if (isCanonicalInStore(header.parentHash(), header.height() - 1)) {
                    deepForkPoints.add(HashKey.of(header.parentHash()));
                }
                holdOrphan(block);
                return new Orphan(header.height(), header.parentHash());
            }
            return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.BELOW_FORK_WINDOW,
                    "block " + header.height() + " forks below the lowest height this node keeps ("
                            + tree.lowestHeight() + ")"));
        }
        if (storeFinalized != null && conflictsWithFinalized(header, parent)) {
            return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.CONFLICTS_WITH_FINALIZED,
                    "the block is not a descendant of the finalized checkpoint of epoch " + storeFinalized.epoch()));
        }
        if (parent.isEmpty()) {
            holdOrphan(block);
            return new Orphan(header.height(), header.parentHash());
        }
        Optional<BlockRejection> problem = checkHeader(parent.get(), block, nowMillis, prechecked);
        if (problem.isPresent()) {
            if (isEarly(problem.get(), header, nowMillis)) {
                holdEarly(block);
                return new Early(header.height(), problem.get().toString());
            }
            return new Invalid(header.height(), problem.get());
        }
        StateTransition.Applied applied = transitions.get(hash).orElse(null);
        if (applied == null) {
            StateTransition.SignatureCheck check = signatures.withPrechecked(prechecked.validSignatures());
            StateTransition.Outcome outcome = rules.apply(parent.get().state(), BlockContext.of(header),
                    block.transactions(), block.votes(), check);
            if (outcome instanceof StateTransition.Rejected rejected) {
                return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.INVALID_TRANSACTION,
                        rejected.rejection().toString()));
            }
            applied = (StateTransition.Applied) outcome;
            if (!Arrays.equals(applied.stateRoot(), header.stateRoot())) {
                return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.BAD_STATE_ROOT,
                        "the state root does not match the state its body gives"));
            }
            transitions.put(hash, applied);
        } else if (!Arrays.equals(applied.stateRoot(), header.stateRoot())) {
            return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.BAD_STATE_ROOT,
                    "the state root does not match the state its body gives"));
        }
        State parentState = parent.get().state();
        Map<Address, Account> before = new HashMap<>();
        applied.changes().keySet().forEach(address -> before.put(address, parentState.account(address)));
        BlockTree.Entry entry = tree.add(block, hash, applied.postState(), before, engine.weight(header));
        added.add(entry);
        followJustification(entry);
        if (engine.oneBlockPerSlot()) {
            offences.observe(header).ifPresent(this::report);
        }
        if (!block.votes().isEmpty()) {
            VoteCounts counts = voteCounts;
            voteCounts = new VoteCounts(counts.accepted(), counts.refused(), counts.inBlocks() + block.votes().size());
        }
        if (!blockListeners.isEmpty()) {
            BlockAdded event = new BlockAdded(block, tree.head() == entry);
            blockListeners.forEach(listener -> listener.accept(event));
        }
        for (Vote vote : block.votes()) {
            // Kept in the pool too: a fork that does not carry it may still count it.
            if (votes.markSeen(vote)) {
                votes.add(vote);
                offences.observe(vote).ifPresent(this::report);
            }
        }
        return new Added(header.height(), Hex.encode(hash), tree.head() == entry);
    }

    /**
     * The spec's store: when a block's state justifies or finalizes a later checkpoint than any before,
     * heads must descend from that justified checkpoint, and blocks from that finalized one.
     */
    private void followJustification(BlockTree.Entry entry) {
        Optional<FinalityState> finality = entry.state().finality();
        if (finality.isEmpty()) {
            return;
        }
        Checkpoint justified = finality.get().currentJustified();
        if (justified.epoch() > storeJustified.epoch()) {
            storeJustified = justified;
            tree.setAnchor(justified.hash());
        }
        if (finality.get().finalized().epoch() > storeFinalized.epoch()) {
            storeFinalized = finality.get().finalized();
        }
    }

    private boolean isCanonicalInStore(byte[] hash, long height) {
        try {
            Optional<Block> atHeight = store.blockAt(height);
            return atHeight.isPresent() && Arrays.equals(atHeight.get().hash(), hash);
        } catch (ChainStore.StoreException e) {
            return false;
        }
    }

    private void tryDeepReorganisations(long nowMillis) throws ChainStore.StoreException {
        List<HashKey> points = new ArrayList<>(deepForkPoints);
        deepForkPoints.clear();
        for (HashKey point : points) {
            if (orphansByParent.containsKey(point)) {
                tryDeepReorganisation(point, nowMillis);
            }
        }
    }

    /**
     * A fork from a canonical block below the tree (a long partition of a chain without finality): when
     * the heaviest chain of held blocks descending from it weighs more than the canonical chain above it,
     * the node rebuilds its tree from below the fork point (the states through the store's undo records),
     * validates the fork's blocks as any others, and, if they still weigh more, makes the fork canonical in
     * one atomic write. Otherwise nothing changes and the blocks stay held.
     */
    private void tryDeepReorganisation(HashKey point, long nowMillis) throws ChainStore.StoreException {
        Block fork = store.blockByHash(point.bytes()).orElse(null);
        if (fork == null || !isCanonicalInStore(point.bytes(), fork.height())) {
            return;
        }
        BigInteger candidate = heaviestHeldChain(point);
        BlockTree.Entry oldHead = tree.head();
        BigInteger ours = BigInteger.ZERO;
        for (long h = fork.height() + 1; h <= oldHead.height(); h++) {
            ours = ours.add(engine.weight(store.blockAt(h).orElseThrow(() -> new ChainStore.StoreException(
                    "the stored chain misses a canonical block")).header()));
        }
        if (candidate.compareTo(ours) <= 0) {
            return;
        }
        BlockTree old = tree;
        long from = Math.max(0, fork.height() - ChainView.STATE_HISTORY / 2);
        tree = new StoredChain(store, genesis, domain, rules.hasFinality()).rebuild(oldHead.block(), engine,
                signatures::verify, from, fork.height());
        BigInteger base = tree.head().totalWeight();
        List<BlockTree.Entry> added = new ArrayList<>();
        adoptOrphansOf(point.bytes(), nowMillis, added);
        BlockTree.Entry newHead = tree.head();
        if (newHead.totalWeight().subtract(base).compareTo(ours) <= 0) {
            tree = old; // some of its blocks were invalid: what is left is not heavier
            return;
        }
        commitDeepReorganisation(fork, oldHead, newHead, added);
    }

    /** The weight of the heaviest chain of held (orphan) blocks descending from {@code point}. */
    private BigInteger heaviestHeldChain(HashKey point) {
        BigInteger best = BigInteger.ZERO;
        Set<HashKey> visited = new HashSet<>();
        Deque<Map.Entry<HashKey, BigInteger>> todo = new ArrayDeque<>();
        todo.add(Map.entry(point, BigInteger.ZERO));
        while (!todo.isEmpty()) {
            Map.Entry<HashKey, BigInteger> at = todo.poll();
            best = best.max(at.getValue());
            for (Block child : orphansByParent.getOrDefault(at.getKey(), List.of())) {
                HashKey id = HashKey.of(child.hash());
                if (visited.add(id)) {
                    todo.add(Map.entry(id, at.getValue().add(engine.weight(child.header()))));
                }
            }
        }
        return best;
    }

    /** Stores a deep reorganisation in one write: the fork's blocks canonical, the accounts of both branches. */
    private void commitDeepReorganisation(Block fork, BlockTree.Entry oldHead, BlockTree.Entry newHead,
                                          List<BlockTree.Entry> added) throws ChainStore.StoreException {
        // The new canonical blocks, from the ones this reorganisation added (the tree may hold fewer of them).
        Map<HashKey, BlockTree.Entry> addedByHash = new HashMap<>();
        added.forEach(entry -> addedByHash.put(HashKey.of(entry.hash()), entry));
        List<BlockTree.Entry> gained = new ArrayList<>();
        for (BlockTree.Entry at = newHead; at != null && at.height() > fork.height();
             at = addedByHash.get(HashKey.of(at.header().parentHash()))) {
            gained.add(0, at);
        }
        Map<Address, Account> accounts = new HashMap<>();
        List<Transaction> abandonedTxs = new ArrayList<>();
        for (long h = fork.height() + 1; h <= oldHead.height(); h++) {
            Block abandoned = store.blockAt(h).orElseThrow();
            abandonedTxs.addAll(abandoned.transactions());
            store.accountsBefore(abandoned.hash()).orElseThrow(() -> new ChainStore.StoreException(
                    "the stored chain has no undo record for block " + abandoned.height()))
                    .keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
        }
        List<ChainStore.CanonicalBlock> blocks = new ArrayList<>();
        for (BlockTree.Entry entry : gained) {
            entry.before().keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
            blocks.add(new ChainStore.CanonicalBlock(entry.block(), entry.before()));
        }
        store.commit(new ChainStore.HeadChange(blocks, accounts));
        Set<BlockTree.Entry> canonical = Collections.newSetFromMap(new IdentityHashMap<>());
        canonical.addAll(gained);
        for (BlockTree.Entry entry : added) {
            if (!canonical.contains(entry)) {
                store.storeBlock(entry.block());
            }
        }
        mempool.atHeight(newHead.height() + 1);
        mempool.onNewHead(newHead.state());
        abandonedTxs.forEach(tx -> mempool.add(tx, newHead.state(), signatures));
        HeadChanged changed = new HeadChanged(newHead.block(), (int) (oldHead.height() - fork.height()));
        headListeners.forEach(listener -> listener.accept(changed));
    }

    private boolean knownInStore(byte[] hash) {
        try {
            return store.blockByHash(hash).isPresent();
        } catch (ChainStore.StoreException e) {
            return false;
        }
    }

    /** Fork choice never reverts a finalized block: nothing may fork from below it. */
    private boolean conflictsWithFinalized(Header header, Optional<BlockTree.Entry> parent) {
        Optional<BlockTree.Entry> finalizedBlock = tree.entry(storeFinalized.hash());
        if (finalizedBlock.isEmpty()) {
            return false;
        }
        if (header.height() <= finalizedBlock.get().height()) {
            return true; // every block up to the finalized one is known already: this one is another fork
        }
        return parent.isPresent() && !tree.descendsFrom(parent.get(), finalizedBlock.get());
    }

    /** A block refused only because it claims a slot or time this node's clock has not reached (yet). */
    private static boolean isEarly(BlockRejection rejection, Header header, long nowMillis) {
        if (header.timestamp() > nowMillis + MAX_EARLY_MILLIS) {
            return false;
        }
        String detail = rejection.detail();
        return rejection.reason() == BlockRejection.Reason.BAD_SEAL
                && (detail.startsWith(SealRejection.Reason.FUTURE_SLOT.name())
                || detail.startsWith(SealRejection.Reason.BAD_TIMESTAMP.name()) && header.timestamp() > nowMillis);
    }

    private void holdEarly(Block block) {
        if (early.size() >= MAX_EARLY_BLOCKS) {
            early.remove(early.keySet().iterator().next());
        }
        early.put(HashKey.of(block.hash()), block);
    }

    private Optional<BlockRejection> checkHeader(BlockTree.Entry parent, Block block, long nowMillis,
                                                 Prechecked prechecked) {
        Header header = block.header();
        Header parentHeader = parent.header();
        if (!header.chainId().equals(genesis.chainId())) {
            return reject(BlockRejection.Reason.WRONG_CHAIN, "a block of chain '" + header.chainId() + "'");
        }
        if (header.height() != parentHeader.height() + 1) {
            return reject(BlockRejection.Reason.WRONG_HEIGHT, "height " + header.height() + " on a parent at height "
                    + parentHeader.height());
        }
        if (header.timestamp() <= parentHeader.timestamp()) {
            return reject(BlockRejection.Reason.BAD_TIMESTAMP, "timestamp not after its parent's");
        }
        if (!header.engine().equals(genesis.engine())) {
            return reject(BlockRejection.Reason.UNKNOWN_ENGINE, "sealed by engine '" + header.engine()
                    + "', this chain runs '" + genesis.engine() + "'");
        }
        if (block.transactions().size() > MAX_TXS_PER_BLOCK) {
            return reject(BlockRejection.Reason.TOO_MANY_TRANSACTIONS, block.transactions().size()
                    + " transactions, at most " + MAX_TXS_PER_BLOCK);
        }
        Optional<SealRejection> seal = engine.verifySeal(tree, parentHeader, header, nowMillis);
        if (seal.isPresent()) {
            return Optional.of(BlockRejection.seal(seal.get()));
        }
        byte[] bodyRoot = prechecked.bodyRoots().get(block);
        if (!Arrays.equals(header.bodyRoot(), bodyRoot != null ? bodyRoot : Block.bodyRoot(block.transactions(),
                block.votes()))) {
            return reject(BlockRejection.Reason.BAD_BODY_ROOT, "the body root does not match its transactions and votes");
        }
        return Optional.empty();
    }

    private static Optional<BlockRejection> reject(BlockRejection.Reason reason, String detail) {
        return Optional.of(new BlockRejection(reason, detail));
    }

    private void holdOrphan(Block block) {
        List<Block> siblings = orphansByParent.get(HashKey.view(block.header().parentHash()));
        if (siblings != null && siblings.stream().anyMatch(b -> Arrays.equals(b.hash(), block.hash()))) {
            return; // held already (a block asked for twice arrives twice)
        }
        if (orphanCount >= MAX_ORPHANS) {
            // Forget the oldest waiting group: a peer that floods orphans cannot grow the node's memory.
            var oldest = orphansByParent.entrySet().iterator();
            orphanCount -= oldest.next().getValue().size();
            oldest.remove();
        }
        orphansByParent.computeIfAbsent(HashKey.of(block.header().parentHash()), k -> new ArrayList<>()).add(block);
        orphanCount++;
    }

    private void adoptOrphansOf(byte[] parentHash, long nowMillis, List<BlockTree.Entry> added) {
        Deque<byte[]> parents = new ArrayDeque<>();
        parents.add(parentHash);
        while (!parents.isEmpty()) {
            List<Block> waiting = orphansByParent.remove(HashKey.of(parents.poll()));
            if (waiting == null) {
                continue;
            }
            orphanCount -= waiting.size();
            for (Block orphan : waiting) {
                if (addOne(orphan, nowMillis, Prechecked.NONE, added) instanceof Added) {
                    parents.add(orphan.hash());
                }
            }
        }
    }

    /** How many blocks are held while their parent is missing. */
    public int orphans() {
        return orphanCount;
    }

    /** Stores what the added blocks changed: the new canonical chain in one write, and side blocks. */
    private void settle(BlockTree.Entry oldHead, List<BlockTree.Entry> added) throws ChainStore.StoreException {
        BlockTree.Entry newHead = tree.head();
        if (added.isEmpty() && newHead == oldHead) {
            return;
        }
        Set<BlockTree.Entry> canonical = Collections.newSetFromMap(new IdentityHashMap<>());
        if (newHead != oldHead) {
            List<BlockTree.Entry> abandoned = new ArrayList<>();
            List<BlockTree.Entry> gained = tree.pathFromCommonAncestor(oldHead, newHead, abandoned);
            canonical.addAll(gained);
            Map<Address, Account> accounts = new HashMap<>();
            for (BlockTree.Entry entry : abandoned) {
                entry.before().keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
            }
            List<ChainStore.CanonicalBlock> blocks = new ArrayList<>(gained.size());
            List<ChainStore.StateRecord> records = new ArrayList<>();
            for (BlockTree.Entry entry : gained) {
                entry.before().keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
                blocks.add(new ChainStore.CanonicalBlock(entry.block(), entry.before()));
                records.addAll(finalityRecords(entry.hash(), entry.state()));
            }
            store.commit(new ChainStore.HeadChange(blocks, accounts, records));
            mempool.atHeight(newHead.height() + 1);
            mempool.onNewHead(newHead.state());
            for (BlockTree.Entry entry : abandoned) {
                // Transactions of an abandoned fork go back to the mempool when they still apply.
                entry.block().transactions().forEach(tx -> mempool.add(tx, newHead.state(), signatures));
            }
            HeadChanged changed = new HeadChanged(newHead.block(), abandoned.size());
            headListeners.forEach(listener -> listener.accept(changed));
            reportFinality(newHead);
        }
        for (BlockTree.Entry entry : added) {
            if (!canonical.contains(entry)) {
                store.storeBlock(entry.block());
            }
        }
    }

    private void reportFinality(BlockTree.Entry head) {
        Optional<FinalityState> finality = head.state().finality();
        if (finality.isEmpty()) {
            return;
        }
        Checkpoint justified = finality.get().currentJustified();
        Checkpoint finalized = finality.get().finalized();
        if (!justified.equals(reportedJustified) || !finalized.equals(reportedFinalized)) {
            reportedJustified = justified;
            reportedFinalized = finalized;
            votes.forgetBefore(finality.get().epoch() - 2);
            FinalityChanged changed = new FinalityChanged(justified, finalized);
            finalityListeners.forEach(listener -> listener.accept(changed));
        }
    }

    // ------------------------------------------------------------------ votes and offences

    /**
     * Offers a finality vote (from gossip, or this node's validator): it must be countable on its
     * target's own chain ({@link #whyNotCountableOnTargetChain}); then it goes to the vote pool, for the
     * blocks this node produces, and is watched for offences. A vote whose target block is not known yet
     * waits for it (at most {@link #MAX_WAITING_VOTES}).
     */
    public VoteOutcome addVote(Vote vote, long nowMillis) {
        if (!rules.hasFinality()) {
            return new VoteIgnored("this chain has no finality gadget");
        }
        HashKey id = HashKey.of(vote.hash());
        if (votes.seen(vote) || waitingVotes.containsKey(id)) {
            return new VoteIgnored("duplicate");
        }
        if (!vote.chainId().equals(domain.chainId())) {
            return new VoteIgnored("a vote for chain '" + vote.chainId() + "'", true);
        }
        if (!signatures.isValid(vote)) {
            return new VoteIgnored("the vote's signature is invalid for this chain", true);
        }
        // A signed vote slashable with an earlier one proves an offence, whatever blocks it names.
        offences.observe(vote).ifPresent(this::report);
        long headEpoch = headFinality().map(FinalityState::epoch).orElse(0L);
        if (vote.targetEpoch() + 2 < headEpoch || vote.targetEpoch() <= storeFinalized.epoch()) {
            return new VoteIgnored("its target epoch " + vote.targetEpoch() + " is too old to be counted");
        }
        Optional<BlockTree.Entry> target = tree.entry(vote.targetHash());
        if (target.isEmpty()) {
            if (waitingVotes.size() >= MAX_WAITING_VOTES) {
                waitingVotes.remove(waitingVotes.keySet().iterator().next());
            }
            waitingVotes.put(id, vote);
            return new VoteAccepted();
        }
        votes.markSeen(vote);
        Optional<mvpos.state.VoteRejection> problem = whyNotCountableOnTargetChain(vote, target.get());
        VoteCounts counts = voteCounts;
        if (problem.isPresent()) {
            voteCounts = new VoteCounts(counts.accepted(), counts.refused() + 1, counts.inBlocks());
            return new VoteIgnored(problem.get().toString(), problem.get().byFault());
        }
        voteCounts = new VoteCounts(counts.accepted() + 1, counts.refused(), counts.inBlocks());
        votes.add(vote);
        return new VoteAccepted();
    }

    /**
     * Why a vote could not be counted on the chain of its target: the state of a block entering its
     * target epoch right after the target (the target must be the last block before that epoch) decides
     * which source is the justified one there and who is in the dynasties, whatever came later.
     */
    private Optional<mvpos.state.VoteRejection> whyNotCountableOnTargetChain(Vote vote, BlockTree.Entry target) {
        long epochLength = rules.epochLength();
        long targetEpoch = vote.targetEpoch();
        if (targetEpoch < 1 || target.header().slot() >= targetEpoch * epochLength) {
            return Optional.of(new mvpos.state.VoteRejection(mvpos.state.VoteRejection.Reason.WRONG_TARGET,
                    "block " + target.height() + " (slot " + target.header().slot()
                            + ") cannot be the checkpoint of epoch " + targetEpoch));
        }
        StateTransition.SlotView view = viewEntering(target, targetEpoch);
        return view.whyNotCountable(vote, false, signatures);
    }

    /**
     * What a block entering {@code epoch} right after {@code last} (the last block before the epoch)
     * sees: the epoch's checkpoint is {@code last}; computed once per block and epoch, shared through the
     * transition cache.
     */
    StateTransition.SlotView viewEntering(BlockTree.Entry last, long epoch) {
        return transitions.targetView(last.hash(), epoch, () -> rules.atSlot(last.state(), new BlockContext(
                last.height() + 1, epoch * rules.epochLength(), last.hash(), new Address(new byte[Address.LENGTH]))));
    }

    private void retryWaitingVotes() {
        if (waitingVotes.isEmpty()) {
            return;
        }
        List<Vote> ready = new ArrayList<>();
        for (Vote vote : waitingVotes.values()) {
            if (tree.contains(vote.targetHash())) {
                ready.add(vote);
            }
        }
        for (Vote vote : ready) {
            waitingVotes.remove(HashKey.of(vote.hash()));
            addVote(vote, 0);
        }
    }

    /** The votes a block that sees {@code view} may count, from the pool. */
    List<Vote> votesFor(StateTransition.SlotView view, int limit) {
        return votes.selectFor(view, limit, signatures);
    }

    /** How many votes the pool holds, and how many wait for their target block. */
    public int pooledVotes() {
        return votes.size();
    }

    public int waitingVotes() {
        return waitingVotes.size();
    }

    /** An offence seen: listeners hear of it, once per offender not slashed yet. */
    private void report(SlashingEvidence evidence) {
        Address offender = evidence.offender();
        if (headState().account(offender).slashed() || !reported.add(offender)) {
            return;
        }
        evidenceListeners.forEach(listener -> listener.accept(evidence));
    }

    // ------------------------------------------------------------------ what a validator builds on

    /** Adds a block this node's validator made (with the transition it computed), like any other. */
    BlockResult addOwnBlock(Block block, StateTransition.Applied applied, long nowMillis)
            throws ChainStore.StoreException {
        transitions.put(block.hash(), applied);
        return addBlock(block, nowMillis);
    }

    /** Transactions for a block on a parent with this state, at this height. */
    List<Transaction> transactionsFor(State parentState, long height) {
        mempool.atHeight(height);
        return mempool.selectForBlock(parentState, MAX_TXS_PER_BLOCK);
    }

    /** Checks a transaction (its signature through the cache) and offers it to the mempool. */
    public Mempool.Admission submit(Transaction tx) {
        mempool.atHeight(tree.head().height() + 1);
        return mempool.add(tx, tree.head().state(), signatures);
    }

    /** The nonce the sender's next transaction should carry, counting its pending ones. */
    public long nextNonce(Address sender) {
        return mempool.nextNonce(sender, tree.head().state());
    }

    // ------------------------------------------------------------------ reading

    public Block head() {
        return tree.head().block();
    }

    public State headState() {
        return tree.head().state();
    }

    /** The head state's finality, on a chain with Casper FFG. */
    public Optional<FinalityState> headFinality() {
        return headState().finality();
    }

    /** The highest justified checkpoint any valid block's state holds (heads descend from it). */
    public Optional<Checkpoint> storeJustified() {
        return Optional.ofNullable(storeJustified);
    }

    /** The highest finalized checkpoint any valid block's state holds (no block may conflict with it). */
    public Optional<Checkpoint> storeFinalized() {
        return Optional.ofNullable(storeFinalized);
    }

    public BlockTree tree() {
        return tree;
    }

    public ConsensusEngine engine() {
        return engine;
    }

    public Genesis genesis() {
        return genesis;
    }

    public ChainDomain domain() {
        return domain;
    }

    public StateTransition rules() {
        return rules;
    }

    public ChainStore store() {
        return store;
    }

    SignatureCache signatures() {
        return signatures;
    }

    public int pendingTransactions() {
        return mempool.size();
    }

    /** The block at {@code height} on the canonical chain (from the store). */
    public Optional<Block> blockAt(long height) throws ChainStore.StoreException {
        return store.blockAt(height);
    }

    /** A known block by hash: in the tree, or in the store. */
    public Optional<Block> blockByHash(byte[] hash) throws ChainStore.StoreException {
        Optional<BlockTree.Entry> entry = tree.entry(hash);
        return entry.isPresent() ? Optional.of(entry.get().block()) : store.blockByHash(hash);
    }

    /** The total weight of the head's chain, counted from the tree's first block. */
    public BigInteger headWeight() {
        return tree.head().totalWeight();
    }
}
