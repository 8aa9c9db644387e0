package mvpos.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mvpos.chain.Account;
import mvpos.chain.Checkpoint;
import mvpos.crypto.Hex;
import mvpos.node.FinalityStatus;
import mvpos.node.NodeCore;
import mvpos.state.CasperFfg;
import mvpos.state.FinalityState;
import mvpos.state.State;

/**
 * Every read of finality and validator data the explorer and the metrics make, in one place: what a
 * node's chain says about its checkpoints, its validators and its accounts, as plain records that any
 * thread may hold. The node's own objects are read only here, on the node's thread (its loop, or a
 * devnet's event queue); when finality moves into the chain's state, this class is the one to change.
 */
public final class ChainSnapshot {
    /** Epochs the finalized checkpoint may lag the head's epoch before finality counts as stalled. */
    public static final long STALLED_AFTER_EPOCHS = mvpos.node.FinalityStatus.STALL_EPOCHS;

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
     * @param participation  the share of the current dynasty's stake whose votes for the last epoch that can
     *                       no longer gain votes were counted on the head's chain; 0 to 1
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

    /**
     * A validator (an account with stake, or slashed) as its node's head state has it; with Casper FFG
     * also its votes counted for the previous and current epoch, its weight in the current dynasty and its
     * inactivity score (null without finality or for an account outside the registry).
     */
    public record ValidatorView(String address, long stake, long balance, boolean slashed, long unbonding,
                                long unbondingUntil, Votes votes) {
    }

    /** A validator's votes as the head state counts them. */
    public record Votes(boolean previousEpoch, boolean currentEpoch, long weight, long inactivityScore) {
    }

    /** An account at the head. */
    public record AccountView(String address, long balance, long nonce, long stake, boolean slashed, long unbonding,
                              long unbondingUntil) {
    }

    /** The node's finality now, as its head state has it. Call on the node's thread. */
    public static FinalityView finality(NodeCore core) {
        Optional<FinalityState> state = core.headFinality();
        if (state.isEmpty()) {
            return FinalityView.NONE;
        }
        FinalityStatus status = FinalityStatus.of(state.get());
        return new FinalityView(CasperFfg.NAME, core.rules().epochLength(), status.epoch(),
                Optional.of(checkpoint(status.justified())), Optional.of(checkpoint(status.finalized())),
                status.participationBasisPoints() / 10_000.0, status.stalled() ? status.stalledSince() : -1);
    }

    private static CheckpointView checkpoint(Checkpoint checkpoint) {
        return new CheckpointView(checkpoint.epoch(), Hex.encode(checkpoint.hash()));
    }

    /** The head's state, which any thread may read (a state never changes). Call on the node's thread. */
    public static State headState(NodeCore core) {
        return core.headState();
    }

    /** The validators of a state: its accounts with stake, and the slashed ones, in address order. */
    public static List<ValidatorView> validators(State state) {
        List<ValidatorView> validators = new ArrayList<>();
        Optional<FinalityState> finality = state.finality();
        state.forEachAccount((address, account) -> {
            if (account.stake() > 0 || account.slashed() || account.unbonding() > 0) {
                Votes votes = finality.map(f -> votes(f, address, account)).orElse(null);
                validators.add(new ValidatorView(address.toString(), account.stake(), account.balance(),
                        account.slashed(), account.unbonding(), account.unbondingUntil(), votes));
            }
        });
        return validators;
    }

    private static Votes votes(FinalityState f, mvpos.crypto.Address address, Account account) {
        int index = f.validators().indexOf(address);
        if (index < 0) {
            return null;
        }
        return new Votes(f.previousVotes().get(index), f.currentVotes().get(index),
                mvpos.state.ValidatorRegistry.weight(f.validators().ceiling(
                        mvpos.state.ValidatorRegistry.Dynasty.CURRENT, index), account),
                f.validators().inactivityScore(index));
    }

    /** An account of a state. */
    public static AccountView account(State state, mvpos.crypto.Address address) {
        Account account = state.account(address);
        return new AccountView(address.toString(), account.balance(), account.nonce(), account.stake(),
                account.slashed(), account.unbonding(), account.unbondingUntil());
    }
}
