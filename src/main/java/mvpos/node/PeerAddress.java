package mvpos.node;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a peer listens: a host (a name, an IPv4 address, or an IPv6 address) and a TCP port from 1
 * to 65535. Written {@code host:port}, with an IPv6 address in brackets: {@code [::1]:30300}.
 * Parsing never resolves the name; that happens when the node dials.
 */
public record PeerAddress(String host, int port) {
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(?:%[A-Za-z0-9_.-]{1,32})?");

    public PeerAddress {
        if (!isHost(host)) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /** Reads {@code host:port} or {@code [ipv6]:port}; the message of the exception says what is wrong. */
    public static PeerAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an empty peer address; write it as host:port");
        }
        String value = text.strip();
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not host:port (an IPv6 address is written [::1]:30300)");
            }
            host = value.substring(1, close);
            if (!host.contains(":")) {
                throw new IllegalArgumentException("'" + text + "' has brackets around something that is not an IPv6 address");
            }
            port = value.substring(close + 2);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' has no port; write it as host:port");
            }
            host = value.substring(0, colon);
            if (host.contains(":")) {
                throw new IllegalArgumentException("'" + text + "' is not host:port (an IPv6 address is written [::1]:30300)");
            }
            port = value.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no host; write it as host:port");
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("'" + text + "' has no valid port after the ':' (1 to 65535)");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + number + " is not between 1 and 65535");
        }
        if (!isHost(host)) {
            throw new IllegalArgumentException("'" + text + "': '" + host + "' is not a host name or IP address");
        }
        return new PeerAddress(host, number);
    }

    /** True for a host name, an IPv4 address or an IPv6 address (without brackets). */
    public static boolean isHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.contains(":")) {
            return IPV6.matcher(host).matches();
        }
        return HOST_NAME.matcher(host).matches();
    }

    /** The address a listener on {@code bind} is reached at: a wildcard address means this machine. */
    public static String reachableHost(String bind) {
        String value = bind.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "0.0.0.0", "*", "" -> "127.0.0.1";
            case "::", "[::]", "::0" -> "::1";
            default -> bind.strip();
        };
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
