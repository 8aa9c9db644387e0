package mvpos.node;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import mvpos.chain.SlashingEvidence;

/**
 * Who listens to a node, and telling them: head changes, finality moves, valid blocks added (on any
 * fork) and offences seen. Listeners are called on the caller's thread, in the order they were added.
 */
final class NodeEvents {
    private final List<Consumer<NodeCore.HeadChanged>> head = new ArrayList<>();
    private final List<Consumer<NodeCore.FinalityChanged>> finality = new ArrayList<>();
    private final List<Consumer<SlashingEvidence>> evidence = new ArrayList<>();
    private final List<Consumer<NodeCore.BlockAdded>> blocks = new ArrayList<>();

    void onHeadChanged(Consumer<NodeCore.HeadChanged> listener) {
        head.add(listener);
    }

    void onFinalityChanged(Consumer<NodeCore.FinalityChanged> listener) {
        finality.add(listener);
    }

    void onEvidence(Consumer<SlashingEvidence> listener) {
        evidence.add(listener);
    }

    void onBlockAdded(Consumer<NodeCore.BlockAdded> listener) {
        blocks.add(listener);
    }

    void headChanged(NodeCore.HeadChanged changed) {
        head.forEach(listener -> listener.accept(changed));
    }

    void finalityChanged(NodeCore.FinalityChanged changed) {
        finality.forEach(listener -> listener.accept(changed));
    }

    void evidence(SlashingEvidence seen) {
        evidence.forEach(listener -> listener.accept(seen));
    }

    /** Whether anyone listens for blocks added (so that the event is built only then). */
    boolean wantsBlocks() {
        return !blocks.isEmpty();
    }

    void blockAdded(NodeCore.BlockAdded added) {
        blocks.forEach(listener -> listener.accept(added));
    }
}
