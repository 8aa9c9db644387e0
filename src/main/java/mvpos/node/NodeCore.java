package mvpos.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
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
import mvpos.consensus.ForkChoice;
import mvpos.crypto.Address;
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
public final class NodeCore implements NodeCoreTypes, ChainReads {
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

    private final Genesis genesis;
    private final ChainDomain domain;
    private final ConsensusEngine engine;
    private final ChainStore store;
    private final StateTransition rules;
    private final SignatureCache signatures;
    private final TransitionCache transitions;
    private final Mempool mempool;
    private final HeaderChecks headerChecks;
    private final BlockExecution execution;
    /** Replaced only by a reorganisation deeper than the tree (see {@link DeepReorganisation}). */
    private BlockTree tree;
    private final HeldBlocks held = new HeldBlocks();
    private final DeepReorganisation deep;
    private final OffenceDetector offences = new OffenceDetector();
    private final VoteIntake voteIntake;
    private final ForkChoice forkChoice;
    private final ForkChoiceInputs forkChoiceInputs;
    private final Set<Address> reported = new HashSet<>();
    private final FinalityCheckpoints checkpoints = new FinalityCheckpoints();
    private final CanonicalWriter writer;
    private final NodeEvents events = new NodeEvents();

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
        this.rules = StateTransition.of(genesis, domain).withHooks(engine.hooks(genesis));
        this.signatures = signatures;
        this.transitions = transitions;
        this.mempool = new Mempool(rules, 50_000);
        this.headerChecks = new HeaderChecks(genesis, engine, rules.epochLength());
        this.execution = new BlockExecution(rules, signatures, transitions);
        this.writer = new CanonicalWriter(store);
        this.deep = new DeepReorganisation(this, held);
        this.forkChoice = GenesisChoices.forkChoice(genesis);
        this.forkChoiceInputs = new ForkChoiceInputs(forkChoice, engine, genesis.blockTimeMillis());
        this.voteIntake = new VoteIntake(this, offences, signatures, transitions, forkChoiceInputs::counted);
        tree = StoredChain.open(store, genesisState, rules.hasFinality(), engine, signatures::verify, writer);
        tree.setForkChoice(forkChoice);
        tree.head().state().finality().ifPresent(f -> {
            checkpoints.start(f);
            tree.setAnchor(checkpoints.justified().hash());
        });
    }

    /**
     * The chain side of a node for {@code genesis} on {@code store}, with the engine genesis names and
     * signature and transition caches of its own.
     */
    public static NodeCore open(Genesis genesis, ChainStore store) throws ChainStore.StoreException {
        GenesisState genesisState = GenesisState.of(genesis);
        return new NodeCore(genesisState, GenesisChoices.engine(genesis), store, new SignatureCache(genesisState.domain(), 100_000),
                new TransitionCache(16));
    }

    /** Adds a listener called after each stored head change (on the caller's thread). */
    public void onHeadChanged(Consumer<HeadChanged> listener) {
        events.onHeadChanged(listener);
    }

    /** Adds a listener called when the head's justified or finalized checkpoint moves. */
    public void onFinalityChanged(Consumer<FinalityChanged> listener) {
        events.onFinalityChanged(listener);
    }

    /** Adds a listener told of each valid block added to the tree, on any fork (on the caller's thread). */
    public void onBlockAdded(Consumer<BlockAdded> listener) {
        events.onBlockAdded(listener);
    }

    /** The node's vote counts so far (any thread). */
    public VoteCounts voteCounts() {
        return voteIntake.counts();
    }

    /** Adds a listener told of each offence the node sees (once per offender). */
    public void onEvidence(Consumer<SlashingEvidence> listener) {
        events.onEvidence(listener);
    }

    /** Offers one block (from the network or a peer); see {@link #addBlocks}. */
    public BlockResult addBlock(Block block, long nowMillis) throws ChainStore.StoreException {
        byte[] hash = block.hash();
        if (tree.contains(hash)) {
            // A block this node holds already (most deliveries, on a network where every peer relays it): a
            // hash lookup first, then only what addBlocks does after a known block (nothing else changed).
            voteIntake.retryWaiting();
            refreshHead(nowMillis);
            return new Known(block.height(), block.header().hashHex());
        }
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
        deep.tryAll(nowMillis);
        voteIntake.retryWaiting();
        refreshHead(nowMillis);
        return results;
    }

    /** Offers again the blocks held for being early whose time has come (a node's timer calls this). */
    public void onTick(long nowMillis) throws ChainStore.StoreException {
        if (held.hasEarly()) {
            addBlocks(held.takeEarly(), nowMillis, Prechecked.NONE);
        }
        refreshHead(nowMillis);
    }

    /**
     * Chooses the head again when the fork choice's inputs changed (votes counted, a proposer boost given
     * or ended) and stores the change; blocks added and {@link #onTick} call this.
     */
    public void refreshHead(long nowMillis) throws ChainStore.StoreException {
        if (forkChoiceInputs.stale(nowMillis)) {
            BlockTree.Entry oldHead = tree.head();
            tree.refreshHead();
            forkChoiceInputs.chosen();
            settle(oldHead, List.of());
        }
    }

    private BlockResult addOne(Block block, long nowMillis, Prechecked prechecked, List<BlockTree.Entry> added) {
        byte[] hash = block.hash();
        Header header = block.header();
        if (tree.contains(hash)) {
            return new Known(header.height(), header.hashHex());
        }
        Optional<BlockTree.Entry> parent = tree.entry(header.parentHash());
        if (parent.isEmpty() && header.height() <= tree.lowestHeight()) {
            // Older than the tree keeps: a block we stored long ago, or a fork from deep in the chain.
            if (knownInStore(hash)) {
                return new Known(header.height(), header.hashHex());
            }
            if (!rules.hasFinality()) {
                // Without finality the heaviest chain wins at any depth the store holds: keep the fork's
                // blocks, and weigh it once the block it forks from is found (tryDeepReorganisation).
                deep.noteForkFrom(header.parentHash(), header.height() - 1);
                held.holdOrphan(block);
                return new Orphan(header.height(), header.parentHash());
            }
            return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.BELOW_FORK_WINDOW,
                    "block " + header.height() + " forks below the lowest height this node keeps ("
                            + tree.lowestHeight() + ")"));
        }
        Checkpoint finalized = checkpoints.finalized();
        if (finalized != null && HeaderChecks.conflictsWithFinalized(tree, finalized, header, parent)) {
            return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.CONFLICTS_WITH_FINALIZED,
                    "the block is not a descendant of the finalized checkpoint of epoch " + finalized.epoch()));
        }
        if (parent.isEmpty()) {
            held.holdOrphan(block);
            return new Orphan(header.height(), header.parentHash());
        }
        Optional<BlockRejection> problem = headerChecks.check(tree, parent.get(), block, nowMillis, prechecked);
        if (problem.isPresent()) {
            if (HeldBlocks.isEarly(problem.get(), header, nowMillis)) {
                held.holdEarly(block);
                return new Early(header.height(), problem.get().toString());
            }
            return new Invalid(header.height(), problem.get());
        }
        BlockExecution.Outcome outcome = execution.run(parent.get(), block, hash, prechecked);
        if (outcome.rejection() != null) {
            return new Invalid(header.height(), outcome.rejection());
        }
        StateTransition.Applied applied = outcome.applied();
        State parentState = parent.get().state();
        Map<Address, Account> before = transitions.before(hash, parentState, applied.changes().keySet());
        forkChoiceInputs.arriving(header, hash, nowMillis);
        BlockTree.Entry entry = tree.add(block, hash, applied.postState(), before, engine.weight(header));
        added.add(entry);
        followJustification(entry);
        if (engine.oneBlockPerSlot()) {
            offences.observe(header).ifPresent(this::report);
        }
        voteIntake.carriedBy(block);
        if (events.wantsBlocks()) {
            events.blockAdded(new BlockAdded(block, tree.head() == entry));
        }
        return new Added(header.height(), header.hashHex(), tree.head() == entry);
    }

    /**
     * The spec's store: when a block's state justifies or finalizes a later checkpoint than any before,
     * heads must descend from that justified checkpoint, and blocks from that finalized one.
     */
    private void followJustification(BlockTree.Entry entry) {
        entry.state().finality().flatMap(checkpoints::follow).ifPresent(justified -> tree.setAnchor(justified.hash()));
    }

    /** Adds the held blocks waiting for {@code parentHash}, and those waiting for them in turn. */
    void adoptOrphansOf(byte[] parentHash, long nowMillis, List<BlockTree.Entry> added) {
        Deque<byte[]> parents = new ArrayDeque<>();
        parents.add(parentHash);
        while (!parents.isEmpty()) {
            for (Block orphan : held.takeChildrenOf(parents.poll())) {
                if (addOne(orphan, nowMillis, Prechecked.NONE, added) instanceof Added) {
                    parents.add(orphan.hash());
                }
            }
        }
    }

    /** How many blocks are held while their parent is missing. */
    public int orphans() {
        return held.orphans();
    }

    /** The tree, replaced by a deep reorganisation (which puts the old one back when the fork fails). */
    void replaceTree(BlockTree replacement) {
        tree = replacement;
        if (replacement.forkChoice() != forkChoice) {
            replacement.setForkChoice(forkChoice);
        }
    }

    /** After a stored head change: the mempool follows the new head, then the listeners hear of it. */
    void newHeadStored(BlockTree.Entry newHead, List<Transaction> abandonedTxs, int reorgDepth) {
        mempool.atHeight(newHead.height() + 1);
        mempool.onNewHead(newHead.state());
        // Transactions of an abandoned fork go back to the mempool when they still apply.
        abandonedTxs.forEach(tx -> mempool.add(tx, newHead.state(), signatures));
        events.headChanged(new HeadChanged(newHead.block(), reorgDepth));
    }

    private boolean knownInStore(byte[] hash) {
        try {
            return store.blockByHash(hash).isPresent();
        } catch (ChainStore.StoreException e) {
            return false;
        }
    }

    /** Stores what the added blocks changed: the new canonical chain in one write, and side blocks. */
    private void settle(BlockTree.Entry oldHead, List<BlockTree.Entry> added) throws ChainStore.StoreException {
        BlockTree.Entry newHead = tree.head();
        if (added.isEmpty() && newHead == oldHead) {
            return;
        }
        List<BlockTree.Entry> abandoned = writer.write(tree, oldHead, newHead, added);
        if (newHead != oldHead) {
            List<Transaction> abandonedTxs = new ArrayList<>();
            abandoned.forEach(entry -> abandonedTxs.addAll(entry.block().transactions()));
            newHeadStored(newHead, abandonedTxs, abandoned.size());
            reportFinality(newHead);
        }
    }

    private void reportFinality(BlockTree.Entry head) {
        head.state().finality().ifPresent(finality -> checkpoints.headMoved(finality).ifPresent(changed -> {
            voteIntake.forgetBefore(finality.epoch() - 2);
            events.finalityChanged(changed);
        }));
    }

    // ------------------------------------------------------------------ votes and offences

    /**
     * Offers a finality vote (from gossip, or this node's validator): it must be countable on its
     * target's own chain; then it goes to the vote pool, for the blocks this node produces, and is
     * watched for offences. A vote whose target block is not known yet waits for it (at most
     * {@link #MAX_WAITING_VOTES}). See {@link VoteIntake}.
     */
    public VoteOutcome addVote(Vote vote, long nowMillis) {
        return voteIntake.addVote(vote);
    }

    /**
     * What a block entering {@code epoch} right after {@code last} (the last block before the epoch)
     * sees: the epoch's checkpoint is {@code last}.
     */
    StateTransition.SlotView viewEntering(BlockTree.Entry last, long epoch) {
        return voteIntake.viewEntering(last, epoch);
    }

    /** The votes a block that sees {@code view} may count, from the pool. */
    List<Vote> votesFor(StateTransition.SlotView view, int limit) {
        return voteIntake.votesFor(view, limit);
    }

    /** How many votes the pool holds, and how many wait for their target block. */
    public int pooledVotes() {
        return voteIntake.pooled();
    }

    public int waitingVotes() {
        return voteIntake.waiting();
    }

    /** An offence seen: listeners hear of it, once per offender not slashed yet. */
    void report(SlashingEvidence evidence) {
        Address offender = evidence.offender();
        if (headState().account(offender).slashed() || !reported.add(offender)) {
            return;
        }
        forkChoiceInputs.offence(evidence);
        events.evidence(evidence);
    }

    /** An offence an engine's protocol saw: when it proves one, reported like those the node sees itself. */
    public void reportOffence(SlashingEvidence evidence) {
        if (evidence.whyNotProof(domain).isEmpty()) {
            report(evidence);
        }
    }

    // ------------------------------------------------------------------ what a validator builds on

    /** Adds a block this node's validator made (with the transition it computed), like any other. */
    BlockResult addOwnBlock(Block block, StateTransition.Applied applied, long nowMillis)
            throws ChainStore.StoreException {
        transitions.put(block.hash(), applied);
        return addBlock(block, nowMillis);
    }

    /** Remembers what applying a block this node's validator built gave (adding it later will not compute it again). */
    void rememberTransition(byte[] hash, StateTransition.Applied applied) {
        transitions.put(hash, applied);
    }

    /**
     * Why this node would refuse {@code block} (its parent unknown, the header rules, the engine's seal, the
     * body root, the transactions and the state root), or empty when it would add it; nothing is added.
     * What an engine's protocol asks of a proposed block before it votes for it.
     */
    public Optional<BlockRejection> check(Block block, long nowMillis) {
        Optional<BlockTree.Entry> parent = tree.entry(block.header().parentHash());
        if (parent.isEmpty()) {
            return Optional.of(new BlockRejection(BlockRejection.Reason.WRONG_HEIGHT, "its parent is not known"));
        }
        Optional<BlockRejection> problem = headerChecks.check(tree, parent.get(), block, nowMillis, Prechecked.NONE);
        if (problem.isPresent()) {
            return problem;
        }
        return Optional.ofNullable(execution.run(parent.get(), block, block.hash(), Prechecked.NONE).rejection());
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

    /** The highest justified checkpoint any valid block's state holds (heads descend from it). */
    public Optional<Checkpoint> storeJustified() {
        return Optional.ofNullable(checkpoints.justified());
    }

    /** Follows only the history {@code checkpoint} names; IllegalStateException if the stored chain left it. */
    public void trustCheckpoint(WeakSubjectivityCheckpoint checkpoint) throws ChainStore.StoreException {
        headerChecks.trust(checkpoint);
        checkpoint.conflictIn(h -> blockAt(h).map(Block::header), head().height(), rules.epochLength())
                .ifPresent(conflict -> { throw new IllegalStateException(conflict); });
    }

    /** The highest finalized checkpoint any valid block's state holds (no block may conflict with it). */
    public Optional<Checkpoint> storeFinalized() {
        return Optional.ofNullable(checkpoints.finalized());
    }

    @Override
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

    @Override
    public ChainStore store() {
        return store;
    }

    SignatureCache signatures() {
        return signatures;
    }

    public int pendingTransactions() {
        return mempool.size();
    }

}