package mvpos.adversary;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.node.Mempool;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;

/**
 * A double-spender on a real proof-of-work node that pays a victim (a merchant's node) and sends the same
 * coins elsewhere: two transfers with one nonce, so that a chain holds one or the other. It plays the
 * better of two attacks, by what it knows of the victim's links:
 *
 * <ul>
 *   <li><b>eclipse</b> (it holds every peer slot of the victim): the payment goes into its private chain,
 *       which it tells the victim only, block by block; the other transfer goes to the honest nodes. The
 *       victim sees no other chain, so it sees the payment confirmed as soon as the private chain has z
 *       blocks; the attacker then stops. When the eclipse ends, the honest chain, longer because it had
 *       the larger share of the hash power all along, replaces the private one and the payment is gone.</li>
 *   <li><b>race</b> (the victim hears the honest network, Nakamoto 2008 section 11): the payment goes to
 *       every node; the other transfer into its private chain, withheld. Once the public chain gives the
 *       payment z confirmations, the merchant ships (the attacker, its customer, sees the goods leave:
 *       {@link #merchantShipped}); from then on it publishes its private chain as soon as it is longer. It
 *       gives up when {@code giveUpDeficit} blocks behind.</li>
 * </ul>
 *
 * <p>Both start as Rosenfeld (2014) assumes: the attacker first mines one block with its own transfer on
 * the head (moving to the new head when an honest block comes first), and only then sends the other
 * transfer out. Its hash power is {@code rounds} mining rounds per tick, as {@link RealSelfishMiner}'s.
 */
public final class EclipseDoubleSpender implements Strategy {
    /** Where the attack stands. */
    public enum Phase {
        /** The chain has not reached the height the attack starts at. */
        WAITING,
        /** Mining the first private block, with the attacker's own transfer. */
        PREMINING,
        /** The private chain grows. */
        RACING,
        /** Eclipse: the victim has the payment with z confirmations on the private chain; mining stopped. */
        SHIPPED,
        /**
         * Race: the private chain was longer after the merchant shipped and is published; from then on the
         * attacker goes on mining on it and announces its blocks.
         */
        WON,
        /** Race: too far behind; the payment stands. */
        GAVE_UP
    }

    /** How the attacker talks to the victim and to the honest nodes apart (the network's links). */
    public interface Wire {
        /** Sends a block to the victim only. */
        void toVictim(Block block);

        /** Sends a transaction to the honest nodes only. */
        void toHonest(Transaction transaction);
    }

    /** The two transfers and where they go. */
    public record Spend(Address merchant, Address elsewhere, long amount, long fee) {
        public Spend {
            if (amount < 1 || fee < 0) {
                throw new IllegalArgumentException("a payment needs an amount of at least 1 and a fee of at least 0");
            }
        }
    }

    private final double rounds;
    private final int confirmations;
    private final int giveUpDeficit;
    private final boolean eclipse;
    private final long startHeight;
    private final Spend spend;
    private final Wire wire;
    private double owed;
    private Phase phase = Phase.WAITING;
    private Transaction payment;
    private Transaction conflict;
    private BlockTree.Entry privateTip;
    private BlockTree.Entry publicTip;
    private long forkHeight;
    private boolean shipped;
    private final List<Block> withheld = new ArrayList<>();

    /**
     * @param rounds         mining rounds per tick (an honest node does one); see {@link RealSelfishMiner#roundsFor}
     * @param confirmations  z: the blocks (the payment's included) the merchant waits for
     * @param giveUpDeficit  in the race, how far behind the attacker gives up ({@link DoubleSpender#giveUpDeficit})
     * @param eclipse        whether the attacker holds every peer slot of the victim
     * @param startHeight    the head height from which the attack starts
     */
    public EclipseDoubleSpender(double rounds, int confirmations, int giveUpDeficit, boolean eclipse, long startHeight,
                                Spend spend, Wire wire) {
        if (!(rounds >= 0) || Double.isInfinite(rounds)) {
            throw new IllegalArgumentException("mining rounds per tick must be a number of at least 0, not " + rounds);
        }
        if (confirmations < 1 || giveUpDeficit <= confirmations) {
            throw new IllegalArgumentException("a payment needs at least one confirmation, and the give-up deficit"
                    + " must exceed them");
        }
        this.rounds = rounds;
        this.confirmations = confirmations;
        this.giveUpDeficit = giveUpDeficit;
        this.eclipse = eclipse;
        this.startHeight = startHeight;
        this.spend = spend;
        this.wire = wire;
    }

