package mvpos.adversary;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.crypto.KeyPair;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;

/**
 * The double-spender of Nakamoto's section 11 on real proof-of-work nodes, its hash power spread over one or
 * more nodes (the coalition's members, {@link #member}). One attempt, as Rosenfeld analyses it (Analysis of
 * hashrate-based double spending, 2014):
 *
 * <ol>
 *   <li>Pre-mining: the members mine in private, on the public tip, a block that carries the conflicting
 *       transfer: the payer's coins, with its next nonce on that tip, to the payer itself. The transfer is put in
 *       the block directly ({@link Validator#produceWith}): it never enters a mempool and is never announced. A
 *       public block that arrives first moves the pre-mining onto it.</li>
 *   <li>As soon as a member finds that block it announces the payment to the merchant, and the race starts:
 *       every member mines on the coalition's private tip, the highest block posted to the attempt's
 *       {@link Coalition} (each member adds the blocks the others posted to its own node before it mines).</li>
 *   <li>Publish: once the payment has {@code z} confirmations on the public chain (the payment's block counts
 *       as the first) and the private chain is longer than the public one, a member announces the whole
 *       private chain: the payment's block is orphaned and the conflict takes the coins back.</li>
 *   <li>Give up: when the public chain is {@code giveUpDeficit} blocks higher than the private one (with share
 *       q the chance to catch up from a deficit d is (q/p)^d, {@link DoubleSpender#giveUpDeficit}); or, on a
 *       chain with Casper FFG, when the node finalized a checkpoint above the fork, since then no node (its
 *       own included) accepts a block of the private branch.</li>
 * </ol>
 *
 * <p>Then the next attempt starts on the public tip (the attacker's own chain when it published). The public
 * tip a member tracks is the highest block of another node it accepted, or the coalition's published tip.
 * Members never vote. With {@code honest} set, the same members mine in public and the payer pays without a
 * conflicting transfer (the build act of a lab): an attempt ends when the payment has its confirmations.
 */
public final class RealDoubleSpender {
    /** How an attempt ended. */
    public enum Outcome {
        /** The private chain was longer after the payment was released: announced. */
        PUBLISHED,
        /** Too far behind: the payment stands. */
        GAVE_UP,
        /**
         * The public chain finalized a checkpoint above the fork (Casper FFG): no node, the attacker's own
         * included, accepts a block on the private branch any more; the payment stands.
         */
        FINALIZED_AGAINST,
        /** Honest payer: the payment has its confirmations on the public chain. */
        CONFIRMED
    }

    /**
     * One attempt: its two transfers of the same coins (no conflict for an honest payer), the height it forked
     * at, how it ended, and the heights of the public and the private chain the deciding member saw then.
     */
    public record Attempt(Transaction payment, Transaction conflict, long forkHeight, Outcome outcome,
                          long publicHeight, long privateHeight) {
    }

    private enum Phase { IDLE, PREMINING, RACING }

    private final Address merchant;
    private final long amount;
    private final int confirmations;
    private final int giveUpDeficit;
    private final boolean honest;
    private final List<Member> members = new ArrayList<>();
    private final Set<Address> memberAddresses = new HashSet<>();
    private final List<Attempt> done = new ArrayList<>();
    private KeyPair payer;
    private Phase phase = Phase.IDLE;
    private Transaction payment;
    private Transaction conflict;
    private long forkHeight;
    private Coalition coalition = new Coalition();
    private Block published; // the coalition's last published tip, the members' public tip

    /**
     * @param merchant      who is paid
     * @param amount        what each payment moves
     * @param confirmations the confirmations z the merchant waits for (the payment's block is the first)
     * @param giveUpDeficit the deficit, public height minus private height, at which the attacker gives up
     *                      ({@link DoubleSpender#giveUpDeficit} gives one that loses a chosen share of its chances)
     * @param honest        mine in public and never spend twice (a lab's build act)
     */
    public RealDoubleSpender(Address merchant, long amount, int confirmations, int giveUpDeficit, boolean honest) {
        if (amount < 1) {
            throw new IllegalArgumentException("a payment moves at least 1, not " + amount);
        }
        if (confirmations < 1) {
            throw new IllegalArgumentException("a payment needs at least one confirmation, not " + confirmations);
        }
        if (giveUpDeficit < 1) {
            throw new IllegalArgumentException("the give-up deficit must be at least 1, not " + giveUpDeficit);
        }
        this.merchant = merchant;
        this.amount = amount;
        this.confirmations = confirmations;
        this.giveUpDeficit = giveUpDeficit;
        this.honest = honest;
    }

