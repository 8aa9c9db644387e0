package mvpos.node;

import java.util.Arrays;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.consensus.BlockTree;
import mvpos.state.BlockContext;
import mvpos.state.StateTransition;

/**
 * Runs a block's body on its parent's state through the pure state transition (or takes the transition
 * its own validator computed, from the cache) and checks that the header's state root is the one the
 * body gives.
 */
final class BlockExecution {
    /** The transition applied, or why the block is refused (exactly one is set). */
    record Outcome(StateTransition.Applied applied, BlockRejection rejection) {
    }

    private final StateTransition rules;
    private final SignatureCache signatures;
    private final TransitionCache transitions;

    BlockExecution(StateTransition rules, SignatureCache signatures, TransitionCache transitions) {
        this.rules = rules;
        this.signatures = signatures;
        this.transitions = transitions;
    }

    Outcome run(BlockTree.Entry parent, Block block, byte[] hash, NodeCore.Prechecked prechecked) {
        Header header = block.header();
        StateTransition.Applied applied = transitions.get(hash).orElse(null);
        boolean computed = applied == null;
        if (computed) {
            StateTransition.SignatureCheck check = signatures.withPrechecked(prechecked.validSignatures());
            StateTransition.Outcome outcome = rules.apply(parent.state(), BlockContext.of(header, parent.header().slot()),
                    block.transactions(), block.votes(), check);
            if (outcome instanceof StateTransition.Rejected rejected) {
                return new Outcome(null, new BlockRejection(BlockRejection.Reason.INVALID_TRANSACTION,
                        rejected.rejection().toString()));
            }
            applied = (StateTransition.Applied) outcome;
        }
        if (!Arrays.equals(applied.stateRoot(), header.stateRoot())) {
            return new Outcome(null, new BlockRejection(BlockRejection.Reason.BAD_STATE_ROOT,
                    "the state root does not match the state its body gives"));
        }
        if (computed) {
            transitions.put(hash, applied);
        }
        return new Outcome(applied, null);
    }
}
