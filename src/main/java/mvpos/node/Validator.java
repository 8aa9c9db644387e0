package mvpos.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Checkpoint;
import mvpos.chain.Header;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ConsensusEngine;
import mvpos.crypto.Address;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import mvpos.state.BlockContext;
import mvpos.state.CasperFfg;
import mvpos.state.FfgConstants;
import mvpos.state.FinalityState;
import mvpos.state.StateTransition;

/**
 * The validator side of a node: its key, its record of what it signed, and its duties, which a
 * {@link Strategy} decides (honest by default). It gives the strategy its means, each of which keeps
 * the chain's rules: {@link #produce} builds, seals and adds a valid block on a parent; {@link #signVote}
 * signs a vote; with slashing protection on (always, for an honest strategy) neither ever signs what
 * could be slashed. It also reports the offences its node sees, in slashing transactions.
 */
public final class Validator {
    /** Fee of the slashing transactions a validator sends. */
    public static final long SLASHING_FEE = 1;

    private final NodeCore chain;
    private final KeyPair key;
    private final SlashingProtection protection;
    private final Strategy strategy;
    private final RandomSource random;
    private final long attemptsPerTick;
    private final List<Transaction> outgoing = new ArrayList<>();
    private long lastVotedEpoch;
    /** Blocks of other nodes the node accepted, not yet told to the strategy ({@link #tellHeardBlocks}). */
    private final java.util.ArrayDeque<Block> heard = new java.util.ArrayDeque<>();

    /**
     * @param attemptsPerTick proof-of-work candidates one production may try (engines that sign ignore it)
     */
    public Validator(NodeCore chain, KeyPair key, SlashingProtection protection, Strategy strategy,
                     RandomSource random, long attemptsPerTick) {
        this.chain = chain;
        this.key = key;
        this.protection = protection;
        this.strategy = strategy;
        this.random = random;
        this.attemptsPerTick = attemptsPerTick;
        chain.onEvidence(this::report);
        seedTieBreak(chain, key);
        if (strategy.hearsBlocks()) {
            chain.onBlockAdded(added -> {
                if (!added.block().header().proposer().equals(key.address())) {
                    heard.add(added.block());
                }
            });
        }
    }

    /**
     * A uniform tie-break ({@code tieBreak: uniform}) gets this node's secret, derived from its key: no other
     * node can tell which of two equal branches it will keep. Nothing changes under first-seen.
     */
    private static void seedTieBreak(NodeCore chain, KeyPair key) {
        if (chain.tree().forkChoice() instanceof mvpos.consensus.forkchoice.HeaviestChain rule) {
            rule.uniformTieBreak().ifPresent(tieBreak -> tieBreak.seed(
                    mvpos.consensus.forkchoice.UniformTieBreak.secretOf(key.seed())));
        }
    }

    /**
     * Tells the strategy ({@link Strategy#onBlock}) of each block of another node accepted since the last
     * call, in the order added; the network layer calls it after each message it handled.
     */
    public void tellHeardBlocks(Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        while (!heard.isEmpty()) {
            strategy.onBlock(this, outbox, heard.removeFirst(), nowMillis);
        }
    }

    /** An honest validator. */
    public static Validator honest(NodeCore chain, KeyPair key, SlashingProtection protection, RandomSource random,
                                   long attemptsPerTick) {
        return new Validator(chain, key, protection, HonestStrategy.INSTANCE, random, attemptsPerTick);
    }

    /** A tick of the node's timer: the strategy acts, then the evidence to report goes out. */
    public void onTick(long nowMillis, Outbox outbox) throws ChainStore.StoreException {
        tellHeardBlocks(outbox, nowMillis); // blocks the tick's own work added (held early blocks)
        strategy.onTick(this, outbox, nowMillis);
        drainOutgoing().forEach(outbox::announce);
    }

    public Address address() {
        return key.address();
    }

    public KeyPair key() {
        return key;
    }

    public NodeCore chain() {
        return chain;
    }

    public Strategy strategy() {
        return strategy;
    }

    private boolean protecting() {
        return strategy.slashingProtection();
    }

    /** Produces on the node's head, if the engine gives this validator the slot now. */
    public Optional<Block> produceOnHead(long nowMillis) throws ChainStore.StoreException {
        return produce(chain.tree().head(), nowMillis);
    }

    /**
     * Builds a block on {@code parent} if the engine lets this validator produce there now: transactions
     * from the mempool, the votes the block may count from the pool, the state transition, the seal;
     * then adds it to the node like any other block (not announced: the strategy decides). Empty when it
     * is not this validator's turn, no seal was found, or (with protection on) another block was signed
     * for the slot.
     */
    public Optional<Block> produce(BlockTree.Entry parent, long nowMillis) throws ChainStore.StoreException {
        return produce(parent, null, nowMillis);
    }

    /**
     * {@link #produce} with exactly {@code transactions} in the block instead of the mempool's choice: an
     * adversary's own block (a double-spender's conflicting transfer, which never enters a mempool). Empty
     * also when they do not apply on the parent's state.
     */
    public Optional<Block> produceWith(BlockTree.Entry parent, List<Transaction> transactions, long nowMillis)
            throws ChainStore.StoreException {
        return produce(parent, List.copyOf(transactions), nowMillis);
    }