    @Override
    public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        if (phase == Phase.WAITING) {
            if (validator.chain().tree().head().height() < startHeight) {
                return;
            }
            begin(validator);
        }
        owed += rounds;
        int now = (int) owed;
        owed -= now;
        for (int i = 0; i < now; i++) {
            if (phase == Phase.PREMINING || phase == Phase.RACING) {
                Optional<Block> found = validator.produce(privateTip, nowMillis);
                if (found.isPresent()) {
                    mined(validator, outbox, found.get(), nowMillis);
                }
            } else if (phase == Phase.WON) {
                // Published: it goes on mining on its branch and announces what it finds, so that a tie with an
                // honest block it had not heard of yet (the merchant may hear one first) is decided by the race.
                Optional<Block> found = validator.produce(privateTip, nowMillis);
                if (found.isPresent()) {
                    privateTip = entry(validator, found.get());
                    outbox.announce(found.get());
                }
            }
        }
    }

    /** The transfers signed with one nonce; the attacker's own goes into its node's mempool only. */
    private void begin(Validator validator) {
        long nonce = validator.chain().nextNonce(validator.address());
        payment = Transaction.sign(validator.key(), validator.chain().domain(), nonce, TxKind.TRANSFER,
                spend.merchant(), spend.amount(), spend.fee());
        conflict = Transaction.sign(validator.key(), validator.chain().domain(), nonce, TxKind.TRANSFER,
                spend.elsewhere(), spend.amount(), spend.fee());
        Mempool.Admission admission = validator.chain().submit(eclipse ? payment : conflict);
        if (!(admission instanceof Mempool.Accepted)) {
            throw new IllegalStateException("the attacker's own node refused its transfer: " + admission);
        }
        privateTip = validator.chain().tree().head();
        publicTip = privateTip;
        phase = Phase.PREMINING;
    }

    private void mined(Validator validator, Outbox outbox, Block block, long nowMillis) {
        if (phase == Phase.PREMINING) {
            Transaction own = eclipse ? payment : conflict;
            if (block.transactions().stream().noneMatch(tx -> java.util.Arrays.equals(tx.hash(), own.hash()))) {
                throw new IllegalStateException("the first private block lacks the attacker's transfer");
            }
            forkHeight = privateTip.height();
            phase = Phase.RACING;
            if (eclipse) {
                wire.toHonest(conflict);
            } else {
                outbox.announce(payment);
            }
        }
        privateTip = entry(validator, block);
        if (eclipse) {
            wire.toVictim(block);
            if (privateTip.height() - forkHeight >= confirmations) {
                phase = Phase.SHIPPED; // the victim sees z confirmations and no other chain
            }
        } else {
            withheld.add(block);
            decide(outbox);
        }
    }

    @Override
    public boolean hearsBlocks() {
        return true;
    }

    @Override
    public void onBlock(Validator validator, Outbox outbox, Block block, long nowMillis)
            throws ChainStore.StoreException {
        if (phase == Phase.WAITING || eclipse && phase != Phase.PREMINING) {
            return;
        }
        BlockTree.Entry entry = entry(validator, block);
        if (phase == Phase.PREMINING) {
            if (entry.height() > privateTip.height()) {
                privateTip = entry; // an honest block came first: pre-mine on it
                publicTip = entry;
            }
            return;
        }
        if (phase == Phase.RACING && entry.height() > publicTip.height()) {
            publicTip = entry;
            decide(outbox);
        }
    }

    /**
     * The merchant shipped the goods: the attacker, its customer, sees them leave. In the race it publishes its
     * branch from now on, as soon as the branch is longer than the public chain (at once if it is already).
     */
    public void merchantShipped(Outbox outbox) {
        shipped = true;
        decide(outbox);
    }

    /** The race: publish when the merchant has shipped and the private chain is longer. */
    private void decide(Outbox outbox) {
        if (eclipse || phase != Phase.RACING) {
            return;
        }
        if (shipped && privateTip.height() > publicTip.height()) {
            withheld.forEach(outbox::announce);
            withheld.clear();
            phase = Phase.WON;
        } else if (publicTip.height() - privateTip.height() >= giveUpDeficit) {
            withheld.clear();
            phase = Phase.GAVE_UP;
        }
    }

    /**
     * The confirmations a chain ending at {@code tip} gives a payment of {@code amount} to {@code merchant}
     * (an account empty before it): the blocks from the payment's to the tip, 0 when it is not on the chain.
     */
    public static int confirmationsOf(BlockTree.Entry tip, BlockTree tree, Address merchant, long amount) {
        int count = 0;
        BlockTree.Entry at = tip;
        while (at != null && at.state().account(merchant).balance() >= amount) {
            count++;
            at = at.height() == 0 ? null : tree.entry(at.header().parentHash()).orElse(null);
        }
        return count;
    }

    private static BlockTree.Entry entry(Validator validator, Block block) {
        return validator.chain().tree().entry(block.hash()).orElseThrow(() -> new IllegalStateException(
                "block " + block.height() + " was accepted but is not in the node's tree"));
    }

    /** Blocks of the private chain from the fork (its first one included). */
    public long privateBlocks() {
        return phase == Phase.WAITING || phase == Phase.PREMINING ? 0 : privateTip.height() - forkHeight;
    }

    /** Blocks of the public chain from the fork, as far as the attacker heard (in the race). */
    public long publicBlocks() {
        return phase == Phase.WAITING || phase == Phase.PREMINING ? 0 : Math.max(0, publicTip.height() - forkHeight);
    }

    public Phase phase() {
        return phase;
    }

    /** Whether the attacker holds every peer slot of the victim (the eclipse) or races in public. */
    public boolean eclipse() {
        return eclipse;
    }

    /** The private chain's tip, once the attack started. */
    public Optional<BlockTree.Entry> privateTip() {
        return Optional.ofNullable(privateTip);
    }

    /** The payment to the merchant, once the attack started. */
    public Optional<Transaction> payment() {
        return Optional.ofNullable(payment);
    }

    /** The transfer of the same coins elsewhere, once the attack started. */
    public Optional<Transaction> conflict() {
        return Optional.ofNullable(conflict);
    }

    @Override
    public String name() {
        return "eclipse-double-spender";
    }
}
