package mvpos.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.state.BlockContext;
import mvpos.state.CasperFfg;
import mvpos.state.FinalityState;
import mvpos.state.GenesisState;
import mvpos.state.State;
import mvpos.state.StateTransition;

/**
 * A fork builder for Casper FFG tests of the state transition: block trees applied with the real
 * state transition (no node, no seals: the state transition does not check them), votes signed by the
 * validators' real keys, honest or not, and any stakes. Each {@link Node} is a block with the state
 * after it; a fork is simply two children of one node. For forks that nodes must accept (sealed
 * blocks, a node's vote intake, fork choice, store), see {@link FfgForks}.
 */
public final class FfgChain {
    public static final String CHAIN_ID = "ffg-test";
    public static final long RICH_BALANCE = 1_000_000_000L;

    /** A block in the tree and the state after it. */
    public record Node(Block block, State state, Node parent) {
        public FinalityState finality() {
            return state.finality().orElseThrow();
        }

        public long slot() {
            return block.header().slot();
        }

        public byte[] hash() {
            return block.hash();
        }

        /** Whether {@code ancestor} is this node or one of its ancestors. */
        public boolean descendsFrom(byte[] ancestorHash) {
            for (Node at = this; at != null; at = at.parent) {
                if (java.util.Arrays.equals(at.hash(), ancestorHash)) {
                    return true;
                }
            }
            return false;
        }

        /** Every node from genesis to this one. */
        public List<Node> path() {
            List<Node> path = new ArrayList<>();
            for (Node at = this; at != null; at = at.parent) {
                path.add(0, at);
            }
            return path;
        }
    }

    private final long epochLength;
    private final List<KeyPair> validators;
    private final List<KeyPair> rich;
    private final Genesis genesis;
    private final GenesisState genesisState;
    private final StateTransition rules;
    private final Node root;
    private final Map<Address, Long> nonces = new java.util.HashMap<>();

    /**
     * {@code stakes.length} validators with these stakes, {@code richAccounts} funded accounts without
     * stake, epochs of {@code epochLength} slots, keys from {@code seed}.
     */
    public FfgChain(long[] stakes, int richAccounts, long epochLength, long seed) {
        this.epochLength = epochLength;
        HashDrbg random = new HashDrbg(seed);
        this.validators = new ArrayList<>();
        this.rich = new ArrayList<>();
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (long stake : stakes) {
            KeyPair key = KeyPair.generate(random);
            validators.add(key);
            accounts.put(key.address(), new Account(1_000_000, 0, stake));
        }
        for (int i = 0; i < richAccounts; i++) {
            KeyPair key = KeyPair.generate(random);
            rich.add(key);
            accounts.put(key.address(), new Account(RICH_BALANCE, 0, 0));
        }
        this.genesis = new Genesis(CHAIN_ID, 1_700_000_000_000L, 0, 1_000, accounts, "poa",
                Map.of("authorities", validators.get(0).address().toString()))
                .withFinality(CasperFfg.NAME, Map.of(CasperFfg.EPOCH_LENGTH, Long.toString(epochLength)));
        this.genesisState = GenesisState.of(genesis);
        this.rules = StateTransition.of(genesis, genesisState.domain());
        this.root = new Node(genesisState.block(), genesisState.state(), null);
    }

    /** Equal stakes. */
    public static FfgChain equal(int validators, long stake, long epochLength, long seed) {
        long[] stakes = new long[validators];
        java.util.Arrays.fill(stakes, stake);
        return new FfgChain(stakes, 2, epochLength, seed);
    }

    public Node genesis() {
        return root;
    }

    public ChainDomain domain() {
        return genesisState.domain();
    }

    public StateTransition rules() {
        return rules;
    }

    public long epochLength() {
        return epochLength;
    }

    public KeyPair validator(int index) {
        return validators.get(index);
    }

    public int validators() {
        return validators.size();
    }

    public KeyPair rich(int index) {
        return rich.get(index);
    }

