package mvpos.adversary;

import java.util.LinkedHashSet;
import java.util.Set;
import mvpos.chain.ChainStore;
import mvpos.chain.Checkpoint;
import mvpos.consensus.BlockTree;
import mvpos.crypto.HashKey;
import mvpos.node.NodeCore;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;

/**
 * A byzantine validator that equivocates its finality votes: it produces no blocks, and in each epoch it
 * votes for the checkpoint of every branch it sees (each tip of its block tree), with slashing
 * protection off. Placed as a bridge between two partitions, it lends its stake to both sides, so that
 * with more than a third of the stake both sides can finalize conflicting checkpoints: the attack the
 * invariant checker must catch (and the double votes are slashable evidence).
 *
 * <p>{@link #echoing} makes the stronger form of the attack, which wins whatever the branches' timing: it
 * signs no vote of its own accord, but {@link #echo echoes} each honest vote it hears, the very same link
 * with its own key, to the side that vote came from. Each side then sees the byzantine stake vote exactly
 * as its honest validators do, and justifies and finalizes as fast as if that stake were honest.
 */
public final class DoubleVoter implements Strategy {
    private final Set<HashKey> tips = new LinkedHashSet<>();
    private final Set<String> voted = new java.util.HashSet<>();
    private final java.util.function.Consumer<mvpos.chain.Vote> router;
    private final Set<String> echoed = new java.util.HashSet<>();
    private final boolean echoOnly;
    private NodeCore watched;
    private Validator validator;

    /** A double voter that announces its votes to every peer. */
    public DoubleVoter() {
        this(null);
    }

    /**
     * A double voter whose votes go where {@code router} sends them (null: to every peer): an adversary
     * that controls its own links shows each side only the votes for that side, so that no honest node
     * sees both votes of a pair while the partition lasts.
     */
    public DoubleVoter(java.util.function.Consumer<mvpos.chain.Vote> router) {
        this(router, false);
    }

    private DoubleVoter(java.util.function.Consumer<mvpos.chain.Vote> router, boolean echoOnly) {
        this.router = router;
        this.echoOnly = echoOnly;
    }

    /** A double voter that votes only by {@link #echo echoing} the honest votes it hears, each to {@code router}. */
    public static DoubleVoter echoing(java.util.function.Consumer<mvpos.chain.Vote> router) {
        return new DoubleVoter(java.util.Objects.requireNonNull(router, "router"), true);
    }

    /**
     * Signs the link of a vote heard from another validator ({@code source -> target}, on the same head)
     * with this validator's key, once per link, and hands it to the router: on a partition, each side's
     * links, so two sides get two votes for one target epoch. Nothing before this node's first tick.
     */
    public void echo(mvpos.chain.Vote heard, long nowMillis) throws ChainStore.StoreException {
        if (validator == null || router == null || heard.validator().equals(validator.address())) {
            return;
        }
        String link = heard.sourceEpoch() + ":" + HashKey.of(heard.sourceHash()) + ">" + heard.targetEpoch() + ":"
                + HashKey.of(heard.targetHash());
        if (echoed.add(link)) {
            validator.signVote(new Checkpoint(heard.sourceEpoch(), heard.sourceHash()),
                    new Checkpoint(heard.targetEpoch(), heard.targetHash()), heard.headHash(), nowMillis)
                    .ifPresent(router);
        }
    }

    @Override
    public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        this.validator = validator;
        if (echoOnly) {
            return;
        }
        NodeCore chain = validator.chain();
        if (watched != chain) {
            watched = chain; // the node's core (a new one after a restart): follow its tips from now
            tips.clear();
            tips.add(HashKey.of(chain.tree().head().hash()));
            chain.onBlockAdded(added -> {
                tips.remove(HashKey.of(added.block().header().parentHash()));
                tips.add(HashKey.of(added.block().hash()));
            });
        }
        long epochLength = chain.rules().epochLength();
        if (epochLength == 0) {
            return;
        }
        for (HashKey tip : java.util.List.copyOf(tips)) {
            BlockTree.Entry entry = chain.tree().entry(tip.bytes()).orElse(null);
            if (entry == null) {
                tips.remove(tip); // pruned below the tree's window
                continue;
            }
            long slot = Math.max(entry.header().slot(), chain.engine().slotAt(nowMillis));
            long epoch = slot / epochLength;
            if (epoch < 1 || slot < epoch * epochLength + epochLength / 4 || entry.header().slot() < epoch * epochLength) {
                continue; // the branch has no block in this epoch yet: vote when it has
            }
            var finality = entry.state().finality();
            if (finality.isEmpty() || finality.get().epoch() != epoch) {
                continue;
            }
            Checkpoint target = new Checkpoint(epoch, finality.get().currentTarget());
            if (voted.add(epoch + ":" + HashKey.of(target.hash()) + ":" + finality.get().currentJustified().epoch())) {
                validator.signVote(finality.get().currentJustified(), target, entry.hash(), nowMillis)
                        .ifPresent(vote -> {
                            if (router != null) {
                                router.accept(vote);
                            } else {
                                outbox.announce(vote);
                            }
                        });
            }
        }
    }

    @Override
    public boolean slashingProtection() {
        return false;
    }

    @Override
    public String name() {
        return "double-voter";
    }
}
