package mvpos.consensus.bft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.chain.SignedStatement;
import mvpos.chain.SlashingEvidence;
import mvpos.codec.MalformedEncodingException;
import mvpos.consensus.EngineContext;
import mvpos.consensus.EngineProtocol;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;

/**
 * One validator's rounds of the {@code bft} engine: Algorithm 1 of Buchman, Kwon and Milosevic, "The latest
 * gossip on BFT consensus" (2018), with stake-weighted quorums (more than two thirds of the stake where the
 * paper counts 2f + 1 votes, more than one third where it counts f + 1). The rules are checked after every
 * message and timer, in the paper's order, until none applies:
 *
 * <ol>
 *   <li>a round starts with step propose; its proposer proposes its valid value (a block seen with a quorum
 *       of prevotes) or a new block; the others wait {@link BftEngine#timeout} for the proposal;</li>
 *   <li>on the proposal, a validator prevotes for it when it is valid and the validator is not locked on
 *       another block (or the proposal comes with a quorum of prevotes from a round since the lock), else
 *       for nil; without a proposal in time, for nil;</li>
 *   <li>on a quorum of prevotes for the block, it locks on it and precommits it; on a quorum for nil, or
 *       after a timeout once a quorum of any prevotes came, it precommits nil;</li>
 *   <li>on a quorum of precommits for a block, in any round, it commits the block (adds it to the chain);
 *       after a timeout once a quorum of any precommits came, it starts the next round;</li>
 *   <li>on messages from more than a third of the stake for a later round, it skips to that round.</li>
 * </ol>
 *
 * A height's first round starts one block time after the parent's timestamp. A validator never signs two
 * different votes for one round; two from someone else are reported as evidence, and both count (see
 * {@link RoundVotes}).
 */
final class Tendermint implements EngineProtocol {
    /** How many rounds ahead of its own a validator keeps messages for. */
    static final int MAX_ROUNDS_AHEAD = 64;
    /** Most messages for the next height kept until this node reaches it. */
    static final int MAX_NEXT_HEIGHT_MESSAGES = 4_096;

    private enum Step { PROPOSE, PREVOTE, PRECOMMIT }

    private record Timeout(long at, Step step, int round) {
    }

    private final BftEngine engine;

    private long height = -1;
    private byte[] parentHash = new byte[0];
    private BftValidators validators;
    private int round;
    private Step step = Step.PROPOSE;
    private long roundStartAt;
    private boolean proposedInRound;
    /** The hash of the value this validator is locked on (read back from its own precommits after a restart). */
    private byte[] lockedValue;
    private int lockedRound = -1;
    private Block validValue;
    private int validRound = -1;
    private final Map<Integer, BftMessage.Proposal> proposals = new TreeMap<>();
    private final Map<HashKey, Block> blocks = new LinkedHashMap<>();
    private final Set<HashKey> valid = new HashSet<>();
    private RoundVotes prevotes = new RoundVotes();
    private RoundVotes precommits = new RoundVotes();
    private final Set<Integer> polkaSeen = new HashSet<>();
    private final Set<Integer> prevoteTimeoutSet = new HashSet<>();
    private final Set<Integer> precommitTimeoutSet = new HashSet<>();
    private final List<Timeout> timeouts = new ArrayList<>();
    private final Map<Integer, Set<Address>> heard = new TreeMap<>();
    /** The last height's precommits, still collected after this node moved on: the next block's certificate. */
    private RoundVotes lastPrecommits = new RoundVotes();
    private BftValidators lastValidators;
    private List<byte[]> nextHeight = new ArrayList<>();
    private final Set<Address> reported = new HashSet<>();

    Tendermint(BftEngine engine) {
        this.engine = engine;
    }

    @Override
    public boolean onMessage(EngineContext context, byte[] payload, long nowMillis) {
        BftMessage message;
        try {
            message = BftMessage.decode(payload);
        } catch (MalformedEncodingException | IllegalArgumentException e) {
            return false;
        }
        enterHeight(context, nowMillis);
        if (message.height() == height + 1) {
            if (nextHeight.size() < MAX_NEXT_HEIGHT_MESSAGES) {
                nextHeight.add(payload.clone());
            }
            return false; // its signer is checked once this node knows the next height's validators
        }
        boolean fresh = accept(context, message);
        if (fresh) {
            progress(context, nowMillis);
        }
        return fresh;
    }

