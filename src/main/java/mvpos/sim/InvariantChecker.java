package mvpos.sim;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.state.State;
import mvpos.state.StateTransition;
import java.util.function.Function;
import mvpos.crypto.Hex;
import mvpos.node.NodeCore;

/**
 * The safety invariants, checked on every honest node while a simulation runs: agreement (no two
 * conflicting finalized checkpoints, on any two nodes), finality never reverts on a node (its finalized
 * block stays on its chain and its finalized epoch never goes back), and every head is valid (it extends
 * a stored parent one height below), equal state roots for equal blocks (each block a node adds has
 * the state root its header commits to, and the same root on every node), supply conservation (each
 * block moves the tokens by exactly what it minted minus what it burned: {@link SupplyConservation})
 * and no honest validator signs a slashable pair ({@link HonestVotes}). The first violation is kept,
 * with the events that led to it.
 */
public final class InvariantChecker {
    /** What was broken, where and when, with the last events before it. */
    public record Violation(String invariant, String detail, long timeMillis, List<String> recentEvents) {
    }

    private record Finalized(int node, String hash, Predicate<String> onChainOfNode) {
    }

    private static final int RECENT = 12;
    private static final int REMEMBERED_ROOTS = 65_536;
    private static final String GENESIS = Hex.encode(Checkpoint.GENESIS_PLACEHOLDER);
    private final LongSupplier clock;
    private final TreeMap<Long, Finalized> finalizedByEpoch = new TreeMap<>();
    private final Map<Integer, Checkpoint> lastFinalized = new HashMap<>();
    private final Deque<String> recent = new ArrayDeque<>();
    private Violation violation;
    private final SupplyConservation supply = new SupplyConservation();
    private final HonestVotes honestVotes = new HonestVotes();
    /** Votes (and blocks) remembered as heard before all are forgotten (heard again, one is judged again). */
    static final int REMEMBERED = 1 << 18;
    /** Votes heard already, and whether an honest validator signed each. */
    private final Map<mvpos.crypto.HashKey, Boolean> heardBefore = new java.util.HashMap<>();
    /** Blocks whose votes were heard already (the first node to add a block hears them for all). */
    private final java.util.Set<mvpos.crypto.HashKey> blocksHeard = new java.util.HashSet<>();
    private final Map<HashKey, HashKey> rootByBlock = new HashMap<>();
    private final Function<byte[], Optional<StateTransition.Applied>> applied;
    private Map<Address, Integer> honestValidators = Map.of();

    public InvariantChecker(LongSupplier clock) {
        this(clock, hash -> Optional.empty());
    }

    /**
     * A checker that also checks supply conservation, with {@code applied} telling what applying a block
     * (by hash) minted and burned (empty: not known, that block is not checked).
     */
    public InvariantChecker(LongSupplier clock, Function<byte[], Optional<StateTransition.Applied>> applied) {
        this.clock = clock;
        this.applied = applied;
    }

    /** How many blocks added on nodes had their supply checked (the others' outcome was no longer known). */
    public long supplyChecks() {
        return supplyChecks;
    }

    private long supplyChecks;
    private long honestVotesHeard;

    /** How many times an honest validator's vote was heard (each compared with its others once). */
    public long honestVotesHeard() {
        return honestVotesHeard;
    }

    /** The honest validators whose signed votes are watched for slashable pairs ({@link #heard}), by address. */
    public void honestValidators(Map<Address, Integer> byAddress) {
        this.honestValidators = Map.copyOf(byAddress);
    }

    /** Watches node {@code index} (call again with the new core after a restart). */
    public void watch(NodeCore node, int index) {
        Predicate<String> onChain = hash -> onChain(node, hash);
        node.storeFinalized().ifPresent(c -> finalized(index, c.epoch(), Hex.encode(c.hash()), onChain));
        // The node's own finalized checkpoint (the highest it has seen finalized on any of its chains), not
        // its head state's: a head that moves to a sibling branch may carry an older finalized checkpoint in
        // its state while the node's finalized block stays on its chain.
        node.onFinalityChanged(change -> node.storeFinalized().ifPresent(c -> finalized(index, c.epoch(),
                Hex.encode(c.hash()), onChain)));
        node.onHeadChanged(change -> head(index, node, change));
        node.onBlockAdded(added -> blockAdded(index, node, added.block()));
    }