    private Optional<Block> produce(BlockTree.Entry parent, List<Transaction> chosen, long nowMillis)
            throws ChainStore.StoreException {
        Optional<ConsensusEngine.Claim> claim = chain.engine().claim(chain.tree(), parent.header(), nowMillis, key);
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        Optional<Built> built = build(parent, claim.get(), nowMillis, chosen);
        if (built.isEmpty()) {
            return Optional.empty();
        }
        NodeCore.BlockResult result = chain.addOwnBlock(built.get().block(), built.get().applied(), nowMillis);
        if (!(result instanceof NodeCore.Added)) {
            throw new IllegalStateException("the engine sealed a block the node refuses: " + result);
        }
        return Optional.of(built.get().block());
    }

    /**
     * A block on the node's head for {@code slot} with {@code engineData}, built and sealed as {@link #produce}
     * does but neither added nor announced: what an engine that decides blocks in rounds of votes proposes
     * ({@link mvpos.consensus.EngineContext#build}). Its transition is remembered, so that adding it later
     * does not compute it again.
     */
    public Optional<Block> buildOnHead(long slot, byte[] engineData, long nowMillis) throws ChainStore.StoreException {
        Optional<Built> built = build(chain.tree().head(), new ConsensusEngine.Claim(slot, engineData), nowMillis,
                null);
        built.ifPresent(b -> chain.rememberTransition(b.block().hash(), b.applied()));
        return built.map(Built::block);
    }

    /** A block and what applying it gave. */
    private record Built(Block block, StateTransition.Applied applied) {
    }

    /**
     * Transactions from the mempool (or {@code chosen}), the votes the block may count from the pool, the state
     * transition,     * the seal (checked to change nothing else); with protection on, recorded as signed for the slot
     * before it leaves this method. Empty when no seal was found or another block was signed for the slot.
     */
    private Optional<Built> build(BlockTree.Entry parent, ConsensusEngine.Claim claim, long nowMillis,
                                  List<Transaction> chosen) throws ChainStore.StoreException {
        ConsensusEngine engine = chain.engine();
        if (engine.oneBlockPerSlot() && protecting() && !protection.maySignBlock(claim.slot())) {
            return Optional.empty();
        }
        StateTransition rules = chain.rules();
        long height = parent.height() + 1;
        BlockContext context = new BlockContext(height, claim.slot(), parent.hash(), key.address(),
                parent.header().slot());
        List<Transaction> txs = chosen != null ? chosen : chain.transactionsFor(parent.state(), height);
        List<Vote> votes = rules.hasFinality()
                ? chain.votesFor(rules.atSlot(parent.state(), context), FfgConstants.MAX_VOTES_PER_BLOCK) : List.of();
        StateTransition.Outcome outcome = rules.apply(parent.state(), context, txs, votes, chain.signatures());
        if (!(outcome instanceof StateTransition.Applied applied)) {
            if (chosen != null) {
                return Optional.empty(); // the strategy's transactions do not apply here
            }
            throw new IllegalStateException("the mempool or the vote pool offered an invalid block: " + outcome);
        }
        Header parentHeader = parent.header();
        long timestamp = Math.max(nowMillis, parentHeader.timestamp() + 1);
        Header unsealed = new Header(chain.genesis().chainId(), height, parent.hash(), timestamp, claim.slot(),
                key.address(), Block.bodyRoot(txs, votes), applied.stateRoot(), chain.genesis().engine(),
                claim.engineData(), new byte[0]);
        Optional<Header> sealed = engine.seal(chain.tree(), unsealed, key, random, attemptsPerTick);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> tampered = mvpos.consensus.SealCheck.problem(engine.name(), unsealed, sealed.get());
        if (tampered.isPresent()) {
            throw new IllegalStateException(tampered.get()); // refused before it is signed for or leaves the node
        }
        Block block = new Block(sealed.get(), txs, votes);
        if (engine.oneBlockPerSlot() && protecting() && !record(() -> protection.recordBlock(claim.slot(),
                block.hash()))) {
            return Optional.empty(); // another block was signed for this slot (before a restart): never equivocate
        }
        return Optional.of(new Built(block, applied));
    }

