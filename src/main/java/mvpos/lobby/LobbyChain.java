package mvpos.lobby;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The lobby's chain: a genesis block and the blocks the rounds appended, each linked to the one
 * before by index and hash. Every block that enters, from a round, from disk or from anywhere else,
 * is checked link by link with {@link #checkLink}.
 */
public final class LobbyChain {
    private final List<LobbyBlock> blocks = new ArrayList<>();

    private LobbyChain() {
    }

    /** A chain of just the genesis block, stamped {@code millis}; hashed after it is filled in. */
    public static LobbyChain startingAt(long millis) {
        LobbyChain chain = new LobbyChain();
        chain.blocks.add(LobbyBlock.create(0, formatTimestamp(millis), 0, "", ""));
        return chain;
    }

    /** Rebuilds a chain from blocks, checking the genesis block and every link. */
    public static LobbyChain of(List<LobbyBlock> blocks) throws InvalidChainException {
        if (blocks.isEmpty()) {
            throw new InvalidChainException("the chain has no genesis block");
        }
        LobbyBlock genesis = blocks.get(0);
        if (genesis.index() != 0 || !genesis.prevHash().isEmpty() || !genesis.hasValidHash()) {
            throw new InvalidChainException("block 0 is not a valid genesis block");
        }
        LobbyChain chain = new LobbyChain();
        chain.blocks.add(genesis);
        for (int i = 1; i < blocks.size(); i++) {
            chain.append(blocks.get(i));
        }
        return chain;
    }

    /** Why {@code block} cannot follow {@code parent}, or empty when it can. */
    public static Optional<String> checkLink(LobbyBlock parent, LobbyBlock block) {
        if (block.index() != parent.index() + 1) {
            return Optional.of("block " + block.index() + " does not follow block " + parent.index());
        }
        if (!block.prevHash().equals(parent.hash())) {
            return Optional.of("block " + block.index() + " does not point to the hash of block " + parent.index());
        }
        if (!block.hasValidHash()) {
            return Optional.of("block " + block.index() + " has a hash that does not match its contents");
        }
        return Optional.empty();
    }

    /** Appends a block after checking its link to the head. */
    public void append(LobbyBlock block) throws InvalidChainException {
        Optional<String> problem = checkLink(head(), block);
        if (problem.isPresent()) {
            throw new InvalidChainException(problem.get());
        }
        blocks.add(block);
    }

    /** The candidate block a validator proposes on top of the current head. */
    public LobbyBlock propose(long millis, int bpm, String validator) {
        LobbyBlock head = head();
        return LobbyBlock.create(head.index() + 1, formatTimestamp(millis), bpm, head.hash(), validator);
    }

    public LobbyBlock head() {
        return blocks.get(blocks.size() - 1);
    }

    public int size() {
        return blocks.size();
    }

    public List<LobbyBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    static String formatTimestamp(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