    /**
     * A new member's strategy, mining {@code rounds} rounds per tick on average (an honest node does one): the
     * whole part at every tick, one more with the fractional part's probability, drawn from {@code random}, so
     * that its blocks come as memorylessly as an honest miner's (rounds spread evenly would make a block right
     * after its last one less likely than it is). The first member's key pays. Give each member to one node.
     */
    public Strategy member(double rounds, mvpos.crypto.RandomSource random) {
        if (!(rounds >= 0) || Double.isInfinite(rounds)) {
            throw new IllegalArgumentException("mining rounds per tick must be a number of at least 0, not " + rounds);
        }
        Member member = new Member(members.size(), rounds, random);
        members.add(member);
        return member;
    }

    /** The attempts finished so far, in order. */
    public List<Attempt> attempts() {
        return List.copyOf(done);
    }

    /** How many attempts finished. */
    public int finished() {
        return done.size();
    }

    /** The attempt under way, if any: the payment is announced once the pre-mined block is found. */
    public Optional<Transaction> currentPayment() {
        return phase == Phase.RACING ? Optional.of(payment) : Optional.empty();
    }

    /** The coalition of the attempt under way (its private channel). */
    public Coalition coalition() {
        return coalition;
    }

    /** How many blocks the coalition holds in private in the attempt under way. */
    public int privateBlocks() {
        return phase == Phase.RACING ? coalition.blocks().size() : 0;
    }

    private final class Member implements Strategy {
        private final int index;
        private final double rounds;
        private final mvpos.crypto.RandomSource random;
        private Validator validator;
        private BlockTree.Entry publicTip;

        Member(int index, double rounds, mvpos.crypto.RandomSource random) {
            this.index = index;
            this.rounds = rounds;
            this.random = random;
        }

        @Override
        public void onTick(Validator v, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
            start(v);
            importCoalition(nowMillis);
            adoptPublished();
            int now = (int) rounds;
            if ((random.nextLong() >>> 11) * 0x1.0p-53 < rounds - now) {
                now++;
            }
            for (int i = 0; i < now; i++) {
                begin(outbox);
                mineOnce(outbox, nowMillis);
            }
        }

        @Override
        public boolean hearsBlocks() {
            return true;
        }

        @Override
        public void onBlock(Validator v, Outbox outbox, Block block, long nowMillis) throws ChainStore.StoreException {
            start(v);
            if (!honest && memberAddresses.contains(block.header().proposer())) {
                return; // a coalition block this member added from the private channel, or published
            }
            Optional<BlockTree.Entry> entry = v.chain().tree().entry(block.hash());
            if (entry.isPresent() && block.height() > publicTip.height()) {
                publicTip = entry.get();
            }
            if (phase == Phase.RACING || honest && phase == Phase.PREMINING) {
                importCoalition(nowMillis);
                decide(outbox);
            }
        }

        @Override
        public boolean slashingProtection() {
            return true;
        }

        @Override
        public String name() {
            return honest ? "honest-payer" : "double-spender";
        }

        private void start(Validator v) {
            if (validator == null) {
                validator = v;
                publicTip = v.chain().tree().head();
                memberAddresses.add(v.address());
                if (index == 0) {
                    payer = v.key();
                }
            }
        }

        /** Adds to this member's node the coalition's blocks it does not have (parents are posted first). */
        private void importCoalition(long nowMillis) throws ChainStore.StoreException {
            for (Block block : coalition.blocks()) {
                if (!validator.chain().tree().contains(block.hash())) {
                    validator.chain().addBlock(block, nowMillis);
                }
            }
        }

        /** After the coalition published, its tip is the public tip this member builds on. */
        private void adoptPublished() {
            if (published != null && published.height() > publicTip.height()) {
                validator.chain().tree().entry(published.hash()).filter(e -> !finalizedAgainst(e))
                        .ifPresent(e -> publicTip = e);
            }
        }

        /** Starts an attempt when none is under way (an honest payer pays at once). */
        private void begin(Outbox outbox) {
            if (phase != Phase.IDLE || payer == null) {
                return;
            }
            coalition = new Coalition();
            phase = Phase.PREMINING;
            if (honest) {
                payment = transfer(validator.chain().nextNonce(payer.address()), merchant);
                validator.chain().submit(payment);
                outbox.announce(payment);
                forkHeight = publicTip.height();
            }
        }

        private Transaction transfer(long nonce, Address to) {
            return Transaction.sign(payer, validator.chain().domain(), nonce, TxKind.TRANSFER, to, amount, 1);
        }