    @Override
    public void onTimer(EngineContext context, long nowMillis) {
        progress(context, nowMillis);
    }

    // ------------------------------------------------------------------ messages

    private boolean accept(EngineContext context, BftMessage message) {
        SignedStatement statement = message.statement();
        Address signer = statement.signer();
        if (message.height() == height - 1 && message instanceof BftMessage.Vote vote && !vote.isPrevote()
                && lastValidators != null) {
            long weight = lastValidators.weightOf(signer);
            return weight > 0 && signedBy(context, statement)
                    && !(lastPrecommits.add(message.round(), statement, weight) instanceof RoundVotes.Duplicate);
        }
        int r = message.round();
        long weight = validators == null ? 0 : validators.weightOf(signer);
        if (message.height() != height || r > round + MAX_ROUNDS_AHEAD || weight == 0
                || !signedBy(context, statement)) {
            return false;
        }
        switch (message) {
            case BftMessage.Proposal proposal -> {
                if (!signer.equals(validators.proposer(height, r))) {
                    return false;
                }
                BftMessage.Proposal earlier = proposals.get(r);
                if (earlier != null) {
                    if (earlier.statement().conflictsWith(statement)) {
                        report(context, earlier.statement(), statement);
                        // Not this node's proposal of the round, but a block others may commit: kept to commit it.
                        blocks.putIfAbsent(HashKey.of(proposal.block().hash()), proposal.block());
                    }
                    return false;
                }
                proposals.put(r, proposal);
                blocks.putIfAbsent(HashKey.of(proposal.block().hash()), proposal.block());
            }
            case BftMessage.Vote vote -> {
                RoundVotes votes = vote.isPrevote() ? prevotes : precommits;
                RoundVotes.Added added = votes.add(r, statement, weight);
                if (added instanceof RoundVotes.Conflict conflict) {
                    report(context, conflict.earlier(), statement); // and counted: see RoundVotes
                } else if (added instanceof RoundVotes.Duplicate) {
                    return false;
                }
            }
        }
        heard.computeIfAbsent(r, x -> new HashSet<>()).add(signer);
        return true;
    }

    private static boolean signedBy(EngineContext context, SignedStatement statement) {
        return context.chain().verifySignature(statement.publicKey(), statement.signedBytes(context.domain()),
                statement.signature());
    }

    private void report(EngineContext context, SignedStatement first, SignedStatement second) {
        if (reported.add(first.signer())) {
            context.report(new SlashingEvidence.StatementPair(first, second));
        }
    }

    // ------------------------------------------------------------------ the rules

    private void progress(EngineContext context, long nowMillis) {
        for (int guard = 0; guard < 10_000; guard++) {
            if (!enterHeight(context, nowMillis) && !applyOneRule(context, nowMillis)) {
                break;
            }
        }
        wakeForNext(context, nowMillis);
    }

    /** When the head moved (a block committed here or received), the next height starts. */
    private boolean enterHeight(EngineContext context, long nowMillis) {
        Header head = context.head();
        if (head.height() + 1 == height && Arrays.equals(head.hash(), parentHash)) {
            return false;
        }
        Optional<BftValidators> next = engine.validatorsAfter(context.chain(), head.hash());
        if (next.isEmpty() || next.get().totalStake() == 0) {
            return false;
        }
        if (head.height() == height && validators != null) {
            lastPrecommits = precommits;
            lastValidators = validators;
        } else {
            lastPrecommits = new RoundVotes();
            lastValidators = engine.validatorsAfter(context.chain(), head.parentHash()).orElse(null);
        }
        height = head.height() + 1;
        parentHash = head.hash();
        validators = next.get();
        lockedValue = null;
        lockedRound = -1;
        restoreLock(context);
        validValue = null;
        validRound = -1;
        proposals.clear();
        blocks.clear();
        valid.clear();
        prevotes = new RoundVotes();
        precommits = new RoundVotes();
        polkaSeen.clear();
        prevoteTimeoutSet.clear();
        precommitTimeoutSet.clear();
        timeouts.clear();
        heard.clear();
        startRound(0, Math.max(nowMillis, head.timestamp() + engine.blockTimeMillis()));
        List<byte[]> waiting = nextHeight;
        nextHeight = new ArrayList<>();
        for (byte[] payload : waiting) {
            BftMessage message = BftMessage.decode(payload);
            if (message.height() == height) {
                accept(context, message);
            } else if (message.height() == height + 1) {
                nextHeight.add(payload);
            }
        }
        return true;
    }

