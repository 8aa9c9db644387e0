package mvpos.adversary;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.consensus.BlockTree;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;

/**
 * Eyal and Sirer's selfish mining (Majority is not enough, 2014, Algorithm 1) played by a real proof-of-work
 * node: at each tick it mines on its private tip ({@link Validator#produce}), not on its node's head, and
 * keeps what it finds; when a block of another miner raises the public chain it releases, by the lead
 * {@code d} its private branch had over the public chain before that block:
 *
 * <ul>
 *   <li>{@code d <= 0}: the others are ahead: it adopts their block as its private tip, dropping its branch.</li>
 *   <li>{@code d = 1}: it publishes its block, a tie of two equal branches (state 0'): who wins depends on
 *       the share {@code gamma} of the others that hear the pool's block first (the node's fork choice keeps
 *       the block seen first).</li>
 *   <li>{@code d = 2}: it publishes its whole branch, one block longer: the others' block is orphaned.</li>
 *   <li>{@code d > 2}: it publishes its blocks up to the public chain's height, keeping its lead.</li>
 *   <li>a block of its own during a tie: published at once; the pool's branch wins the tie.</li>
 * </ul>
 *
 * <p>The pool's hash power is {@code rounds} mining rounds per tick (an honest node does one): a pool with
 * share {@code alpha} among {@code n} honest nodes does {@code alpha n / (1 - alpha)}, the fraction spread
 * evenly over the ticks. The public height it tracks is the highest block of another node it accepted, or
 * of its own it published. It counts the ties and how each was decided, so that a lab can measure gamma.
 */
public final class RealSelfishMiner implements Strategy {
    private final double rounds;
    private double owed;
    private BlockTree.Entry privateTip;
    private long publicHeight;
    private final Deque<Block> unpublished = new ArrayDeque<>();
    private byte[] tieBlock;
    private long tiesWon;
    private long tiesOnPool;
    private long tiesOnHonest;
    private long published;

    /** @param rounds mining rounds per tick, on average (an honest node does one) */
    public RealSelfishMiner(double rounds) {
        if (!(rounds >= 0) || Double.isInfinite(rounds)) {
            throw new IllegalArgumentException("mining rounds per tick must be a number of at least 0, not " + rounds);
        }
        this.rounds = rounds;
    }

    /** The rounds per tick that give a pool the share {@code alpha} of the hash power beside {@code honest} nodes. */
    public static double roundsFor(double alpha, int honest) {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("a hash share must be from 0 to below 1, not " + alpha);
        }
        return alpha * honest / (1 - alpha);
    }

    @Override
    public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        start(validator);
        owed += rounds;
        int now = (int) owed;
        owed -= now;
        for (int i = 0; i < now; i++) {
            Optional<Block> found = validator.produce(privateTip, nowMillis);
            if (found.isPresent()) {
                privateTip = entry(validator, found.get());
                unpublished.addLast(found.get());
                if (tieBlock != null) {
                    tiesWon++; // state 0' and the pool found the next block: publish, its branch wins
                    tieBlock = null;
                    publishUpTo(Long.MAX_VALUE, outbox);
                }
            }
        }
    }

    @Override
    public boolean hearsBlocks() {
        return true;
    }

    @Override
    public void onBlock(Validator validator, Outbox outbox, Block block, long nowMillis)
            throws ChainStore.StoreException {
        start(validator);
        if (block.height() <= publicHeight) {
            return; // not higher than the public chain: a fork of the others, or our branch's equal
        }
        long leadBefore = privateTip.height() - publicHeight;
        publicHeight = block.height();
        if (tieBlock != null) {
            if (block.height() == privateTip.height() + 1) {
                if (Arrays.equals(block.header().parentHash(), tieBlock)) {
                    tiesOnPool++;
                } else {
                    tiesOnHonest++;
                }
            }
            tieBlock = null;
        }
        long lead = privateTip.height() - publicHeight;
        if (leadBefore <= 0 || lead < 0) {
            privateTip = entry(validator, block); // the others are ahead: mine on their chain
            unpublished.clear();
        } else if (lead == 0) {
            publishUpTo(Long.MAX_VALUE, outbox); // one block each: a tie
            tieBlock = privateTip.hash();
        } else if (lead == 1) {
            publishUpTo(Long.MAX_VALUE, outbox); // one longer: the others' block is orphaned
        } else {
            publishUpTo(publicHeight, outbox); // match them, keep the lead
        }
    }

    /** Publishes every block still held (what a pool does when it stops, or the race ends). */
    public void publishAll(Outbox outbox) {
        publishUpTo(Long.MAX_VALUE, outbox);
        tieBlock = null;
    }

    private void publishUpTo(long height, Outbox outbox) {
        while (!unpublished.isEmpty() && unpublished.peekFirst().height() <= height) {
            Block block = unpublished.removeFirst();
            outbox.announce(block);
            published++;
            publicHeight = Math.max(publicHeight, block.height());
        }
    }

    private void start(Validator validator) {
        if (privateTip == null) {
            privateTip = validator.chain().tree().head();
            publicHeight = privateTip.height();
        }
    }

    private static BlockTree.Entry entry(Validator validator, Block block) {
        return validator.chain().tree().entry(block.hash()).orElseThrow(() -> new IllegalStateException(
                "block " + block.height() + " was accepted but is not in the node's tree"));
    }

    /** How many blocks the pool holds beyond the public chain. */
    public int lead() {
        return unpublished.size();
    }

    /** The block the pool mines on. */
    public Optional<BlockTree.Entry> privateTip() {
        return Optional.ofNullable(privateTip);
    }

    /** Blocks published so far. */
    public long published() {
        return published;
    }

    /** Ties the pool won by finding the next block itself. */
    public long tiesWon() {
        return tiesWon;
    }

    /** Ties another miner decided by building on the pool's block. */
    public long tiesOnPool() {
        return tiesOnPool;
    }

    /** Ties another miner decided by building on the others' block. */
    public long tiesOnHonest() {
        return tiesOnHonest;
    }

    @Override
    public String name() {
        return "selfish-miner";
    }
}
