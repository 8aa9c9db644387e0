package mvpos.node;

import java.util.Arrays;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.SealRejection;

/**
 * What a block must be before its transactions run: on this chain, one higher than its parent, later
 * than it, sealed by the chain's engine (whose seal rules it passes), within the transaction limit, with
 * a body root that matches its body; and never a fork from below the finalized checkpoint.
 */
final class HeaderChecks {
    private final Genesis genesis;
    private final ConsensusEngine engine;
    private final long epochLength;
    private WeakSubjectivityCheckpoint trusted;

    HeaderChecks(Genesis genesis, ConsensusEngine engine, long epochLength) {
        this.genesis = genesis;
        this.engine = engine;
        this.epochLength = epochLength;
    }

    /** From now on, every block must keep to the history this checkpoint names. */
    void trust(WeakSubjectivityCheckpoint checkpoint) {
        if (epochLength < 1) {
            throw new IllegalArgumentException("a checkpoint needs a chain with finality epochs (--finality ffg)");
        }
        trusted = checkpoint;
    }

    /** Why the block may not follow {@code parent}, or empty. */
    Optional<BlockRejection> check(BlockTree tree, BlockTree.Entry parent, Block block, long nowMillis,
                                   NodeCore.Prechecked prechecked) {
        Header header = block.header();
        Header parentHeader = parent.header();
        if (!header.chainId().equals(genesis.chainId())) {
            return reject(BlockRejection.Reason.WRONG_CHAIN, "a block of chain '" + header.chainId() + "'");
        }
        if (header.height() != parentHeader.height() + 1) {
            return reject(BlockRejection.Reason.WRONG_HEIGHT, "height " + header.height() + " on a parent at height "
                    + parentHeader.height());
        }
        if (header.timestamp() <= parentHeader.timestamp()) {
            return reject(BlockRejection.Reason.BAD_TIMESTAMP, "timestamp not after its parent's");
        }
        if (!header.engine().equals(genesis.engine())) {
            return reject(BlockRejection.Reason.UNKNOWN_ENGINE, "sealed by engine '" + header.engine()
                    + "', this chain runs '" + genesis.engine() + "'");
        }
        if (block.transactions().size() > NodeCore.MAX_TXS_PER_BLOCK) {
            return reject(BlockRejection.Reason.TOO_MANY_TRANSACTIONS, block.transactions().size()
                    + " transactions, at most " + NodeCore.MAX_TXS_PER_BLOCK);
        }
        if (trusted != null) {
            Optional<BlockRejection> outside = trusted.check(parentHeader, header, epochLength);
            if (outside.isPresent()) {
                return outside;
            }
        }
        Optional<SealRejection> seal = engine.verifySeal(tree, parentHeader, header, nowMillis);
        if (seal.isPresent()) {
            return Optional.of(BlockRejection.seal(seal.get()));
        }
        byte[] bodyRoot = prechecked.bodyRoots().get(block);
        if (!Arrays.equals(header.bodyRoot(), bodyRoot != null ? bodyRoot : Block.bodyRoot(block.transactions(),
                block.votes()))) {
            return reject(BlockRejection.Reason.BAD_BODY_ROOT, "the body root does not match its transactions and votes");
        }
        return Optional.empty();
    }

    /** Fork choice never reverts a finalized block: nothing may fork from below it. */
    static boolean conflictsWithFinalized(BlockTree tree, Checkpoint finalized, Header header,
                                          Optional<BlockTree.Entry> parent) {
        Optional<BlockTree.Entry> finalizedBlock = tree.entry(finalized.hash());
        if (finalizedBlock.isEmpty()) {
            return false;
        }
        if (header.height() <= finalizedBlock.get().height()) {
            return true; // every block up to the finalized one is known already: this one is another fork
        }
        return parent.isPresent() && !tree.descendsFrom(parent.get(), finalizedBlock.get());
    }

    private static Optional<BlockRejection> reject(BlockRejection.Reason reason, String detail) {
        return Optional.of(new BlockRejection(reason, detail));
    }
}