    /**
     * A validator that precommitted a value at this height before (then crashed and restarted) is locked
     * on it: the lock of its highest-round non-nil precommit, read back from its slashing protection, so
     * that a restart never frees it to prevote for a conflicting value (Tendermint keeps its lock in its
     * write-ahead log for the same reason).
     */
    private void restoreLock(EngineContext context) {
        java.util.SortedMap<Long, byte[]> precommitted = context.signed(BftMessage.PRECOMMIT,
                BftMessage.position(height, 0), BftMessage.position(height + 1, 0));
        for (Map.Entry<Long, byte[]> signed : precommitted.entrySet()) {
            if (signed.getValue().length > 0) {
                lockedValue = signed.getValue().clone();
                lockedRound = (int) (signed.getKey() - BftMessage.position(height, 0));
            }
        }
    }

    private void startRound(int r, long startAt) {
        round = r;
        step = Step.PROPOSE;
        proposedInRound = false;
        roundStartAt = startAt;
        timeouts.add(new Timeout(startAt + engine.timeout(r), Step.PROPOSE, r));
    }

    /** Applies the first rule whose condition holds; false when none does. */
    private boolean applyOneRule(EngineContext context, long now) {
        if (onTimeout(context, now) || propose(context, now) || prevoteOnProposal(context, now)) {
            return true;
        }
        if (step == Step.PREVOTE && validators.isQuorum(prevotes.total(round)) && prevoteTimeoutSet.add(round)) {
            timeouts.add(new Timeout(now + engine.timeout(round), Step.PREVOTE, round));
            return true;
        }
        if (lockOnPolka(context, now)) {
            return true;
        }
        if (step == Step.PREVOTE && validators.isQuorum(prevotes.weightFor(round, new byte[0]))) {
            vote(context, BftMessage.PRECOMMIT, new byte[0]);
            step = Step.PRECOMMIT;
            return true;
        }
        if (validators.isQuorum(precommits.total(round)) && precommitTimeoutSet.add(round)) {
            timeouts.add(new Timeout(now + engine.timeout(round), Step.PRECOMMIT, round));
            return true;
        }
        return commit(context, now) || skipToLaterRound(now);
    }

    private boolean onTimeout(EngineContext context, long now) {
        for (int i = 0; i < timeouts.size(); i++) {
            Timeout timeout = timeouts.get(i);
            if (timeout.at() > now) {
                continue;
            }
            timeouts.remove(i);
            if (timeout.round() != round) {
                return true;
            }
            switch (timeout.step()) {
                case PROPOSE -> {
                    if (step == Step.PROPOSE) {
                        vote(context, BftMessage.PREVOTE, new byte[0]);
                        step = Step.PREVOTE;
                    }
                }
                case PREVOTE -> {
                    if (step == Step.PREVOTE) {
                        vote(context, BftMessage.PRECOMMIT, new byte[0]);
                        step = Step.PRECOMMIT;
                    }
                }
                case PRECOMMIT -> startRound(round + 1, now);
            }
            return true;
        }
        return false;
    }

    private boolean propose(EngineContext context, long now) {
        if (step != Step.PROPOSE || proposedInRound || now < roundStartAt
                || !validators.proposer(height, round).equals(context.key().address())) {
            return false;
        }
        proposedInRound = true;
        Block value = validValue;
        int vr = validRound;
        if (value == null) {
            Optional<CommitCertificate> parentCommit = parentCommit();
            if (height > 1 && parentCommit.isEmpty()) {
                return true; // this node did not see the parent's commit: the round times out, the next proposer goes on
            }
            Optional<Block> built = context.build(BftMessage.position(height, round),
                    new BftEngine.Data(round, parentCommit).encode(), now);
            if (built.isEmpty()) {
                return true;
            }
            value = built.get();
            vr = -1;
        }
        Optional<SignedStatement> statement = context.sign(BftMessage.PROPOSAL, BftMessage.position(height, round),
                BftMessage.Proposal.value(value.hash(), vr));
        if (statement.isEmpty()) {
            return true; // it proposed something else in this round before a restart: it stays silent
        }
        BftMessage.Proposal proposal = new BftMessage.Proposal(statement.get(), value);
        context.broadcast(proposal.encode());
        accept(context, proposal);
        return true;
    }

