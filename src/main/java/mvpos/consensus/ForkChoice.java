package mvpos.consensus;

/**
 * A fork-choice rule: which block of a node's {@link BlockTree} is its head. The tree asks the rule
 * after each block it adds ({@link #afterAdd}) and when the anchor (the justified checkpoint every head
 * must descend from) or the rule's inputs (latest votes, proposer boost) change ({@link #choose}).
 *
 * <p>Rules are named in genesis ({@code forkChoice.name}) and with {@code --fork-choice}; see
 * {@link ForkChoices}. A rule is deterministic: the same tree, anchor and inputs give the same head;
 * ties keep the current head, then go to the block the tree received first (except the heaviest chain
 * with {@code tieBreak: uniform}, where the node's secret, an input too, decides).
 */
public interface ForkChoice {

    /** The name genesis and {@code --fork-choice} use. */
    String name();

    /**
     * The head among {@code tree}'s blocks descending from its anchor ({@link BlockTree#anchor()};
     * every block when the tree is not anchored). {@code current} is the head now.
     */
    BlockTree.Entry choose(BlockTree tree, BlockTree.Entry current);

    /** The head after {@code added} joined the tree; by default the full {@link #choose}. */
    default BlockTree.Entry afterAdd(BlockTree tree, BlockTree.Entry added, BlockTree.Entry current) {
        return choose(tree, current);
    }

    /** Whether the head may move without a block being added (votes or a proposer boost weigh in). */
    default boolean usesVotes() {
        return false;
    }
}
