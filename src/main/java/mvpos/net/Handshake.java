package mvpos.net;

import java.util.Arrays;
import java.util.Optional;
import mvpos.crypto.Hex;

/**
 * Decides whether a peer's {@link Frame.Hello} lets a connection open: the same protocol version,
 * chain and genesis as this node's own hello, and not this node itself. The reasons are sent to the
 * peer, so they speak from this node's side ("expected chain 'a', not 'b'").
 */
final class Handshake {
    private final Frame.Hello ours;

    Handshake(Frame.Hello ours) {
        this.ours = ours;
    }

    Frame.Hello ours() {
        return ours;
    }

    /** Why the connection must close, or empty when the peer may stay. */
    Optional<String> refusal(Frame.Hello theirs) {
        if (theirs.protocolVersion() != ours.protocolVersion()) {
            return Optional.of("expected protocol version " + ours.protocolVersion() + ", not "
                    + theirs.protocolVersion());
        }
        if (!theirs.chainId().equals(ours.chainId())) {
            return Optional.of("expected chain '" + ours.chainId() + "', not '" + theirs.chainId() + "'");
        }
        if (!Arrays.equals(theirs.genesisHash(), ours.genesisHash())) {
            return Optional.of("expected genesis " + Hex.encode(ours.genesisHash()) + ", not "
                    + Hex.encode(theirs.genesisHash()));
        }
        if (Arrays.equals(theirs.nodeId(), ours.nodeId())) {
            return Optional.of("connected to itself");
        }
        return Optional.empty();
    }
}
