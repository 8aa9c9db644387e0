package mvpos.node;

import java.math.BigInteger;
import mvpos.crypto.HashKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.Transaction;
import mvpos.chain.SlashingConditions;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.consensus.CasperFfg;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.SealRejection;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import mvpos.state.BucketedState;
import mvpos.state.State;
import mvpos.state.StateTransition;

/**
 * The deterministic heart of a node: its block tree and fork choice, block validation, the state
 * transition, its mempool, storage of every head change, and block production when it holds a
 * validator key. It has no thread and no clock: whoever drives it (the threaded {@link Node}, or a
 * devnet's event queue) passes the time in and calls it one event at a time.
 */
public final class NodeCore {
    /** Most transactions a block may carry. */
    public static final int MAX_TXS_PER_BLOCK = 2_000;
    /**
     * Most blocks one {@link #addBlocks} call adds before it stores them: well within the
     * {@link ChainView#STATE_HISTORY} heights the tree keeps below its head, so that the path from the
     * head before the write to the head after it is still in the tree. (Without it, a call that moved the
     * head further, such as an import of a few hundred small blocks, failed after applying them.)
     */
    public static final int MAX_BLOCKS_PER_WRITE = ChainView.STATE_HISTORY * 3 / 4;
    /** Most blocks held while their parent is missing. */
    public static final int MAX_ORPHANS = 1_024;

    /** What happened to a block offered to the node. */
    public sealed interface BlockResult permits Added, Known, Orphan, Invalid {
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

    public record Invalid(long height, BlockRejection rejection) implements BlockResult {
    }

    /** The latest justified or the finalized checkpoint moved. */
    public record FinalityChanged(CasperFfg.Checkpoint justified, CasperFfg.Checkpoint finalized) {
    }

    /** What became of a vote offered to the node. */
    public sealed interface VoteOutcome permits VoteCounted, VoteIgnored {
    }

    /** Counted (or waiting for its blocks): new to this node, worth relaying. */
    public record VoteCounted() implements VoteOutcome {
    }

    /** A duplicate, or refused with a reason; {@code forged} when its signature is invalid (no honest node sends it). */
    public record VoteIgnored(String reason, boolean forged) implements VoteOutcome {
        public VoteIgnored(String reason) {
            this(reason, false);
        }
    }

    /** A head change, reported after it is stored: the new head and how many blocks were abandoned. */
    public record HeadChanged(Block head, int reorgDepth) {
    }

    /**
     * Work done before a block reaches the node, in parallel: the transactions whose signature is known
     * valid and the transactions root of each block (by identity).
     */
    public record Prechecked(Set<Transaction> validSignatures, Map<Block, byte[]> txRoots) {
        public static final Prechecked NONE = new Prechecked(Set.of(), Map.of());

        /** Verifies the signatures (through the cache) and computes the roots of these blocks, in parallel. */
        public static Prechecked of(List<Block> blocks, SignatureCache signatures) {
            Set<Transaction> valid = Collections.newSetFromMap(new IdentityHashMap<>());
            Map<Block, byte[]> roots = new IdentityHashMap<>();
            List<Transaction> all = new ArrayList<>();
            blocks.forEach(b -> all.addAll(b.transactions()));
            List<Transaction> ok = all.parallelStream().filter(signatures::isValid).toList();
            valid.addAll(ok);
            List<byte[]> computed = blocks.parallelStream().map(b -> Block.txRoot(b.transactions())).toList();
            for (int i = 0; i < blocks.size(); i++) {
                roots.put(blocks.get(i), computed.get(i));
            }
            return new Prechecked(valid, roots);
        }
    }

