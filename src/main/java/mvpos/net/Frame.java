package mvpos.net;

import java.util.Arrays;
import java.util.Objects;
import mvpos.crypto.Hex;

/**
 * What one length-prefixed frame between two {@link TcpNetwork}s carries: a {@link Message} of the
 * layer above, or one of the transport's own frames (the handshake, a farewell, a keep-alive).
 * {@link WireFormat} gives each its bytes.
 */
public sealed interface Frame {

    /**
     * The first frame each side sends: who it is and which chain it follows. The dialer sends its
     * hello first; the side that accepted answers with its own hello only when it accepts the dialer's.
     *
     * @param listenPort the port the sender accepts peers on (its peers name it by this port)
     * @param nodeId     {@link WireFormat#NODE_ID_BYTES} random bytes drawn at start, to recognise a
     *                   connection to oneself or a second connection to the same node
     */
    record Hello(int protocolVersion, String chainId, byte[] genesisHash, int listenPort, byte[] nodeId)
            implements Frame {
        public Hello {
            Objects.requireNonNull(chainId, "chainId");
            genesisHash = genesisHash.clone();
            nodeId = nodeId.clone();
        }

        @Override
        public byte[] genesisHash() {
            return genesisHash.clone();
        }

        @Override
        public byte[] nodeId() {
            return nodeId.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hello h && protocolVersion == h.protocolVersion && chainId.equals(h.chainId)
                    && Arrays.equals(genesisHash, h.genesisHash) && listenPort == h.listenPort
                    && Arrays.equals(nodeId, h.nodeId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(protocolVersion, chainId, Arrays.hashCode(genesisHash), listenPort,
                    Arrays.hashCode(nodeId));
        }

        @Override
        public String toString() {
            return "Hello[protocol " + protocolVersion + ", chain " + chainId + ", genesis " + Hex.encode(genesisHash)
                    + ", port " + listenPort + ", node " + Hex.encode(nodeId) + "]";
        }
    }

    /**
     * The last frame before the sender closes the connection, saying why. A longer reason is cut to
     * {@link WireFormat#MAX_REASON_LENGTH} characters.
     */
    record Disconnect(String reason) implements Frame {
        public Disconnect {
            reason = cut(Objects.requireNonNull(reason, "reason"));
        }

        private static String cut(String reason) {
            if (reason.length() <= WireFormat.MAX_REASON_LENGTH) {
                return reason;
            }
            int end = WireFormat.MAX_REASON_LENGTH;
            if (Character.isHighSurrogate(reason.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            return reason.substring(0, end);
        }
    }

    /** Sent by a side that has written nothing for half the idle timeout, so that an idle but honest peer stays. */
    record Ping() implements Frame {
    }

    /** A message of the layer above. */
    record Payload(Message message) implements Frame {
        public Payload {
            Objects.requireNonNull(message, "message");
        }
    }
}
