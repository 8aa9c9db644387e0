package mvpos.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.state.BlockContext;
import mvpos.state.FinalityState;
import mvpos.state.StateTransition;
import mvpos.state.VoteRejection;

/**
 * How a node takes in finality votes, gossiped or carried in blocks: a vote must be new, for this chain,
 * validly signed, recent enough, and countable on its target's own chain; then it goes to the vote pool
 * (for the blocks this node produces), is watched for offences, and is told to the fork choice as the
 * voter's latest message. A vote whose target block is not known yet waits for it (at most
 * {@link NodeCore#MAX_WAITING_VOTES}).
 */
final class VoteIntake {
    private final NodeCore core;
    private final StateTransition rules;
    private final ChainDomain domain;
    private final SignatureCache signatures;
    private final TransitionCache transitions;
    private final OffenceDetector offences;
    private final Consumer<Vote> counted;
    private final VotePool votes = new VotePool();
    private final LinkedHashMap<HashKey, Vote> waitingVotes = new LinkedHashMap<>();
    private volatile NodeCore.VoteCounts voteCounts = new NodeCore.VoteCounts(0, 0, 0);

    /**
     * @param counted told of each vote that counts (accepted from gossip or carried in a valid block):
     *                the fork choice's latest messages
     */
    VoteIntake(NodeCore core, OffenceDetector offences, SignatureCache signatures, TransitionCache transitions,
               Consumer<Vote> counted) {
        this.core = core;
        this.rules = core.rules();
        this.domain = core.domain();
        this.signatures = signatures;
        this.transitions = transitions;
        this.offences = offences;
        this.counted = counted;
    }

    NodeCore.VoteOutcome addVote(Vote vote) {
        if (!rules.hasFinality()) {
            return new NodeCore.VoteIgnored("this chain has no finality gadget");
        }
        HashKey id = vote.hashKey();
        if (votes.seen(vote) || waitingVotes.containsKey(id)) {
            return new NodeCore.VoteIgnored("duplicate");
        }
        if (!vote.chainId().equals(domain.chainId())) {
            return new NodeCore.VoteIgnored("a vote for chain '" + vote.chainId() + "'", true);
        }
        if (!signatures.isValid(vote)) {
            return new NodeCore.VoteIgnored("the vote's signature is invalid for this chain", true);
        }
        // A signed vote slashable with an earlier one proves an offence, whatever blocks it names.
        offences.observe(vote).ifPresent(core::report);
        long headEpoch = core.headFinality().map(FinalityState::epoch).orElse(0L);
        long finalizedEpoch = core.storeFinalized().map(c -> c.epoch()).orElse(0L);
        if (vote.targetEpoch() + 2 < headEpoch || vote.targetEpoch() <= finalizedEpoch) {
            return new NodeCore.VoteIgnored("its target epoch " + vote.targetEpoch() + " is too old to be counted");
        }
        Optional<BlockTree.Entry> target = core.tree().entry(vote.targetHash());
        if (target.isEmpty()) {
            if (waitingVotes.size() >= NodeCore.MAX_WAITING_VOTES) {
                waitingVotes.remove(waitingVotes.keySet().iterator().next());
            }
            waitingVotes.put(id, vote);
            return new NodeCore.VoteAccepted();
        }
        votes.markSeen(vote);
        Optional<VoteRejection> problem = whyNotCountableOnTargetChain(vote, target.get());
        NodeCore.VoteCounts counts = voteCounts;
        if (problem.isPresent()) {
            voteCounts = new NodeCore.VoteCounts(counts.accepted(), counts.refused() + 1, counts.inBlocks());
            return new NodeCore.VoteIgnored(problem.get().toString(), problem.get().byFault());
        }
        voteCounts = new NodeCore.VoteCounts(counts.accepted() + 1, counts.refused(), counts.inBlocks());
        votes.add(vote);
        counted.accept(vote);
        return new NodeCore.VoteAccepted();
    }

    /** The votes a valid block carried: counted, pooled (a fork that does not carry them may count them), watched. */
    void carriedBy(Block block) {
        if (block.votes().isEmpty()) {
            return;
        }
        NodeCore.VoteCounts counts = voteCounts;
        voteCounts = new NodeCore.VoteCounts(counts.accepted(), counts.refused(), counts.inBlocks() + block.votes().size());
        for (Vote vote : block.votes()) {
            counted.accept(vote);
            if (votes.markSeen(vote)) {
                votes.add(vote);
                offences.observe(vote).ifPresent(core::report);
            }
        }
    }

    /**
     * Why a vote could not be counted on the chain of its target: the state of a block entering its
     * target epoch right after the target (the target must be the last block before that epoch) decides
     * which source is the justified one there and who is in the dynasties, whatever came later.
     */
    private Optional<VoteRejection> whyNotCountableOnTargetChain(Vote vote, BlockTree.Entry target) {
        long epochLength = rules.epochLength();
        long targetEpoch = vote.targetEpoch();
        if (targetEpoch < 1 || target.header().slot() >= targetEpoch * epochLength) {
            return Optional.of(new VoteRejection(VoteRejection.Reason.WRONG_TARGET,
                    "block " + target.height() + " (slot " + target.header().slot()
                            + ") cannot be the checkpoint of epoch " + targetEpoch));
        }
        return transitions.verdict(target.hash(), targetEpoch, vote, () -> computeViewEntering(target, targetEpoch),
                view -> view.whyNotCountable(vote, false, signatures));
    }

    /**
     * What a block entering {@code epoch} right after {@code last} (the last block before the epoch)
     * sees: the epoch's checkpoint is {@code last}; computed once per block and epoch, shared through the
     * transition cache.
     */
    StateTransition.SlotView viewEntering(BlockTree.Entry last, long epoch) {
        return transitions.targetView(last.hash(), epoch, () -> computeViewEntering(last, epoch));
    }

    private StateTransition.SlotView computeViewEntering(BlockTree.Entry last, long epoch) {
        return rules.atSlot(last.state(), new BlockContext(last.height() + 1, epoch * rules.epochLength(), last.hash(),
                new Address(new byte[Address.LENGTH])));
    }

    /** Offers again the waiting votes whose target block has come. */
    void retryWaiting() {
        if (waitingVotes.isEmpty()) {
            return;
        }
        List<Vote> ready = new ArrayList<>();
        for (Vote vote : waitingVotes.values()) {
            if (core.tree().contains(vote.targetHash())) {
                ready.add(vote);
            }
        }
        for (Vote vote : ready) {
            waitingVotes.remove(vote.hashKey());
            addVote(vote);
        }
    }

    /** Drops pooled votes whose target epoch is below {@code epoch}. */
    void forgetBefore(long epoch) {
        votes.forgetBefore(epoch);
    }

    List<Vote> votesFor(StateTransition.SlotView view, int limit) {
        return votes.selectFor(view, limit, signatures);
    }

    int pooled() {
        return votes.size();
    }

    int waiting() {
        return waitingVotes.size();
    }

    NodeCore.VoteCounts counts() {
        return voteCounts;
    }
}
