package mvpos.consensus;

import java.math.BigInteger;
import mvpos.crypto.HashKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.consensus.forkchoice.HeaviestChain;
import mvpos.crypto.Address;
import mvpos.state.State;

/**
 * The valid blocks a node knows, on every fork, each with the state after it, and its head as a
 * {@link ForkChoice} rule picks it: by default {@link HeaviestChain}, the block whose chain has the
 * greatest total weight (the engine says what a block weighs), the block seen first winning a tie.
 *
 * <p>With a finality gadget every head must descend from an <em>anchor</em>, the latest justified
 * checkpoint the node knows of (the FFG paper's fork-choice rule: follow the chain containing the
 * justified checkpoint of the greatest height).
 *
 * <p>The tree keeps the last {@link ChainView#STATE_HISTORY} heights below its head, even while
 * finality stalls (the anchor then moves up to the head's ancestor at the lowest height kept); older
 * blocks are forgotten (they are in the store), and a block whose parent was forgotten cannot be
 * added. Not thread-safe: a node uses its tree from its loop only.
 */
public final class BlockTree implements ChainView {

    /**
     * A block in the tree.
     *
     * @param before      the values the accounts changed by this block had before it (its undo record)
     * @param totalWeight the weight of the chain ending here, counted from the tree's first block
     */
    public record Entry(Block block, byte[] hash, State state, Map<Address, Account> before, BigInteger totalWeight) {
        public Header header() {
            return block.header();
        }

        public long height() {
            return block.height();
        }
    }

    /** Checks Ed25519 signatures for the engines (the node's cache). */
    @FunctionalInterface
    public interface SignatureVerifier {
        boolean verify(byte[] publicKey, byte[] message, byte[] signature);
    }

    private final Genesis genesis;
    private final mvpos.chain.ChainDomain domain;
    private final SignatureVerifier verifier;
    /** In the order added (a parent before its children): rules that iterate break ties by arrival. */
    private final Map<HashKey, Entry> entries = new java.util.LinkedHashMap<>();
    /**
     * The children of each block, by its hash: one child as the entry itself, more as a list in the order
     * added (most blocks have one child, and a simulation holds a tree per node).
     */
    private final Map<HashKey, Object> children = new HashMap<>();
    private ForkChoice forkChoice = HeaviestChain.INSTANCE;
    /**
     * The blocks at each height from {@link #lowestHeight} up, for forgetting them: at index
     * {@code height - lowestHeight}, null, one key, or a list of keys.
     */
    private final ArrayList<Object> byHeight = new ArrayList<>();
    private long lowestHeight;
    /**
     * The entry added last and its hash, looked up without the map: most lookups on a network are of the
     * newest block, once per peer that relays it (null after it is forgotten).
     */
    private Entry lastAdded;
    private byte[] lastAddedHash;
    private Entry head;
    /** The block every head must descend from: the root, or the latest justified checkpoint (finality). */
    private Entry anchor;
    /** Whether a finality gadget has set the anchor (without one, heads are free). */
    private boolean anchored;

    /** A tree whose first block is {@code root} (genesis, or the oldest block a restarted node rebuilt). */
    public BlockTree(Genesis genesis, mvpos.chain.ChainDomain domain, Block root, State rootState,
                     SignatureVerifier verifier) {
        this.genesis = genesis;
        this.domain = domain;
        this.verifier = verifier;
        this.lowestHeight = root.height();
        this.head = put(new Entry(root, root.hash(), rootState, Map.of(), BigInteger.ZERO),
                HashKey.of(root.header().parentHash()));
        this.anchor = head;
    }

    /**
     * Adds a valid block whose parent is in the tree, and moves the head to it when its chain is now
     * the heaviest. Returns the new entry.
     */
    public Entry add(Block block, byte[] hash, State state, Map<Address, Account> before, BigInteger weight) {
        Entry parent = entry(block.header().parentHash())
                .orElseThrow(() -> new IllegalArgumentException("the parent of block " + block.height() + " is not in the tree"));
        HashKey shared = block.header().hashKey();
        boolean ownHash = shared.equals(HashKey.view(hash));
        BigInteger total = parent.totalWeight().add(weight);
        Entry added = put(new Entry(block, ownHash ? shared.sharedBytes() : hash, state, compact(before),
                ownHash ? TOTALS.share(shared, total) : total), keyOf(parent));
        moveHead(forkChoice.afterAdd(this, added, head));
        return added;
    }