    /** A block node {@code index} added: its state root, its supply, the votes it carries. */
    private void blockAdded(int index, NodeCore node, Block block) {
        byte[] hash = block.hash();
        Optional<BlockTree.Entry> entry = node.tree().entry(hash);
        if (entry.isEmpty()) {
            return;
        }
        State post = entry.get().state();
        stateRoot(index, hash, block.height(), block.header().stateRoot(), post.root());
        Optional<StateTransition.Applied> outcome = applied.apply(hash);
        Optional<BlockTree.Entry> parent = node.tree().entry(block.header().parentHash());
        if (outcome.isPresent() && parent.isPresent()) {
            supplyChecks++;
            supply(index, hash, block.height(), supply.supply(parent.get().state()), supply.supply(post),
                    outcome.get().minted(), outcome.get().burned());
        }
        if (!block.votes().isEmpty()) {
            if (blocksHeard.size() >= REMEMBERED) {
                blocksHeard.clear();
            }
            if (blocksHeard.add(block.header().hashKey())) {
                for (Vote vote : block.votes()) {
                    heard(vote);
                }
            }
        }
    }

    /**
     * Node {@code node} holds block {@code blockHash} with the state whose root is {@code stateRoot}: it must
     * be the root the block's header commits to, and the root every other node has for that block.
     */
    public void stateRoot(int node, byte[] blockHash, long height, byte[] headerRoot, byte[] stateRoot) {
        String block = shortHash(Hex.encode(blockHash)) + " at height " + height;
        if (!Arrays.equals(headerRoot, stateRoot)) {
            fail("equal state roots for equal blocks", "node " + node + " holds block " + block + " with state root "
                    + shortHash(Hex.encode(stateRoot)) + ", but its header commits to "
                    + shortHash(Hex.encode(headerRoot)));
            return;
        }
        if (rootByBlock.size() >= REMEMBERED_ROOTS) {
            rootByBlock.clear(); // the blocks still arriving are recent ones
        }
        HashKey root = HashKey.of(stateRoot);
        HashKey before = rootByBlock.putIfAbsent(HashKey.of(blockHash), root);
        if (before != null && !before.equals(root)) {
            fail("equal state roots for equal blocks", "node " + node + " holds block " + block + " with state root "
                    + shortHash(Hex.encode(stateRoot)) + ", another node with " + shortHash(Hex.encode(before.bytes())));
        }
    }

    /** Node {@code node} added a block that took the supply from {@code before} to {@code after}. */
    public void supply(int node, byte[] blockHash, long height, long before, long after, long minted, long burned) {
        String wrong = SupplyConservation.violation(before, after, minted, burned);
        if (wrong != null) {
            fail("supply conservation", "on node " + node + ", block " + shortHash(Hex.encode(blockHash))
                    + " at height " + height + ": " + wrong);
        }
    }

    /** A signed vote seen anywhere (gossip, a block): an honest validator's must not be slashable with its others. */
    public void heard(Vote vote) {
        Boolean honest = heardBefore.get(vote.hashKey());
        if (honest != null) { // each vote is judged once, however many nodes hear it
            honestVotesHeard += honest ? 1 : 0;
            return;
        }
        if (heardBefore.size() >= REMEMBERED) {
            heardBefore.clear();
        }
        Integer node = honestValidators.get(vote.validator());
        heardBefore.put(vote.hashKey(), node != null);
        if (node == null) {
            return; // a byzantine validator, or not a validator here
        }
        honestVotesHeard++;
        honestVotes.observe(vote).ifPresent(earlier -> fail("no honest validator signs a slashable pair",
                "honest validator " + node + " (" + vote.validator() + ") signed " + describe(earlier) + " and "
                        + describe(vote)));
    }

    private static String describe(Vote v) {
        return v.sourceEpoch() + ":" + shortHash(Hex.encode(v.sourceHash())) + " -> " + v.targetEpoch() + ":"
                + shortHash(Hex.encode(v.targetHash()));
    }

    /** Whether the block {@code hash} is on the chain the node has now. */
    static boolean onChain(NodeCore node, String hash) {
        if (hash.equals(GENESIS)) {
            return true; // genesis's checkpoint, on every chain
        }
        try {
            Optional<Block> block = node.blockByHash(Hex.decode(hash));
            return block.isPresent() && node.blockAt(block.get().height())
                    .map(b -> Arrays.equals(b.hash(), block.get().hash())).orElse(false);
        } catch (mvpos.chain.ChainStore.StoreException e) {
            return false;
        }
    }

