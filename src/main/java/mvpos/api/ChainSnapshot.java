package mvpos.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mvpos.chain.Account;
import mvpos.consensus.BlockTree;
import mvpos.consensus.CasperFfg;
import mvpos.crypto.Hex;
import mvpos.node.NodeCore;
import mvpos.state.State;

/**
 * Every read of finality and validator data the explorer and the metrics make, in one place: what a
 * node's chain says about its checkpoints, its validators and its accounts, as plain records that any
 * thread may hold. The node's own objects are read only here, on the node's thread (its loop, or a
 * devnet's event queue); when finality moves into the chain's state, this class is the one to change.
 */
public final class ChainSnapshot {
    /** Epochs the finalized checkpoint may lag the head's epoch before finality counts as stalled. */
    public static final long STALLED_AFTER_EPOCHS = 4;
    /** Epochs of recent slots over which participation is measured. */
    public static final long PARTICIPATION_EPOCHS = 2;

    private ChainSnapshot() {
    }

    /** A checkpoint: an epoch and its block's hash (hex). */
    public record CheckpointView(long epoch, String hash) {
    }

    /**
     * What a node knows of finality.
     *
     * @param gadget         the finality gadget's name ({@code none} without one: then the rest is empty)
     * @param headEpoch      the epoch of the head's slot
     * @param participation  the share of the last {@link #PARTICIPATION_EPOCHS} epochs' slots whose block is on
     *                       the node's chain (a validator that is down misses its slots, and its votes); 0 to 1
     * @param stalledSince   the first epoch that should be final and is not, once the finalized checkpoint
     *                       lags the head by more than {@link #STALLED_AFTER_EPOCHS} epochs; -1 when it is not
     */
    public record FinalityView(String gadget, long epochLength, long headEpoch, Optional<CheckpointView> justified,
                               Optional<CheckpointView> finalized, double participation, long stalledSince) {
        public static final FinalityView NONE = new FinalityView("none", 0, 0, Optional.empty(), Optional.empty(), 1, -1);

        public boolean stalled() {
            return stalledSince >= 0;
        }
    }

    /** A validator (an account with stake, or slashed) as its node's head state has it. */
    public record ValidatorView(String address, long stake, long balance, boolean slashed, long unbonding,
                                long unbondingUntil) {
    }

    /** An account at the head. */
    public record AccountView(String address, long balance, long nonce, long stake, boolean slashed, long unbonding,
                              long unbondingUntil) {
    }

    /** The node's finality now. Call on the node's thread. */
    public static FinalityView finality(NodeCore core) {
        Optional<CasperFfg> gadget = core.finality();
        if (gadget.isEmpty()) {
            return FinalityView.NONE;
        }
        CasperFfg ffg = gadget.get();
        BlockTree tree = core.tree();
        long epochLength = ffg.epochLength();
        long headSlot = tree.head().header().slot();
        long headEpoch = ffg.epochOfSlot(headSlot);
        CheckpointView justified = checkpoint(ffg.latestJustified());
        CheckpointView finalized = checkpoint(ffg.finalized());
        long window = PARTICIPATION_EPOCHS * epochLength;
        long fromSlot = Math.max(1, headSlot - window + 1);
        long filled = 0;
        BlockTree.Entry at = tree.head();
        while (at.header().slot() >= fromSlot && at.height() > 0) {
            filled++;
            Optional<BlockTree.Entry> parent = tree.entry(at.header().parentHash());
            if (parent.isEmpty()) {
                break;
            }
            at = parent.get();
        }
        long slots = headSlot - fromSlot + 1;
        double participation = slots <= 0 ? 1 : Math.min(1, (double) filled / slots);
        long stalledSince = headEpoch - finalized.epoch() > STALLED_AFTER_EPOCHS ? finalized.epoch() + 1 : -1;
        return new FinalityView(CasperFfg.NAME, epochLength, headEpoch, Optional.of(justified), Optional.of(finalized),
                participation, stalledSince);
    }

    private static CheckpointView checkpoint(CasperFfg.Checkpoint checkpoint) {
        return new CheckpointView(checkpoint.epoch(), Hex.encode(checkpoint.hash()));
    }

    /** The head's state, which any thread may read (a state never changes). Call on the node's thread. */
    public static State headState(NodeCore core) {
        return core.headState();
    }

    /** The validators of a state: its accounts with stake, and the slashed ones, in address order. */
    public static List<ValidatorView> validators(State state) {
        List<ValidatorView> validators = new ArrayList<>();
        state.forEachAccount((address, account) -> {
            if (account.stake() > 0 || account.slashed() || account.unbonding() > 0) {
                validators.add(new ValidatorView(address.toString(), account.stake(), account.balance(),
                        account.slashed(), account.unbonding(), account.unbondingUntil()));
            }
        });
        return validators;
    }

    /** An account of a state. */
    public static AccountView account(State state, mvpos.crypto.Address address) {
        Account account = state.account(address);
        return new AccountView(address.toString(), account.balance(), account.nonce(), account.stake(),
                account.slashed(), account.unbonding(), account.unbondingUntil());
    }
}
