package mvpos.consensus;

import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.state.State;

/**
 * What an engine may read of the chain it works on: the genesis, headers of blocks the node knows (on
 * any fork), the state after each recent block, and a signature check that remembers what it has
 * already verified. Read only.
 */
public interface ChainView {

    Genesis genesis();

    /** The chain's signing domain (its id and genesis hash): what every seal and reveal signs over. */
    mvpos.chain.ChainDomain domain();

    /** The header of a known block, on any fork. */
    Optional<Header> header(byte[] hash);

    /**
     * The state after a known block. A node keeps the states of recent blocks (at least the last
     * {@link #STATE_HISTORY} heights below its head, on every fork), so an engine may look that far back.
     */
    Optional<State> stateAfter(byte[] hash);

    /** How many heights below the head a node keeps states for. */
    int STATE_HISTORY = 256;

    /** Verifies an Ed25519 signature; the node remembers valid ones, so none is verified twice. */
    boolean verifySignature(byte[] publicKey, byte[] message, byte[] signature);
}