    /**
     * Node {@code node} finalized {@code (epoch, hash)}; {@code onChainOfNode} says whether a block is on
     * that node's chain. A conflict with what any node finalized, or a step back on this node, is a violation.
     */
    public void finalized(int node, long epoch, String hash, Predicate<String> onChainOfNode) {
        if (epoch == 0) {
            return; // the genesis epoch: finalized by definition, whatever block stands for it
        }
        note("node " + node + " finalized epoch " + epoch + " " + shortHash(hash));
        Checkpoint before = lastFinalized.get(node);
        if (before != null && before.epoch() == epoch && Hex.encode(before.hash()).equals(hash)) {
            return; // told again
        }
        if (before != null) {
            String beforeHash = Hex.encode(before.hash());
            if (epoch < before.epoch() || epoch == before.epoch() && !beforeHash.equals(hash)) {
                fail("finality never reverts", "node " + node + " finalized epoch " + epoch + " " + shortHash(hash)
                        + " after epoch " + before.epoch() + " " + shortHash(beforeHash));
            } else if (!onChainOfNode.test(beforeHash)) {
                fail("finality never reverts", "node " + node + " finalized epoch " + epoch + " " + shortHash(hash)
                        + ", which does not descend from its finalized epoch " + before.epoch() + " "
                        + shortHash(beforeHash));
            }
        }
        lastFinalized.put(node, new Checkpoint(epoch, Hex.decode(hash)));
        Finalized same = finalizedByEpoch.get(epoch);
        if (same != null && !same.hash().equals(hash)) {
            fail("agreement", "node " + same.node() + " finalized epoch " + epoch + " " + shortHash(same.hash())
                    + ", node " + node + " finalized epoch " + epoch + " " + shortHash(hash));
            return;
        }
        Map.Entry<Long, Finalized> lower = finalizedByEpoch.lowerEntry(epoch);
        if (lower != null && !onChainOfNode.test(lower.getValue().hash())) {
            fail("agreement", "node " + lower.getValue().node() + " finalized epoch " + lower.getKey() + " "
                    + shortHash(lower.getValue().hash()) + ", node " + node + " finalized epoch " + epoch + " "
                    + shortHash(hash) + " on a chain without it");
            return;
        }
        Map.Entry<Long, Finalized> higher = finalizedByEpoch.higherEntry(epoch);
        if (higher != null && !higher.getValue().onChainOfNode().test(hash)) {
            fail("agreement", "node " + higher.getValue().node() + " finalized epoch " + higher.getKey() + " "
                    + shortHash(higher.getValue().hash()) + " on a chain without epoch " + epoch + " "
                    + shortHash(hash) + ", which node " + node + " finalized");
            return;
        }
        if (same == null) {
            finalizedByEpoch.put(epoch, new Finalized(node, hash, onChainOfNode));
        }
    }

    private void head(int index, NodeCore node, NodeCore.HeadChanged change) {
        Block head = change.head();
        if (change.reorgDepth() > 0) {
            note("node " + index + " reorganised " + change.reorgDepth() + " deep to height " + head.height());
        }
        if (head.height() > 0) {
            boolean parentBelow;
            try {
                parentBelow = node.blockByHash(head.header().parentHash())
                        .map(p -> p.height() == head.height() - 1).orElse(false);
            } catch (mvpos.chain.ChainStore.StoreException e) {
                parentBelow = false;
            }
            if (!parentBelow) {
                fail("every head is valid", "node " + index + "'s head " + shortHash(Hex.encode(head.hash()))
                        + " at height " + head.height() + " does not extend a stored parent one height below");
            }
        }
        Checkpoint finalized = lastFinalized.get(index);
        if (finalized != null && !onChain(node, Hex.encode(finalized.hash()))) {
            fail("finality never reverts", "node " + index + " switched to head " + shortHash(Hex.encode(head.hash()))
                    + ", a chain without its finalized epoch " + finalized.epoch() + " "
                    + shortHash(Hex.encode(finalized.hash())));
        }
    }

    /** Something outside the checks broke a rule (an exception escaping a node, liveness). */
    public void fail(String invariant, String detail) {
        if (violation == null) {
            violation = new Violation(invariant, detail, clock.getAsLong(), List.copyOf(recent));
        }
    }

    private void note(String event) {
        if (recent.size() == RECENT) {
            recent.removeFirst();
        }
        recent.addLast(event);
    }

    /** Whether an invariant was violated (cheap enough to ask after every event). */
    public boolean violated() {
        return violation != null;
    }

    public Optional<Violation> violation() {
        return Optional.ofNullable(violation);
    }

    static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