    /**
     * The honest finality duty: once per epoch, a quarter into it (so that late blocks of the epoch
     * before have arrived), a vote for the epoch's checkpoint on the head's chain from the justified
     * checkpoint that chain has in that epoch, added to the node's pool. The epoch is the clock's (for
     * engines whose slots are time) or the head's, whichever is later: with no block yet in the epoch,
     * its checkpoint is the head. Never two votes for one target epoch, and the source only moves
     * forward, so it never signs a slashable pair.
     */
    public Optional<Vote> voteDuty(long nowMillis) throws ChainStore.StoreException {
        StateTransition rules = chain.rules();
        if (!rules.hasFinality()) {
            return Optional.empty();
        }
        BlockTree.Entry head = chain.tree().head();
        ConsensusEngine engine = chain.engine();
        long slot = engine.oneBlockPerSlot() ? Math.max(head.header().slot(), engine.slotAt(nowMillis))
                : head.header().slot();
        long epochLength = rules.epochLength();
        long epoch = slot / epochLength;
        if (epoch < 1 || epoch <= lastVotedEpoch || slot < epoch * epochLength + epochLength / 4) {
            return Optional.empty();
        }
        FinalityState f;
        Account account;
        if (head.header().slot() >= epoch * epochLength) {
            f = head.state().finality().orElseThrow();
            account = head.state().account(key.address());
        } else {
            // No block yet in the epoch: its checkpoint is the head.
            StateTransition.SlotView view = chain.viewEntering(head, epoch);
            f = view.finality();
            account = view.account(key.address());
        }
        int index = f.validators().indexOf(key.address());
        if (f.epoch() != epoch || index < 0
                || CasperFfg.effectiveWeight(f.validators(), index, account) == 0) {
            return Optional.empty();
        }
        lastVotedEpoch = epoch;
        Checkpoint target = new Checkpoint(epoch, f.currentTarget());
        // Signed before a restart already: the very same vote again (a different head would be a double vote).
        Optional<Vote> before = protecting() ? protection.signedFor(key, chain.domain().chainId(), epoch)
                : Optional.empty();
        if (before.isPresent() && f.currentJustified().is(before.get().sourceEpoch(), before.get().sourceHash())
                && target.is(before.get().targetEpoch(), before.get().targetHash())) {
            return signVote(f.currentJustified(), target, before.get().headHash(), nowMillis);
        }
        return signVote(f.currentJustified(), target, head.hash(), nowMillis);
    }

    /**
     * Signs a vote {@code source -> target} (with protection on: only when it is not slashable with one
     * signed before, recorded before it is signed) and adds it to the node's pool.
     */
    public Optional<Vote> signVote(Checkpoint source, Checkpoint target, long nowMillis)
            throws ChainStore.StoreException {
        return signVote(source, target, target.hash(), nowMillis);
    }

    /** {@link #signVote(Checkpoint, Checkpoint, long)} naming {@code head} as the block the validator sees as head. */
    public Optional<Vote> signVote(Checkpoint source, Checkpoint target, byte[] head, long nowMillis)
            throws ChainStore.StoreException {
        Optional<Vote> vote;
        if (protecting()) {
            try {
                vote = protection.signVoteIfSafe(key, chain.domain(), source.epoch(), source.hash(), target.epoch(),
                        target.hash(), head);
            } catch (IOException e) {
                throw new ChainStore.StoreException("cannot record a signed vote: " + e.getMessage());
            }
        } else {
            vote = Optional.of(Vote.sign(key, chain.domain(), source.epoch(), source.hash(), target.epoch(),
                    target.hash(), head));
        }
        vote.ifPresent(v -> chain.addVote(v, nowMillis));
        return vote;
    }

    /**
     * Signs an engine protocol's statement (a BFT vote or proposal); with protection on, only when no
     * different value was signed for its kind and position, recorded first. Empty when refused.
     */
    /** What this validator's protection recorded as signed for {@code kind} at positions in [from, to). */
    public java.util.SortedMap<Long, byte[]> signedStatements(String kind, long from, long to) {
        return protection.statementsSigned(kind, from, to);
    }

    public Optional<mvpos.chain.SignedStatement> signStatement(String kind, long position, byte[] value)
            throws ChainStore.StoreException {
        if (!protecting()) {
            return Optional.of(mvpos.chain.SignedStatement.sign(key, chain.domain(), kind, position, value));
        }
        try {
            return protection.signStatementIfSafe(key, chain.domain(), kind, position, value);
        } catch (IOException e) {
            throw new ChainStore.StoreException("cannot record a signed statement: " + e.getMessage());
        }
    }

    /**
     * An offence the node saw: a validator that can pay the fee sends a slashing transaction (once per
     * offender, never against itself), into the node's mempool and {@link #drainOutgoing}.
     */
    private void report(SlashingEvidence evidence) {
        Address offender = evidence.offender();
        if (key.address().equals(offender)) {
            return;
        }
        Transaction slash = Transaction.sign(key, chain.domain(), chain.nextNonce(key.address()), TxKind.SLASH,
                offender, 0, SLASHING_FEE, evidence.encode());
        if (chain.submit(slash) instanceof Mempool.Accepted) {
            outgoing.add(slash);
        }
    }

    /** Transactions this validator made (slashing evidence) for the network to carry; each is returned once. */
    public List<Transaction> drainOutgoing() {
        if (outgoing.isEmpty()) {
            return List.of();
        }
        List<Transaction> drained = List.copyOf(outgoing);
        outgoing.clear();
        return drained;
    }

    @FunctionalInterface
    private interface Recording {
        boolean record() throws IOException;
    }

    private static boolean record(Recording recording) throws ChainStore.StoreException {
        try {
            return recording.record();
        } catch (IOException e) {
            throw new ChainStore.StoreException("cannot record a signed block: " + e.getMessage());
        }
    }
}