    private void moveHead(Entry chosen) {
        if (chosen != head) {
            head = chosen;
            forgetBelow(head.height() - STATE_HISTORY);
        }
    }

    /** Runs another fork-choice rule from now on (the head is chosen again by it). */
    public void setForkChoice(ForkChoice rule) {
        forkChoice = rule;
        moveHead(rule.choose(this, head));
    }

    public ForkChoice forkChoice() {
        return forkChoice;
    }

    /** Asks the fork-choice rule again (its inputs changed: votes, a proposer boost); returns whether the head moved. */
    public boolean refreshHead() {
        Entry before = head;
        moveHead(forkChoice.choose(this, head));
        return head != before;
    }

    /** Every block held, in the order added: a parent always comes before its children. */
    public java.util.Collection<Entry> entries() {
        return Collections.unmodifiableCollection(entries.values());
    }

    /** The children of a block held, in the order added. */
    public List<Entry> children(Entry parent) {
        Object found = children.get(HashKey.view(parent.hash()));
        return found == null ? List.of() : found instanceof Entry only ? List.of(only)
                : Collections.unmodifiableList(asList(found));
    }

    /** Whether a finality gadget anchors heads (to its latest justified checkpoint). */
    public boolean anchored() {
        return anchored;
    }

    private Entry put(Entry entry, HashKey parentKey) {
        HashKey key = keyOf(entry);
        entries.put(key, entry);
        lastAdded = entry;
        lastAddedHash = entry.hash();
        children.merge(parentKey, entry, BlockTree::plus);
        int level = Math.toIntExact(entry.height() - lowestHeight);
        while (byHeight.size() <= level) {
            byHeight.add(null);
        }
        byHeight.set(level, byHeight.get(level) == null ? key : plus(byHeight.get(level), key));
        return entry;
    }

    /** One more item after {@code held} (an item or a list of items): a list of them in order. */
    private static Object plus(Object held, Object more) {
        List<Object> list;
        if (held instanceof ArrayList<?>) {
            list = asList(held);
        } else {
            list = new ArrayList<>(2);
            list.add(held);
        }
        list.add(more);
        return list;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> asList(Object list) {
        return (List<T>) list;
    }

    /**
     * The entry's hash as a key: its header's own key (one per block, shared by every tree that holds the
     * block, so a simulation of many nodes keeps one copy), unless the entry was given another hash.
     */
    private static HashKey keyOf(Entry entry) {
        HashKey shared = entry.header().hashKey();
        return shared.equals(HashKey.view(entry.hash())) ? shared : HashKey.of(entry.hash());
    }

    /**
     * The total weights of recent blocks, shared by the trees of one process: every tree counting from the
     * same first block holds an equal total for a block, and a simulation of many nodes keeps one.
     */
    private static final SharedTotals TOTALS = new SharedTotals();

    /** Recent blocks' total weights by hash (the most recent 4,096). */
    private static final class SharedTotals {
        private final Map<HashKey, BigInteger> totals = new java.util.LinkedHashMap<>(1 << 13, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<HashKey, BigInteger> eldest) {
                return size() > 4_096;
            }
        };

        /** An instance equal to {@code total}: the one held for this block when equal, else {@code total}. */
        synchronized BigInteger share(HashKey block, BigInteger total) {
            BigInteger held = totals.get(block);
            if (total.equals(held)) {
                return held;
            }
            totals.put(block, total);
            return total;
        }
    }

    /**
     * An undo record of none or one account as an immutable map of that size (a fraction of a hash map's
     * memory, and most blocks change one account: the proposer's); larger ones as given, so that their
     * iteration order stays what it was.
     */
    private static Map<Address, Account> compact(Map<Address, Account> before) {
        if (before.isEmpty()) {
            return Map.of();
        }
        if (before.size() == 1) {
            Map.Entry<Address, Account> only = before.entrySet().iterator().next();
            if (only.getKey() != null && only.getValue() != null) {
                return Map.of(only.getKey(), only.getValue());
            }
        }
        return before;
    }

    private void forgetBelow(long height) {
        if (lowestHeight >= height) {
            return;
        }
        if (anchor.height() < height) {
            // A long stall: the anchor moves up to the head's ancestor at the new lowest height, which every
            // head must still descend from (forks from below it are forgotten with it).
            Entry at = head;
            while (at.height() > height) {
                at = parentOf(at);
            }
            anchor = at;
        }
        for (; lowestHeight < height; lowestHeight++) {
            Object forgotten = byHeight.isEmpty() ? null : byHeight.remove(0);
            if (forgotten instanceof HashKey key) {
                forget(key);
            } else if (forgotten != null) {
                BlockTree.<HashKey>asList(forgotten).forEach(this::forget);
            }
        }
    }