        private void mineOnce(Outbox outbox, long nowMillis) throws ChainStore.StoreException {
            if (phase != Phase.RACING && finalizedAgainst(publicTip)) {
                publicTip = validator.chain().tree().head(); // a published branch the others finalized against
            }
            if (honest || phase == Phase.IDLE) {
                Optional<Block> found = validator.produce(publicTip, nowMillis);
                if (found.isPresent()) {
                    outbox.announce(found.get());
                    publicTip = entry(found.get());
                    if (phase == Phase.PREMINING) {
                        decide(outbox);
                    }
                }
                return;
            }
            BlockTree.Entry parent = phase == Phase.PREMINING ? publicTip : privateTip().orElse(null);
            if (parent == null) {
                return; // this member's node does not have the coalition's tip yet
            }
            if (phase == Phase.RACING && finalizedAgainst(parent)) {
                finish(Outcome.FINALIZED_AGAINST, publicTip.height(), parent.height());
                return;
            }
            if (phase == Phase.PREMINING) {
                // The conflicting transfer spends the payer's next nonce on the parent: the payment will spend it too.
                long nonce = parent.state().account(payer.address()).nonce();
                Transaction spend = transfer(nonce, payer.address());
                Optional<Block> found = validator.produceWith(parent, List.of(spend), nowMillis);
                if (found.isEmpty()) {
                    return;
                }
                coalition.post(found.get());
                conflict = spend;
                payment = transfer(nonce, merchant);
                forkHeight = parent.height();
                phase = Phase.RACING;
                outbox.announce(payment); // the merchant is paid only now that one private block is ready
            } else {
                Optional<Block> found = validator.produce(parent, nowMillis);
                if (found.isEmpty()) {
                    return;
                }
                coalition.post(found.get());
            }
            decide(outbox);
        }

        private Optional<BlockTree.Entry> privateTip() {
            return coalition.tip().flatMap(tip -> validator.chain().tree().entry(tip.hash()));
        }

        /** Publish, give up, or (honest) finish, by this member's view of the public chain. */
        private void decide(Outbox outbox) {
            boolean released = released(publicTip);
            long publicHeight = publicTip.height();
            if (honest) {
                if (released) {
                    finish(Outcome.CONFIRMED, publicHeight, forkHeight);
                }
                return;
            }
            long privateHeight = coalition.tip().map(Block::height).orElse(forkHeight);
            Optional<BlockTree.Entry> privateTip = privateTip();
            if (privateTip.isPresent() && finalizedAgainst(privateTip.get())) {
                finish(Outcome.FINALIZED_AGAINST, publicHeight, privateHeight);
            } else if (released && privateHeight > publicTip.height()) {
                for (Block block : coalition.blocks()) {
                    outbox.announce(block);
                }
                published = coalition.tip().orElseThrow();
                adoptPublished();
                finish(Outcome.PUBLISHED, publicHeight, privateHeight);
            } else if (publicHeight - privateHeight >= giveUpDeficit) {
                finish(Outcome.GAVE_UP, publicHeight, privateHeight);
            }
        }

        /** Whether the payment has its confirmations on the chain ending at {@code tip}. */
        private boolean released(BlockTree.Entry tip) {
            BlockTree tree = validator.chain().tree();
            long nonce = payment.nonce();
            long paidAt = -1; // the height of the block that spent the nonce on this chain
            BlockTree.Entry at = tip;
            while (at != null && at.height() > forkHeight && at.state().account(payer.address()).nonce() > nonce) {
                paidAt = at.height();
                at = tree.entry(at.header().parentHash()).orElse(null);
            }
            return paidAt >= 0 && tip.height() - paidAt + 1 >= confirmations;
        }

        /**
         * Whether this member's node finalized a checkpoint {@code tip} does not descend from: no node accepts a
         * block on it any more.
         */
        private boolean finalizedAgainst(BlockTree.Entry tip) {
            BlockTree tree = validator.chain().tree();
            return validator.chain().storeFinalized()
                    .flatMap(checkpoint -> tree.entry(checkpoint.hash()))
                    .map(checkpoint -> !tree.descendsFrom(tip, checkpoint))
                    .orElse(false);
        }

        private BlockTree.Entry entry(Block block) {
            return validator.chain().tree().entry(block.hash()).orElseThrow(() -> new IllegalStateException(
                    "block " + block.height() + " is not in the member's tree"));
        }
    }

    private void finish(Outcome outcome, long publicHeight, long privateHeight) {
        done.add(new Attempt(payment, honest ? null : conflict, forkHeight, outcome, publicHeight, privateHeight));
        phase = Phase.IDLE;
    }
}
