package mvpos.node;

import mvpos.chain.Header;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Vote;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.ForkChoice;
import mvpos.consensus.forkchoice.LatestMessages;
import mvpos.consensus.forkchoice.LmdGhost;

/**
 * Feeds a vote-driven fork choice (LMD-GHOST) what the node learns: each counted vote as its voter's
 * latest message, each offender as an equivocator, and the proposer boost for the first block of the
 * current slot that arrives in the slot's first third (the consensus specs' attesting deadline); the
 * boost ends with its slot. Says when the head must be chosen again. Does nothing for other rules.
 */
final class ForkChoiceInputs {
    private final LatestMessages messages;
    private final ConsensusEngine engine;
    private final long boostDeadlineMillis;
    private long chosenAt = -1;

    ForkChoiceInputs(ForkChoice rule, ConsensusEngine engine, long slotMillis) {
        this.messages = rule instanceof LmdGhost lmd ? lmd.messages() : null;
        this.engine = engine;
        this.boostDeadlineMillis = Math.max(1, slotMillis / 3);
    }

    void counted(Vote vote) {
        if (messages != null) {
            messages.offer(vote);
        }
    }

    void offence(SlashingEvidence evidence) {
        if (messages != null) {
            messages.equivocated(evidence.offender());
        }
    }

    /** A valid block about to join the tree: boosted when it is the first to arrive on time in its slot. */
    void arriving(Header header, byte[] hash, long nowMillis) {
        if (messages != null && engine.slotAt(nowMillis) == header.slot()
                && engine.slotAt(nowMillis - boostDeadlineMillis) < header.slot()) {
            messages.boost(hash, header.slot());
        }
    }

    /** Ends a boost whose slot is over; true when the head should be chosen again (the inputs changed). */
    boolean stale(long nowMillis) {
        if (messages == null) {
            return false;
        }
        messages.endBoostBefore(engine.slotAt(nowMillis));
        return messages.version() != chosenAt;
    }

    /** The head was just chosen with the inputs as they are. */
    void chosen() {
        if (messages != null) {
            chosenAt = messages.version();
        }
    }
}