    private void forget(HashKey key) {
        if (lastAdded != null && key.equals(HashKey.view(lastAddedHash))) {
            lastAdded = null;
            lastAddedHash = null;
        }
        entries.remove(key);
        children.remove(key);
    }

    /** The lowest height the tree still holds. */
    public long lowestHeight() {
        return lowestHeight;
    }

    /**
     * Makes every head descend from this block (a finality gadget's latest justified checkpoint): the
     * head becomes the heaviest block below it. Returns whether the head moved. Unknown blocks are
     * ignored.
     */
    public boolean setAnchor(byte[] hash) {
        Optional<Entry> found = entry(hash);
        if (found.isEmpty() || found.get() == anchor) {
            return false;
        }
        anchor = found.get();
        anchored = true;
        Entry before = head;
        head = forkChoice.choose(this, head);
        return head != before;
    }

    public Entry anchor() {
        return anchor;
    }

    /** Whether {@code entry} is {@code ancestor} or descends from it (false when the walk meets a forgotten block). */
    public boolean descendsFrom(Entry entry, Entry ancestor) {
        Entry at = entry;
        while (at.height() > ancestor.height()) {
            Optional<Entry> parent = entry(at.header().parentHash());
            if (parent.isEmpty()) {
                return false;
            }
            at = parent.get();
        }
        return at == ancestor || java.util.Arrays.equals(at.hash(), ancestor.hash());
    }

    /** The block of {@code entry}'s chain with the greatest slot at or below {@code slot} (itself included). */
    public Optional<Entry> lastAtOrBeforeSlot(Entry entry, long slot) {
        Entry at = entry;
        while (at.header().slot() > slot) {
            Optional<Entry> parent = entry(at.header().parentHash());
            if (parent.isEmpty()) {
                return Optional.empty();
            }
            at = parent.get();
        }
        return Optional.of(at);
    }

    public Entry head() {
        return head;
    }

    public boolean contains(byte[] hash) {
        return lastAddedHash != null && java.util.Arrays.equals(lastAddedHash, hash) || entries.containsKey(HashKey.view(hash));
    }

    public Optional<Entry> entry(byte[] hash) {
        if (lastAddedHash != null && java.util.Arrays.equals(lastAddedHash, hash)) {
            return Optional.of(lastAdded);
        }
        return Optional.ofNullable(entries.get(HashKey.view(hash)));
    }

    /** How many blocks the tree holds, on every fork. */
    public int size() {
        return entries.size();
    }

    /**
     * The blocks from the last common ancestor of {@code from} and {@code to} (excluded) up to
     * {@code to}, lowest first: what becomes canonical when the head moves from {@code from} to {@code to}.
     * {@code abandoned} receives the blocks from {@code from} down to the ancestor (excluded), highest first.
     */
    public List<Entry> pathFromCommonAncestor(Entry from, Entry to, List<Entry> abandoned) {
        List<Entry> gained = new ArrayList<>();
        Entry a = from;
        Entry b = to;
        while (b.height() > a.height()) {
            gained.add(b);
            b = parentOf(b);
        }
        while (a.height() > b.height()) {
            abandoned.add(a);
            a = parentOf(a);
        }
        while (!java.util.Arrays.equals(a.hash(), b.hash())) {
            abandoned.add(a);
            gained.add(b);
            a = parentOf(a);
            b = parentOf(b);
        }
        Collections.reverse(gained);
        return gained;
    }

    private Entry parentOf(Entry entry) {
        return entry(entry.header().parentHash()).orElseThrow(() -> new IllegalStateException(
                "block " + entry.height() + " has no parent in the tree: a fork deeper than " + STATE_HISTORY + " blocks"));
    }

    @Override
    public Genesis genesis() {
        return genesis;
    }

    @Override
    public mvpos.chain.ChainDomain domain() {
        return domain;
    }

    @Override
    public Optional<Header> header(byte[] hash) {
        return entry(hash).map(Entry::header);
    }

    @Override
    public Optional<State> stateAfter(byte[] hash) {
        return entry(hash).map(Entry::state);
    }

    @Override
    public boolean verifySignature(byte[] publicKey, byte[] message, byte[] signature) {
        return verifier.verify(publicKey, message, signature);
    }
}