    /** The parent's certificate, from the precommits this node collected for it. */
    private Optional<CommitCertificate> parentCommit() {
        if (lastValidators == null) {
            return Optional.empty();
        }
        return lastPrecommits.roundWithQuorumFor(parentHash, lastValidators)
                .map(r -> CommitCertificate.of(r, lastPrecommits.votesFor(r, parentHash)));
    }

    private boolean prevoteOnProposal(EngineContext context, long now) {
        BftMessage.Proposal proposal = proposals.get(round);
        if (step != Step.PROPOSE || proposal == null) {
            return false;
        }
        int vr = proposal.validRound();
        Block block = proposal.block();
        byte[] id = block.hash();
        boolean lockedOnIt = lockedValue != null && Arrays.equals(lockedValue, id);
        if (vr == -1) {
            boolean yes = isValid(context, block, now) && (lockedRound == -1 || lockedOnIt);
            vote(context, BftMessage.PREVOTE, yes ? id : new byte[0]);
        } else if (vr < round && validators.isQuorum(prevotes.weightFor(vr, id))) {
            boolean yes = isValid(context, block, now) && (lockedRound <= vr || lockedOnIt);
            vote(context, BftMessage.PREVOTE, yes ? id : new byte[0]);
        } else {
            return false;
        }
        step = Step.PREVOTE;
        return true;
    }

    private boolean lockOnPolka(EngineContext context, long now) {
        BftMessage.Proposal proposal = proposals.get(round);
        if (step == Step.PROPOSE || proposal == null || polkaSeen.contains(round)) {
            return false;
        }
        Block block = proposal.block();
        if (!validators.isQuorum(prevotes.weightFor(round, block.hash())) || !isValid(context, block, now)) {
            return false;
        }
        polkaSeen.add(round);
        if (step == Step.PREVOTE) {
            lockedValue = block.hash();
            lockedRound = round;
            vote(context, BftMessage.PRECOMMIT, block.hash());
            step = Step.PRECOMMIT;
        }
        validValue = block;
        validRound = round;
        return true;
    }

    private boolean commit(EngineContext context, long now) {
        for (Block block : blocks.values()) {
            if (precommits.roundWithQuorumFor(block.hash(), validators).isPresent() && isValid(context, block, now)) {
                if (context.commit(block, now)) {
                    return true;
                }
                valid.remove(HashKey.of(block.hash()));
            }
        }
        return false;
    }

    private boolean skipToLaterRound(long now) {
        for (Map.Entry<Integer, Set<Address>> entry : heard.entrySet()) {
            if (entry.getKey() > round && validators.isMoreThanAThird(weightOf(entry.getValue()))) {
                startRound(entry.getKey(), now);
                return true;
            }
        }
        return false;
    }

    private long weightOf(Set<Address> signers) {
        long weight = 0;
        for (Address signer : signers) {
            weight += validators.weightOf(signer);
        }
        return weight;
    }

    /** Valid: on this height's parent, and a block the node would add (results that say yes are kept). */
    private boolean isValid(EngineContext context, Block block, long now) {
        HashKey key = HashKey.of(block.hash());
        if (valid.contains(key)) {
            return true;
        }
        boolean ok = block.height() == height && Arrays.equals(block.header().parentHash(), parentHash)
                && context.check(block, now).isEmpty();
        if (ok) {
            valid.add(key);
        }
        return ok;
    }

    /**
     * Signs (through the slashing protection) and sends a prevote or precommit of this round, and counts it
     * (a validator of this height only).
     */
    private void vote(EngineContext context, String kind, byte[] value) {
        if (!validators.contains(context.key().address())) {
            return;
        }
        Optional<SignedStatement> statement = context.sign(kind, BftMessage.position(height, round), value);
        if (statement.isEmpty()) {
            return; // it voted otherwise in this round before a restart: never two votes for one round
        }
        context.broadcast(new BftMessage.Vote(statement.get()).encode());
        accept(context, new BftMessage.Vote(statement.get()));
    }

    private void wakeForNext(EngineContext context, long now) {
        long next = Long.MAX_VALUE;
        for (Timeout timeout : timeouts) {
            next = Math.min(next, timeout.at());
        }
        if (validators != null && step == Step.PROPOSE && !proposedInRound && roundStartAt > now
                && validators.proposer(height, round).equals(context.key().address())) {
            next = Math.min(next, roundStartAt);
        }
        if (next != Long.MAX_VALUE) {
            context.wakeAt(next);
        }
    }
}