    private final Genesis genesis;
    private final ConsensusEngine engine;
    private final ChainStore store;
    private final KeyPair validatorKey;
    private final StateTransition rules;
    private final SignatureCache signatures;
    private final TransitionCache transitions;
    private final Mempool mempool;
    private final BlockTree tree;
    /** The finality gadget, or null when genesis names none. */
    private final CasperFfg finality;
    private final List<Consumer<FinalityChanged>> finalityListeners = new ArrayList<>();
    private final SlashingProtection protection;
    /** Recent votes of each validator, and the block each proposer sealed for each recent slot: offences show here. */
    private final Map<Address, List<Vote>> recentVotes = new HashMap<>();
    private final Map<String, Header> sealedBySlot = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Header> eldest) {
            return size() > 4 * ChainView.STATE_HISTORY;
        }
    };
    private final java.util.Set<Address> reported = new java.util.HashSet<>();
    private final List<Transaction> outgoing = new ArrayList<>();
    private final List<Consumer<SlashingEvidence>> evidenceListeners = new ArrayList<>();
    /** Fee of the slashing transactions this node's validator sends. */
    public static final long SLASHING_FEE = 1;
    /** Votes remembered per validator to find double and surround votes. */
    static final int RECENT_VOTES_PER_VALIDATOR = 32;
    private long lastVotedEpoch;
    private final Map<HashKey, List<Block>> orphansByParent = new LinkedHashMap<>();
    private int orphanCount;
    private final List<Consumer<HeadChanged>> headListeners = new ArrayList<>();

    /**
     * Opens a node on a store: commits genesis to a new store, or checks a stored chain against this
     * genesis and rebuilds the states of its last {@link ChainView#STATE_HISTORY} blocks from their
     * undo records.
     *
     * @param validatorKey the key this node produces blocks with, or null for a node that only follows
     */
    public NodeCore(Genesis genesis, ConsensusEngine engine, ChainStore store, KeyPair validatorKey,
                    SignatureCache signatures, TransitionCache transitions) throws ChainStore.StoreException {
        this(genesis, engine, store, validatorKey, signatures, transitions, SlashingProtection.inMemory());
    }

    /**
     * @param protection what this node's validator has signed, checked before it signs anything else
     *                   (on disk for a real node, so that it holds across restarts)
     */
    public NodeCore(Genesis genesis, ConsensusEngine engine, ChainStore store, KeyPair validatorKey,
                    SignatureCache signatures, TransitionCache transitions, SlashingProtection protection)
            throws ChainStore.StoreException {
        this.protection = protection;
        this.genesis = genesis;
        this.engine = engine;
        this.store = store;
        this.validatorKey = validatorKey;
        this.rules = new StateTransition(genesis.chainId(), genesis.blockReward());
        this.signatures = signatures;
        this.transitions = transitions;
        this.mempool = new Mempool(rules, 50_000);
        State genesisState = transitions.genesisState(genesis);
        Block genesisBlock = new Block(genesis.header(genesisState.root()), List.of());
        Optional<Block> stored = store.head();
        if (stored.isEmpty()) {
            store.commit(new ChainStore.HeadChange(List.of(new ChainStore.CanonicalBlock(genesisBlock, Map.of())),
                    genesis.accounts()));
            tree = new BlockTree(genesis, genesisBlock, genesisState, signatures::verify);
            finality = gadget(genesis, tree);
            return;
        }
        Block first = store.blockAt(0).orElseThrow(() -> new ChainStore.StoreException("the stored chain has no block 0"));
        if (!Arrays.equals(first.hash(), genesisBlock.hash())) {
            throw new ChainStore.StoreException("the stored chain starts from another genesis (chain "
                    + first.header().chainId() + ", genesis " + Hex.encode(first.hash()) + ")");
        }
        Block head = stored.get();
        State headState = BucketedState.of(store.accounts());
        if (!Arrays.equals(headState.root(), head.header().stateRoot())) {
            throw new ChainStore.StoreException("the stored state does not match the head block's state root");
        }
        tree = rebuild(head, headState);
        finality = gadget(genesis, tree);
        if (finality != null) {
            Optional<CasperFfg.Checkpoint> justifiedBefore = store.meta(JUSTIFIED_KEY).flatMap(CasperFfg::decode);
            Optional<CasperFfg.Checkpoint> finalizedBefore = store.meta(FINALIZED_KEY).flatMap(CasperFfg::decode);
            if (justifiedBefore.isPresent() && finalizedBefore.isPresent()) {
                finality.resume(justifiedBefore.get(), finalizedBefore.get());
            }
        }
    }

    private static final String JUSTIFIED_KEY = "ffg.justified";
    private static final String FINALIZED_KEY = "ffg.finalized";

    private static CasperFfg gadget(Genesis genesis, BlockTree tree) {
        return CasperFfg.NAME.equals(genesis.finality()) ? new CasperFfg(genesis, tree) : null;
    }

    /** Steps back from the head through the undo records, then adds the recent blocks again in order. */
    private BlockTree rebuild(Block head, State headState) throws ChainStore.StoreException {
        List<Block> recent = new ArrayList<>();
        List<State> states = new ArrayList<>();
        List<Map<Address, Account>> befores = new ArrayList<>();
        Block block = head;
        State state = headState;
        while (block.height() > 0 && recent.size() < ChainView.STATE_HISTORY) {
            Map<Address, Account> before = store.accountsBefore(block.hash()).orElseThrow(
                    () -> new ChainStore.StoreException("the stored chain has no undo record for a recent block"));
            recent.add(block);
            states.add(state);
            befores.add(before);
            state = state.with(before);
            long parentHeight = block.height() - 1;
            block = store.blockAt(parentHeight).orElseThrow(() -> new ChainStore.StoreException(
                    "the stored chain misses block " + parentHeight));
            if (!Arrays.equals(state.root(), block.header().stateRoot())) {
                throw new ChainStore.StoreException("the undo record of block " + (parentHeight + 1)
                        + " does not give its parent's state");
            }
        }
        BlockTree rebuilt = new BlockTree(genesis, block, state, signatures::verify);
        for (int i = recent.size() - 1; i >= 0; i--) {
            Block b = recent.get(i);
            rebuilt.add(b, b.hash(), states.get(i), befores.get(i), engine.weight(b.header()));
        }
        return rebuilt;
    }

    /** Adds a listener called after each stored head change (on the caller's thread). */
    public void onHeadChanged(Consumer<HeadChanged> listener) {
        headListeners.add(listener);
    }

    /** Offers one block (from the network or a peer); see {@link #addBlocks}. */
    public BlockResult addBlock(Block block, long nowMillis) throws ChainStore.StoreException {
        return addBlocks(List.of(block), nowMillis, Prechecked.NONE).get(0);
    }

    /**
     * Offers blocks, in order: each is validated (link, seal, transactions root, state transition,
     * state root) and added to the tree; blocks waiting for one of them follow. If the head changed,
     * the new canonical blocks and the accounts they change are stored in one atomic write before this
     * returns (one write per {@link #MAX_BLOCKS_PER_WRITE} blocks added); valid blocks off the canonical
     * chain are stored too.
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
        if (finality != null && !added.isEmpty() && finality.retryWaiting()) {
            followFinality();
        }
        settle(oldHead, added);
        return results;
    }

    private BlockResult addOne(Block block, long nowMillis, Prechecked prechecked, List<BlockTree.Entry> added) {
        byte[] hash = block.hash();
        Header header = block.header();
        if (tree.contains(hash)) {
            return new Known(header.height(), Hex.encode(hash));
        }
        Optional<BlockTree.Entry> parent = tree.entry(header.parentHash());
        if (parent.isEmpty() && header.height() <= tree.head().height() - ChainView.STATE_HISTORY) {
            // Older than the tree keeps: a block we stored long ago, or a fork too deep to follow.
            return knownInStore(hash) ? new Known(header.height(), Hex.encode(hash))
                    : new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.BELOW_FORK_WINDOW,
                    "block " + header.height() + " forks more than " + ChainView.STATE_HISTORY + " blocks below the head "
                            + tree.head().height()));
        }
        if (finality != null && conflictsWithFinalized(header, parent)) {
            return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.CONFLICTS_WITH_FINALIZED,
                    "the block is not a descendant of the finalized checkpoint of epoch " + finality.finalized().epoch()));
        }
        if (parent.isEmpty()) {
            holdOrphan(block);
            return new Orphan(header.height(), header.parentHash());
        }
        Optional<BlockRejection> problem = checkHeader(parent.get(), block, nowMillis, prechecked);
        if (problem.isPresent()) {
            return new Invalid(header.height(), problem.get());
        }
        StateTransition.Applied applied = transitions.get(hash).orElse(null);
        if (applied == null) {
            StateTransition.SignatureCheck check = tx -> prechecked.validSignatures().contains(tx) || signatures.isValid(tx);
            StateTransition.Outcome outcome = rules.apply(parent.get().state(), header.proposer(), header.height(),
                    block.transactions(), check);
            if (outcome instanceof StateTransition.Rejected rejected) {
                return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.INVALID_TRANSACTION,
                        rejected.rejection().toString()));
            }
            applied = (StateTransition.Applied) outcome;
            if (!Arrays.equals(applied.stateRoot(), header.stateRoot())) {
                return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.BAD_STATE_ROOT,
                        "the state root does not match the state its transactions give"));
            }
            transitions.put(hash, applied);
        } else if (!Arrays.equals(applied.stateRoot(), header.stateRoot())) {
            return new Invalid(header.height(), new BlockRejection(BlockRejection.Reason.BAD_STATE_ROOT,
                    "the state root does not match the state its transactions give"));
        }
        State parentState = parent.get().state();
        Map<Address, Account> before = new HashMap<>();
        applied.changes().keySet().forEach(address -> before.put(address, parentState.account(address)));
        BlockTree.Entry entry = tree.add(block, hash, applied.postState(), before, engine.weight(header));
        added.add(entry);
        if (engine.oneBlockPerSlot()) {
            Header earlier = sealedBySlot.putIfAbsent(header.proposer() + "/" + header.slot(), header);
            if (earlier != null && !java.util.Arrays.equals(earlier.hash(), hash)) {
                report(new SlashingEvidence.HeaderPair(earlier, header));
            }
        }
        return new Added(header.height(), Hex.encode(hash), tree.head() == entry);
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
        Optional<BlockTree.Entry> finalizedBlock = tree.entry(finality.finalized().hash());
        if (finalizedBlock.isEmpty()) {
            return false;
        }
        if (header.height() <= finalizedBlock.get().height()) {
            return true; // every block up to the finalized one is known already: this one is another fork
        }
        return parent.isPresent() && !tree.descendsFrom(parent.get(), finalizedBlock.get());
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
        byte[] txRoot = prechecked.txRoots().get(block);
        if (!Arrays.equals(header.txRoot(), txRoot != null ? txRoot : Block.txRoot(block.transactions()))) {
            return reject(BlockRejection.Reason.BAD_TX_ROOT, "the transactions root does not match its transactions");
        }
        return Optional.empty();
    }

    private static Optional<BlockRejection> reject(BlockRejection.Reason reason, String detail) {
        return Optional.of(new BlockRejection(reason, detail));
    }

    private void holdOrphan(Block block) {
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
            for (BlockTree.Entry entry : gained) {
                entry.before().keySet().forEach(a -> accounts.put(a, newHead.state().account(a)));
                blocks.add(new ChainStore.CanonicalBlock(entry.block(), entry.before()));
            }
            store.commit(new ChainStore.HeadChange(blocks, accounts));
            mempool.atHeight(newHead.height() + 1);
            mempool.onNewHead(newHead.state());
            for (BlockTree.Entry entry : abandoned) {
                // Transactions of an abandoned fork go back to the mempool when they still apply.
                entry.block().transactions().forEach(tx -> mempool.add(tx, newHead.state(), signatures));
            }
            HeadChanged changed = new HeadChanged(newHead.block(), abandoned.size());
            headListeners.forEach(listener -> listener.accept(changed));
        }
        for (BlockTree.Entry entry : added) {
            if (!canonical.contains(entry)) {
                store.storeBlock(entry.block());
            }
        }
    }

    /**
     * Produces a block on the head if the engine lets this node's validator do so now: takes
     * transactions from the mempool, applies them, seals (an engine that searches tries at most
     * {@code attempts} candidates) and adds the block like any other. Empty when it is not this
     * validator's turn or no seal was found.
     */
    public Optional<Block> tryProduce(long nowMillis, RandomSource random, long attempts) throws ChainStore.StoreException {
        if (validatorKey == null) {
            return Optional.empty();
        }
        BlockTree.Entry parent = tree.head();
        Optional<ConsensusEngine.Claim> claim = engine.claim(tree, parent.header(), nowMillis, validatorKey);
        // Never two blocks for one slot: its signing record says whether it sealed one already.
        if (claim.isEmpty() || engine.oneBlockPerSlot() && !protection.maySignBlock(claim.get().slot())) {
            return Optional.empty();
        }
        mempool.atHeight(parent.height() + 1);
        List<Transaction> txs = mempool.selectForBlock(parent.state(), MAX_TXS_PER_BLOCK);
        StateTransition.Outcome outcome = rules.apply(parent.state(), validatorKey.address(), parent.height() + 1, txs,
                signatures);
        if (!(outcome instanceof StateTransition.Applied applied)) {
            throw new IllegalStateException("the mempool offered an invalid block: " + outcome);
        }
        Header parentHeader = parent.header();
        long timestamp = Math.max(nowMillis, parentHeader.timestamp() + 1);
        Header unsealed = new Header(genesis.chainId(), parentHeader.height() + 1, parent.hash(), timestamp,
                claim.get().slot(), validatorKey.address(), Block.txRoot(txs), applied.stateRoot(), genesis.engine(),
                claim.get().engineData(), new byte[0]);
        Optional<Header> sealed = engine.seal(tree, unsealed, validatorKey, random, attempts);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        Block block = new Block(sealed.get(), txs);
        if (engine.oneBlockPerSlot() && !recordSigned(() -> protection.recordBlock(claim.get().slot(), block.hash()))) {
            return Optional.empty(); // another block was signed for this slot (before a restart): never equivocate
        }
        transitions.put(block.hash(), applied);
        BlockResult result = addBlock(block, nowMillis);
        if (!(result instanceof Added)) {
            throw new IllegalStateException("the engine sealed a block the node refuses: " + result);
        }
        return Optional.of(block);
    }

    /** After a checkpoint moved: heads must descend from the latest justified one; listeners hear of it. */
    private void followFinality() throws ChainStore.StoreException {
        tree.setAnchor(finality.latestJustified().hash());
        store.putMeta(JUSTIFIED_KEY, CasperFfg.encode(finality.latestJustified()));
        store.putMeta(FINALIZED_KEY, CasperFfg.encode(finality.finalized()));
        FinalityChanged changed = new FinalityChanged(finality.latestJustified(), finality.finalized());
        finalityListeners.forEach(listener -> listener.accept(changed));
    }

    /** A vote slashable with one the same validator signed before is evidence (double or surround vote). */
    private void detectSlashableVote(Vote vote) {
        if (!vote.chainId().equals(genesis.chainId())) {
            return;
        }
        List<Vote> earlier = recentVotes.computeIfAbsent(vote.validator(), v -> new ArrayList<>());
        for (Vote other : earlier) {
            if (SlashingConditions.isSlashable(other, vote)) {
                report(new SlashingEvidence.VotePair(other, vote));
                return;
            }
        }
        if (!earlier.contains(vote)) {
            earlier.add(vote);
            if (earlier.size() > RECENT_VOTES_PER_VALIDATOR) {
                earlier.remove(0);
            }
        }
    }

    /**
     * An offence seen: listeners hear of it, and a node with a validator key that can pay the fee
     * sends a slashing transaction (once per offender), into its mempool and {@link #drainOutgoing}.
     */
    private void report(SlashingEvidence evidence) {
        Address offender = evidence.offender();
        if (headState().account(offender).slashed() || !reported.add(offender)) {
            return;
        }
        evidenceListeners.forEach(listener -> listener.accept(evidence));
        if (validatorKey == null || validatorKey.address().equals(offender)) {
            return;
        }
        Transaction slash = Transaction.sign(validatorKey, genesis.chainId(), nextNonce(validatorKey.address()),
                mvpos.chain.TxKind.SLASH, offender, 0, SLASHING_FEE, evidence.encode());
        if (submit(slash) instanceof Mempool.Accepted) {
            outgoing.add(slash);
        }
    }

    /** Adds a listener told of each offence the node sees (once per offender). */
    public void onEvidence(Consumer<SlashingEvidence> listener) {
        evidenceListeners.add(listener);
    }

    /** Transactions this node made (slashing evidence) for the network to carry; each is returned once. */
    public List<Transaction> drainOutgoing() {
        List<Transaction> drained = List.copyOf(outgoing);
        outgoing.clear();
        return drained;
    }

    /** Adds a listener called when the latest justified or the finalized checkpoint moves. */
    public void onFinalityChanged(Consumer<FinalityChanged> listener) {
        finalityListeners.add(listener);
    }

    /**
     * Offers a finality vote: its signature is checked (through the cache), then the gadget counts it;
     * if a checkpoint moves, the head follows the latest justified checkpoint (and the store with it).
     */
    public VoteOutcome addVote(Vote vote) throws ChainStore.StoreException {
        if (finality == null) {
            return new VoteIgnored("this chain has no finality gadget");
        }
        if (!signatures.verify(vote.validatorKey(), vote.signedBytes(), vote.signature())) {
            return new VoteIgnored("the vote's signature is invalid", true);
        }
        detectSlashableVote(vote);
        BlockTree.Entry oldHead = tree.head();
        CasperFfg.VoteResult result = finality.addVote(vote);
        return switch (result) {
            case CasperFfg.Counted counted -> {
                if (counted.justifiedMoved() || counted.finalizedMoved()) {
                    followFinality();
                    settle(oldHead, List.of());
                }
                yield new VoteCounted();
            }
            case CasperFfg.Waiting waiting -> new VoteCounted();
            case CasperFfg.Duplicate duplicate -> new VoteIgnored("duplicate");
            case CasperFfg.Refused refused -> new VoteIgnored(refused.reason());
        };
    }

    /**
     * The validator's finality duty: once per epoch, past the middle of it, a vote from the latest
     * justified checkpoint to the checkpoint of its head's epoch, counted here and returned to be sent.
     * Never two votes for one target epoch, and the source only moves forward, so it never signs a
     * slashable pair.
     */
    public Optional<Vote> tryVote() throws ChainStore.StoreException {
        if (finality == null || validatorKey == null || headState().account(validatorKey.address()).stake() <= 0) {
            return Optional.empty();
        }
        Optional<CasperFfg.Checkpoint[]> duty = finality.duty(tree.head());
        if (duty.isEmpty() || duty.get()[1].epoch() <= lastVotedEpoch) {
            return Optional.empty();
        }
        CasperFfg.Checkpoint source = duty.get()[0];
        CasperFfg.Checkpoint target = duty.get()[1];
        lastVotedEpoch = target.epoch();
        Optional<Vote> vote;
        try {
            vote = protection.signVoteIfSafe(validatorKey, genesis.chainId(), source.epoch(), source.hash(),
                    target.epoch(), target.hash());
        } catch (java.io.IOException e) {
            throw new ChainStore.StoreException("cannot record a signed vote: " + e.getMessage());
        }
        if (vote.isPresent()) {
            addVote(vote.get());
        }
        return vote;
    }

    @FunctionalInterface
    private interface Recording {
        boolean record() throws java.io.IOException;
    }

    private static boolean recordSigned(Recording recording) throws ChainStore.StoreException {
        try {
            return recording.record();
        } catch (java.io.IOException e) {
            throw new ChainStore.StoreException("cannot record a signed block: " + e.getMessage());
        }
    }

    /** The finality gadget, when genesis names one. */
    public Optional<CasperFfg> finality() {
        return Optional.ofNullable(finality);
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

    public Block head() {
        return tree.head().block();
    }

    public State headState() {
        return tree.head().state();
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

    public ChainStore store() {
        return store;
    }

    public Optional<Address> validator() {
        return Optional.ofNullable(validatorKey).map(KeyPair::address);
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