    /** What applying a block at {@code slot} on {@code parent} gives (votes and transactions as given). */
    public StateTransition.Outcome tryExtend(Node parent, long slot, List<Vote> votes, List<Transaction> txs) {
        BlockContext context = BlockContext.child(parent.block().header(), slot, validators.get(0).address());
        return rules.apply(parent.state(), context, txs, votes, StateTransition.SignatureCheck.direct(domain()));
    }

    /** A valid block at {@code slot} on {@code parent}; throws when the state transition refuses it. */
    public Node extend(Node parent, long slot, List<Vote> votes, List<Transaction> txs) {
        StateTransition.Outcome outcome = tryExtend(parent, slot, votes, txs);
        if (!(outcome instanceof StateTransition.Applied applied)) {
            throw new IllegalStateException("block at slot " + slot + " refused: " + outcome);
        }
        Header parentHeader = parent.block().header();
        Header header = new Header(CHAIN_ID, parentHeader.height() + 1, parent.hash(),
                genesis.timestamp() + slot * 1_000, slot, validators.get(0).address(), Block.bodyRoot(txs, votes),
                applied.stateRoot(), "poa", new byte[0], new byte[0]);
        return new Node(new Block(header, txs, votes), applied.postState(), parent);
    }

    /** An empty block at {@code slot} on {@code parent}. */
    public Node extend(Node parent, long slot) {
        return extend(parent, slot, List.of(), List.of());
    }

    /** A block on {@code parent} at {@code slot} carrying these votes. */
    public Node extend(Node parent, long slot, List<Vote> votes) {
        return extend(parent, slot, votes, List.of());
    }

    /**
     * The finality state a block at {@code slot} on {@code parent} would see after its epoch processing:
     * which votes it could count.
     */
    public FinalityState atSlot(Node parent, long slot) {
        return rules.atSlot(parent.state(), BlockContext.child(parent.block().header(), slot,
                validators.get(0).address())).finality();
    }

    /**
     * The honest vote of {@code validator} for the epoch of {@code slot} on the chain of {@code parent}:
     * target the epoch's checkpoint, source the justified checkpoint that chain has in that epoch.
     */
    public Vote honestVote(int validator, Node parent, long slot) {
        FinalityState f = atSlot(parent, slot);
        return vote(validator, f.currentJustified(), new Checkpoint(f.epoch(), f.currentTarget()));
    }

    /** Honest votes of these validators for the epoch of {@code slot} on the chain of {@code parent}. */
    public List<Vote> honestVotes(Node parent, long slot, int... voters) {
        List<Vote> votes = new ArrayList<>();
        for (int v : voters) {
            votes.add(honestVote(v, parent, slot));
        }
        return votes;
    }

    /** A vote of {@code validator} for any link. */
    public Vote vote(int validator, Checkpoint source, Checkpoint target) {
        return Vote.sign(validators.get(validator), domain(), source.epoch(), source.hash(), target.epoch(),
                target.hash());
    }

    /** Every validator index from 0 to n - 1. */
    public static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    /**
     * An honest epoch on {@code parent}: the first block of {@code epoch} (at its first slot), then, one
     * slot later, a block carrying the honest votes of {@code voters} for it. Returns that second block.
     */
    public Node honestEpoch(Node parent, long epoch, int... voters) {
        long first = epoch * epochLength;
        Node boundary = extend(parent, first);
        return extend(boundary, first + 1, honestVotes(boundary, first + 1, voters));
    }

    /** A signed transaction from {@code key} (its nonces counted here, per chain of blocks built). */
    public Transaction transaction(KeyPair key, long nonce, TxKind kind, Address to, long amount, byte[] data) {
        return Transaction.sign(key, domain(), nonce, kind, to, amount, 1, data);
    }

    public Transaction stake(KeyPair key, long nonce, long amount) {
        return transaction(key, nonce, TxKind.STAKE, null, amount, new byte[0]);
    }

    public Transaction unstake(KeyPair key, long nonce, long amount) {
        return transaction(key, nonce, TxKind.UNSTAKE, null, amount, new byte[0]);
    }

    public Transaction slash(KeyPair reporter, long nonce, Address offender, mvpos.chain.SlashingEvidence evidence) {
        return transaction(reporter, nonce, TxKind.SLASH, offender, 0, evidence.encode());
    }
}
