package mvpos.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.ChainStore;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.node.NodeCore;
import mvpos.node.SlashingProtection;
import mvpos.node.Validator;
import mvpos.state.FinalityState;

/**
 * Casper FFG forks built on a real node: a proof-of-authority chain of {@code n} validators with
 * finality epochs, blocks made by the validators' own {@link Validator#produce} (sealed, checked and
 * added by a real {@link NodeCore}, carrying the votes of its pool that count on their chain), votes
 * signed by the validators' real keys. Branches have names: {@code "main"} starts at genesis;
 * {@link #fork} starts another at the tip of one on the same node (one node seeing both), and
 * {@link #partition} on a node of its own (one side of a partition). A slot is used once over all branches (as in a
 * partition, where each side has the slots of its own authorities), so no authority equivocates
 * unless a test makes it. (For the state transition alone, with any stakes and unsealed blocks, see
 * {@link FfgChain}.) Build branches side by side, epoch by epoch, as a partition does: the node
 * counts no vote whose target is more than two epochs behind its head's epoch.
 *
 * <pre>
 * FfgForks forks = FfgForks.poa(4, 4, 7);
 * forks.epochs("main", 3, 0, 1, 2, 3);          // three epochs, everyone voting: justified and finalized
 * forks.partition("lone", "main", 0).partition("rest", "main", 1, 2, 3);
 * for (int i = 0; i < 3; i++) {                 // side by side, epoch by epoch
 *     forks.epochs("lone", 1, 0).epochs("rest", 1, 1, 2, 3);
 * }
 * forks.finalized("rest");                       // later than forks.finalized("lone")
 * forks.blocks("lone");                          // to replay on another node
 * </pre>
 */
public final class FfgForks {
    /** Genesis time; a block at slot {@code s} is made at {@link #millis(long) T0 + s * SLOT + 10}. */
    public static final long T0 = 1_700_000_000_000L;
    public static final long SLOT = 1_000;
    public static final String MAIN = "main";

    /** A branch: the node that builds it (shared by forks, one of its own for a side of a partition), its tip. */
    private record Branch(NodeCore node, List<Validator> validators, BlockTree.Entry tip, int[] producers) {
        Branch at(BlockTree.Entry newTip) {
            return new Branch(node, validators, newTip, producers);
        }
    }

    private final Genesis genesis;
    private final NodeCore node;
    private final List<KeyPair> keys;
    private final long epochLength;
    private final long seed;
    private final Map<String, Branch> branches = new HashMap<>();
    private final Set<Long> usedSlots = new HashSet<>();
    private long now = T0;

    private FfgForks(int validatorCount, long epochLength, String forkChoice, long seed) throws ChainStore.StoreException {
        this.epochLength = epochLength;
        this.seed = seed;
        HashDrbg random = new HashDrbg(seed);
        this.keys = new ArrayList<>();
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (int i = 0; i < validatorCount; i++) {
            KeyPair key = KeyPair.generate(random);
            keys.add(key);
            accounts.put(key.address(), new Account(1_000, 0, 1_000));
        }
        String authorities = String.join(",", accounts.keySet().stream().map(Address::toString).toList());
        Genesis g = new Genesis("ffg-forks", T0, 0, SLOT, accounts, "poa", Map.of("authorities", authorities))
                .withFinality("ffg", Map.of("epochLength", Long.toString(epochLength)));
        this.genesis = forkChoice == null ? g : g.withForkChoice(forkChoice, Map.of());
        this.node = NodeCore.open(genesis, new MemoryChainStore());
        BlockTree.Entry root = node.tree().entry(node.head().hash()).orElseThrow();
        branches.put(MAIN, new Branch(node, validatorsOf(node), root, range(validatorCount)));
        usedSlots.add(0L);
    }

    /** {@code validators} equal validators (stake 1000 each), epochs of {@code epochLength} slots, the default fork choice. */
    public static FfgForks poa(int validators, long epochLength, long seed) throws ChainStore.StoreException {
        return new FfgForks(validators, epochLength, null, seed);
    }

    /** The same with the fork-choice rule {@code forkChoice} ({@code "lmd-ghost"}, {@code "heaviest"}). */
    public static FfgForks poa(int validators, long epochLength, String forkChoice, long seed)
            throws ChainStore.StoreException {
        return new FfgForks(validators, epochLength, forkChoice, seed);
    }

    private List<Validator> validatorsOf(NodeCore on) {
        List<Validator> validators = new ArrayList<>();
        for (KeyPair key : keys) {
            validators.add(Validator.honest(on, key, SlashingProtection.inMemory(), new HashDrbg(seed + 1), 1));
        }
        return validators;
    }

