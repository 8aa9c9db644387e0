package mvpos.node;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config.json} of a node's home: where it listens for peers ({@code bind}:{@code p2pPort}),
 * where it serves its HTTP API ({@code apiBind}:{@code apiPort}), the bootstrap peers it dials first
 * ({@code host:port} each) and its data directory (relative to the home unless absolute).
 *
 * <pre>{@code
 * {
 *   "p2pPort" : 30300,
 *   "apiPort" : 30301,
 *   "bind" : "127.0.0.1",
 *   "apiBind" : "127.0.0.1",
 *   "peers" : [ "127.0.0.1:30302", "127.0.0.1:30304" ],
 *   "data" : "chain"
 * }
 * }</pre>
 *
 * A port of 0 means "any free port" (useful in tests; such a node cannot be anyone's bootstrap peer).
 * The constructor checks every field and throws {@link IllegalArgumentException} with a one-line
 * reason that names the field.
 */
@JsonPropertyOrder({"p2pPort", "apiPort", "bind", "apiBind", "peers", "data"})
public record NodeConfig(int p2pPort, int apiPort, String bind, String apiBind, List<String> peers, String data) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final String DEFAULT_DATA = "chain";
    /** More bootstrap peers than this in one file is a mistake, not a network. */
    public static final int MAX_PEERS = 10_000;

    public NodeConfig {
        requirePort("p2pPort", p2pPort);
        requirePort("apiPort", apiPort);
        bind = requireBind("bind", bind == null ? DEFAULT_BIND : bind);
        apiBind = requireBind("apiBind", apiBind == null ? DEFAULT_BIND : apiBind);
        if (p2pPort != 0 && p2pPort == apiPort) {
            throw new IllegalArgumentException("\"p2pPort\" and \"apiPort\" are both " + p2pPort
                    + "; the peer port and the API port must differ");
        }
        peers = peers == null ? List.of() : peers;
        if (peers.size() > MAX_PEERS) {
            throw new IllegalArgumentException("\"peers\" lists " + peers.size() + " addresses; at most " + MAX_PEERS);
        }
        List<String> normalised = new ArrayList<>(peers.size());
        for (int i = 0; i < peers.size(); i++) {
            String peer = peers.get(i);
            if (peer == null) {
                throw new IllegalArgumentException("\"peers\"[" + i + "] is null; write each peer as \"host:port\"");
            }
            try {
                normalised.add(PeerAddress.parse(peer).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"peers\"[" + i + "]: " + e.getMessage());
            }
        }
        peers = List.copyOf(normalised);
        data = data == null ? DEFAULT_DATA : data;
        if (data.isBlank() || data.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("\"data\" must name a folder (relative to the node's home, or absolute)");
        }
    }

    /** A node listening on loopback with the default data directory. */
    public static NodeConfig of(int p2pPort, int apiPort, List<String> peers) {
        return new NodeConfig(p2pPort, apiPort, DEFAULT_BIND, DEFAULT_BIND, peers, DEFAULT_DATA);
    }

    /** The bootstrap peers, parsed. */
    @JsonIgnore
    public List<PeerAddress> peerAddresses() {
        return peers.stream().map(PeerAddress::parse).toList();
    }

    /** This configuration with other ports (command-line overrides); {@code null} keeps a port. */
    public NodeConfig withPorts(Integer newP2pPort, Integer newApiPort) {
        return new NodeConfig(newP2pPort == null ? p2pPort : newP2pPort, newApiPort == null ? apiPort : newApiPort,
                bind, apiBind, peers, data);
    }

    /** This configuration with more bootstrap peers (those already listed are not repeated). */
    public NodeConfig withMorePeers(List<String> more) {
        List<String> all = new ArrayList<>(peers);
        for (String peer : more) {
            String normalised = PeerAddress.parse(peer).toString();
            if (!all.contains(normalised)) {
                all.add(normalised);
            }
        }
        return new NodeConfig(p2pPort, apiPort, bind, apiBind, all, data);
    }

    private static void requirePort(String field, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("\"" + field + "\" must be a port from 0 to 65535, not " + port);
        }
    }

    private static String requireBind(String field, String value) {
        String host = value.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!PeerAddress.isHost(host)) {
            throw new IllegalArgumentException("\"" + field + "\" must be an address to listen on (such as 127.0.0.1 "
                    + "or 0.0.0.0), not '" + value + "'");
        }
        return host;
    }
}