    private static int[] range(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    private Branch branch(String name) {
        Branch branch = branches.get(name);
        if (branch == null) {
            throw new IllegalArgumentException("no branch '" + name + "' (there are " + branches.keySet() + ")");
        }
        return branch;
    }

    /**
     * A new branch {@code name} starting at the tip of {@code from}, built by the same node (which sees
     * both and chooses between them), on which only the validators {@code producers} make blocks (all of
     * them when none is given).
     */
    public FfgForks fork(String name, String from, int... producers) {
        Branch parent = branch(from);
        add(name, new Branch(parent.node(), parent.validators(), parent.tip(), producers(producers)));
        return this;
    }

    /**
     * A new branch {@code name} starting at the tip of {@code from}, built by a node of its own that
     * holds {@code from}'s blocks up to there and never hears of any other branch: one side of a
     * partition. Unlike a {@link #fork}, each side may finalize what the other's node would refuse.
     * Votes not yet carried by a block of {@code from} stay with {@code from}'s node.
     */
    public FfgForks partition(String name, String from, int... producers) throws ChainStore.StoreException {
        Branch parent = branch(from);
        NodeCore side = NodeCore.open(genesis, new MemoryChainStore());
        for (Block block : blocks(from)) {
            NodeCore.BlockResult result = side.addBlock(block, now);
            if (!(result instanceof NodeCore.Added)) {
                throw new IllegalStateException("a new side refused block " + block.height() + ": " + result);
            }
        }
        add(name, new Branch(side, validatorsOf(side), side.tree().entry(parent.tip().hash()).orElseThrow(),
                producers(producers)));
        return this;
    }

    private int[] producers(int[] given) {
        return given.length == 0 ? range(keys.size()) : given;
    }

    private void add(String name, Branch branch) {
        if (branches.containsKey(name)) {
            throw new IllegalArgumentException("branch '" + name + "' exists already");
        }
        branches.put(name, branch);
    }

    /**
     * {@code blocks} blocks on the tip of {@code branch}, each at the next slot no branch used whose
     * authority is one of the branch's producers.
     */
    public FfgForks extend(String branch, int blocks) throws ChainStore.StoreException {
        for (int i = 0; i < blocks; i++) {
            next(branch);
        }
        return this;
    }

    /** Blocks on {@code branch} until its tip is in epoch {@code epoch} or later. */
    public FfgForks extendToEpoch(String branch, long epoch) throws ChainStore.StoreException {
        while (tip(branch).header().slot() < epoch * epochLength) {
            next(branch);
        }
        return this;
    }

    private Block next(String name) throws ChainStore.StoreException {
        Branch branch = branch(name);
        for (long slot = branch.tip().header().slot() + 1; slot < branch.tip().header().slot() + 1_000; slot++) {
            if (usedSlots.contains(slot)) {
                continue;
            }
            for (int producer : branch.producers()) {
                Optional<Block> block = branch.validators().get(producer).produce(branch.tip(), millis(slot));
                if (block.isPresent()) {
                    usedSlots.add(slot);
                    now = Math.max(now, millis(slot));
                    branches.put(name, branch.at(branch.node().tree().entry(block.get().hash()).orElseThrow()));
                    return block.get();
                }
            }
        }
        throw new IllegalStateException("no free slot for the producers of branch '" + name + "'");
    }

    /**
     * {@code count} epochs on {@code branch}: each time, blocks until the tip is in the next epoch, the
     * honest votes of {@code voters} for it, and one more block (which carries them).
     */
    public FfgForks epochs(String branch, int count, int... voters) throws ChainStore.StoreException {
        for (int i = 0; i < count; i++) {
            extendToEpoch(branch, epochOf(tip(branch)) + 1);
            voteHonestly(branch, voters);
            extend(branch, 1);
        }
        return this;
    }

    /**
     * The honest votes of {@code voters} for the epoch of {@code branch}'s tip, offered to the node: the
     * source is the justified checkpoint the branch has in that epoch, the target the epoch's checkpoint
     * on the branch, the head the tip.
     */
    public List<Vote> voteHonestly(String branch, int... voters) {
        BlockTree.Entry tip = branch(branch).tip();
        NodeCore node = branch(branch).node();
        FinalityState f = finality(branch);
        List<Vote> votes = new ArrayList<>();
        for (int v : voters) {
            Vote vote = sign(v, f.currentJustified(), new Checkpoint(f.epoch(), f.currentTarget()), tip.hash());
            NodeCore.VoteOutcome outcome = node.addVote(vote, now);
            if (!(outcome instanceof NodeCore.VoteAccepted)) {
                throw new IllegalStateException("the node refused an honest vote of validator " + v + ": " + outcome);
            }
            votes.add(vote);
        }
        return votes;
    }

    /**
     * A vote of {@code validator} for any link, signed, offered to the node of {@code branch}; what the
     * node made of it.
     */
    public NodeCore.VoteOutcome vote(String branch, int validator, Checkpoint source, Checkpoint target) {
        return branch(branch).node().addVote(sign(validator, source, target), now);
    }

    /** A vote of {@code validator} for any link (its head the target), signed but not offered to anyone. */
    public Vote sign(int validator, Checkpoint source, Checkpoint target) {
        return sign(validator, source, target, target.hash());
    }

    /** A vote of {@code validator} for any link naming {@code head} as its head, signed but not offered. */
    public Vote sign(int validator, Checkpoint source, Checkpoint target, byte[] head) {
        return Vote.sign(keys.get(validator), domain(), source.epoch(), source.hash(), target.epoch(), target.hash(),
                head);
    }

    /** The tip of {@code branch}. */
    public Block tip(String branch) {
        return branch(branch).tip().block();
    }

    /** The tip of {@code branch} as the node's tree holds it (its state, its weight). */
    public BlockTree.Entry tipEntry(String branch) {
        return branch(branch).tip();
    }

    /** The finality state after {@code branch}'s tip. */
    public FinalityState finality(String branch) {
        return branch(branch).tip().state().finality().orElseThrow();
    }

    /** The justified checkpoint after {@code branch}'s tip. */
    public Checkpoint justified(String branch) {
        return finality(branch).currentJustified();
    }

    /** The finalized checkpoint after {@code branch}'s tip. */
    public Checkpoint finalized(String branch) {
        return finality(branch).finalized();
    }

    /** The epoch of a block's slot. */
    public long epochOf(Block block) {
        return block.header().slot() / epochLength;
    }

    /** The blocks of {@code branch} from height 1 to its tip (genesis left out), in order. */
    public List<Block> blocks(String branch) throws ChainStore.StoreException {
        return blocks(branch, 1);
    }

    /** The blocks of {@code branch} from height {@code from} to its tip, in order. */
    public List<Block> blocks(String branch, long from) throws ChainStore.StoreException {
        List<Block> chain = new ArrayList<>();
        for (Block at = tip(branch); at.height() >= from; ) {
            chain.add(0, at);
            if (at.height() == 0) {
                break;
            }
            at = branch(branch).node().blockByHash(at.header().parentHash()).orElseThrow();
        }
        return chain;
    }

    /** The height of the last block {@code a} and {@code b} share. */
    public long forkHeight(String a, String b) throws ChainStore.StoreException {
        List<Block> one = blocks(a, 0);
        List<Block> other = blocks(b, 0);
        int shared = 0;
        while (shared < Math.min(one.size(), other.size())
                && Arrays.equals(one.get(shared).hash(), other.get(shared).hash())) {
            shared++;
        }
        return shared - 1;
    }

    /** The checkpoint of {@code epoch} on {@code branch}: its last block before the epoch's first slot. */
    public Checkpoint checkpoint(String branch, long epoch) throws ChainStore.StoreException {
        Block last = null;
        for (Block b : blocks(branch, 0)) {
            if (b.header().slot() < epoch * epochLength) {
                last = b;
            }
        }
        return new Checkpoint(epoch, last.hash());
    }

    /** The first epoch whose checkpoints differ between {@code a} and {@code b}. */
    public long firstDivergentEpoch(String a, String b) throws ChainStore.StoreException {
        for (long epoch = 1; ; epoch++) {
            if (!checkpoint(a, epoch).equals(checkpoint(b, epoch))) {
                return epoch;
            }
        }
    }

    /** The time of a block at {@code slot}: 10 ms into it (on time). */
    public static long millis(long slot) {
        return T0 + slot * SLOT + 10;
    }

    /** The time of the latest block made so far: the clock to give nodes that are handed these blocks. */
    public long now() {
        return now;
    }

    /** The node that built {@code "main"} and its {@link #fork forks} (it holds their blocks and votes). */
    public NodeCore node() {
        return node;
    }

    /** The node that built {@code branch}. */
    public NodeCore node(String branch) {
        return branch(branch).node();
    }

    public Genesis genesis() {
        return genesis;
    }

    public ChainDomain domain() {
        return node.domain();
    }

    public KeyPair key(int validator) {
        return keys.get(validator);
    }

    public long epochLength() {
        return epochLength;
    }
}
