package mvpos.net;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Sha256;

/**
 * The bytes of a {@link Frame} on the wire: one type byte, then the canonical encoding of its content
 * (a block's, a vote's, a transaction's own encoding; a tagged encoding for the others; nothing for a
 * ping). The length prefix around it belongs to the transport, not to this format.
 *
 * <p>{@link #decode} accepts exactly what {@link #encode} writes: anything else (an unknown type,
 * trailing bytes, a count or length over the limits below) is a {@link MalformedEncodingException}
 * with a one-line reason, and never any other exception.
 */
public final class WireFormat {
    /** Most blocks in one {@link Message.Blocks}. */
    public static final int MAX_BLOCKS = 64;
    /** Bytes of a {@link Frame.Hello#nodeId()}. */
    public static final int NODE_ID_BYTES = 16;
    /** Longest chain id a hello may name (the longest a genesis allows). */
    public static final int MAX_CHAIN_ID_LENGTH = 64;
    /** Longest reason a {@link Frame.Disconnect} carries, in characters. */
    public static final int MAX_REASON_LENGTH = 256;
    /** Longest reason {@link #decode} gives for refusing bytes, in characters. */
    public static final int MAX_PROBLEM_LENGTH = 160;

    static final byte HELLO = 0x01;
    static final byte DISCONNECT = 0x02;
    static final byte PING = 0x03;
    static final byte NEW_BLOCK = 0x10;
    static final byte GET_BLOCK = 0x11;
    static final byte NEW_VOTE = 0x12;
    static final byte NEW_TRANSACTION = 0x13;
    static final byte BLOCKS = 0x14;
    static final byte STATUS = 0x15;
    static final byte GET_BLOCKS = 0x16;
    static final byte GET_PEERS = 0x17;
    static final byte PEERS = 0x18;
    static final byte ENGINE = 0x19;
    /** Most addresses in one peer exchange, and the longest address. */
    public static final int MAX_PEER_ADDRESSES = 64;
    static final int MAX_ADDRESS_LENGTH = 100;

    private static final String HELLO_TAG = "mvpos.net.hello.v1";
    private static final String DISCONNECT_TAG = "mvpos.net.disconnect.v1";
    private static final String GET_BLOCK_TAG = "mvpos.net.getblock.v1";
    private static final String BLOCKS_TAG = "mvpos.net.blocks.v1";
    private static final String STATUS_TAG = "mvpos.net.status.v1";
    private static final String GET_BLOCKS_TAG = "mvpos.net.getblocks.v1";
    private static final String PEERS_TAG = "mvpos.net.peers.v1";

    private WireFormat() {
    }

    /** The bytes of a message. */
    public static byte[] encode(Message message) {
        return encode(new Frame.Payload(message));
    }

    /**
     * The bytes of a frame.
     *
     * @throws IllegalArgumentException for a frame {@link #decode} would refuse: more than
     *                                  {@link #MAX_BLOCKS} blocks, a hash or node id of the wrong size,
     *                                  a chain id too long, a port out of range
     */
    public static byte[] encode(Frame frame) {
        return switch (frame) {
            case Frame.Hello hello -> typed(HELLO, encodeHello(hello));
            case Frame.Disconnect disconnect ->
                    typed(DISCONNECT, CanonicalEncoder.tagged(DISCONNECT_TAG).writeString(disconnect.reason()).toBytes());
            case Frame.Ping ping -> new byte[] {PING};
            case Frame.Payload payload -> encodeMessage(payload.message());
        };
    }

    private static byte[] encodeMessage(Message message) {
        return switch (message) {
            case Message.NewBlock m -> typed(NEW_BLOCK, m.block().encode());
            case Message.GetBlock m -> {
                byte[] hash = m.hash();
                require(hash.length == Sha256.LENGTH, "a block hash has " + hash.length + " bytes");
                yield typed(GET_BLOCK, CanonicalEncoder.tagged(GET_BLOCK_TAG).writeBytes(hash).toBytes());
            }
            case Message.NewVote m -> typed(NEW_VOTE, m.vote().encode());
            case Message.NewTransaction m -> typed(NEW_TRANSACTION, m.transaction().encode());
            case Message.EngineMessage m -> typed(ENGINE, m.payload());
            case Message.Status m -> {
                require(m.height() >= 0 && m.headHash().length == Sha256.LENGTH, "a status of height " + m.height());
                yield typed(STATUS, CanonicalEncoder.tagged(STATUS_TAG).writeLong(m.height()).writeBytes(m.headHash())
                        .toBytes());
            }
            case Message.GetPeers m -> new byte[] {GET_PEERS};
            case Message.Peers m -> {
                require(m.addresses().size() <= MAX_PEER_ADDRESSES, m.addresses().size() + " peer addresses, over "
                        + MAX_PEER_ADDRESSES);
                CanonicalEncoder out = CanonicalEncoder.tagged(PEERS_TAG).writeInt(m.addresses().size());
                for (String address : m.addresses()) {
                    require(address.length() <= MAX_ADDRESS_LENGTH, "a peer address of " + address.length() + " characters");
                    out.writeString(address);
                }
                yield typed(PEERS, out.toBytes());
            }
            case Message.GetBlocks m -> {
                require(m.fromHeight() >= 0 && m.count() >= 1 && m.count() <= MAX_BLOCKS,
                        "a request for " + m.count() + " blocks from " + m.fromHeight());
                yield typed(GET_BLOCKS, CanonicalEncoder.tagged(GET_BLOCKS_TAG).writeLong(m.fromHeight())
                        .writeInt(m.count()).toBytes());
            }
            case Message.Blocks m -> {
                List<Block> blocks = m.blocks();
                require(blocks.size() <= MAX_BLOCKS, blocks.size() + " blocks in one message, over " + MAX_BLOCKS);
                CanonicalEncoder out = CanonicalEncoder.tagged(BLOCKS_TAG).writeInt(blocks.size());
                for (Block block : blocks) {
                    out.writeBytes(block.encode());
                }
                yield typed(BLOCKS, out.toBytes());
            }
        };
    }

    private static byte[] encodeHello(Frame.Hello hello) {
        require(hello.chainId().length() <= MAX_CHAIN_ID_LENGTH, "a chain id over " + MAX_CHAIN_ID_LENGTH
                + " characters");
        require(hello.genesisHash().length == Sha256.LENGTH, "a genesis hash has " + hello.genesisHash().length
                + " bytes");
        require(hello.nodeId().length == NODE_ID_BYTES, "a node id has " + hello.nodeId().length + " bytes");
        require(hello.listenPort() >= 1 && hello.listenPort() <= 65_535, "port " + hello.listenPort());
        return CanonicalEncoder.tagged(HELLO_TAG).writeInt(hello.protocolVersion()).writeString(hello.chainId())
                .writeBytes(hello.genesisHash()).writeInt(hello.listenPort()).writeBytes(hello.nodeId()).toBytes();
    }

    /**
     * Reads one frame; throws {@link MalformedEncodingException} saying in one line (at most
     * {@link #MAX_PROBLEM_LENGTH} characters, control characters escaped) what is wrong with the bytes.
     */
    public static Frame decode(byte[] bytes) {
        try {
            return decodeFrame(bytes);
        } catch (MalformedEncodingException e) {
            throw new MalformedEncodingException(oneLine(e.getMessage()));
        }
    }

    /** A problem as one short line: the decoders quote what they found, and a peer chooses those bytes. */
    private static String oneLine(String problem) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < problem.length() && line.length() < MAX_PROBLEM_LENGTH; i++) {
            char c = problem.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.length() < MAX_PROBLEM_LENGTH ? line.toString() : line.substring(0, MAX_PROBLEM_LENGTH) + "...";
    }

    private static Frame decodeFrame(byte[] bytes) {
        if (bytes.length == 0) {
            throw new MalformedEncodingException("an empty frame");
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        return switch (bytes[0]) {
            case HELLO -> decodeHello(body);
            case DISCONNECT -> decodeDisconnect(body);
            case PING -> {
                check(body.length == 0, body.length + " unexpected bytes after a ping");
                yield new Frame.Ping();
            }
            case NEW_BLOCK -> new Frame.Payload(new Message.NewBlock(Block.decode(body)));
            case GET_BLOCK -> {
                CanonicalDecoder in = CanonicalDecoder.tagged(body, GET_BLOCK_TAG);
                byte[] hash = in.readBytes();
                in.end();
                check(hash.length == Sha256.LENGTH, "a block hash has " + hash.length + " bytes");
                yield new Frame.Payload(new Message.GetBlock(hash));
            }
            case NEW_VOTE -> new Frame.Payload(new Message.NewVote(Vote.decode(body)));
            case STATUS -> {
                CanonicalDecoder in = CanonicalDecoder.tagged(body, STATUS_TAG);
                long height = in.readLong();
                byte[] hash = in.readBytes();
                in.end();
                check(height >= 0 && hash.length == Sha256.LENGTH, "a status of height " + height + " with a "
                        + hash.length + "-byte hash");
                yield new Frame.Payload(new Message.Status(height, hash));
            }
            case GET_PEERS -> {
                check(body.length == 0, body.length + " unexpected bytes after a peers request");
                yield new Frame.Payload(new Message.GetPeers());
            }
            case PEERS -> {
                CanonicalDecoder in = CanonicalDecoder.tagged(body, PEERS_TAG);
                int count = in.readInt();
                check(count >= 0 && count <= MAX_PEER_ADDRESSES, count + " peer addresses");
                List<String> addresses = new java.util.ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    String address = in.readString();
                    check(address.length() <= MAX_ADDRESS_LENGTH, "a peer address of " + address.length() + " characters");
                    addresses.add(address);
                }
                in.end();
                yield new Frame.Payload(new Message.Peers(addresses));
            }
            case GET_BLOCKS -> {
                CanonicalDecoder in = CanonicalDecoder.tagged(body, GET_BLOCKS_TAG);
                long from = in.readLong();
                int count = in.readInt();
                in.end();
                check(from >= 0 && count >= 1 && count <= MAX_BLOCKS, "a request for " + count + " blocks from " + from);
                yield new Frame.Payload(new Message.GetBlocks(from, count));
            }
            case NEW_TRANSACTION -> new Frame.Payload(new Message.NewTransaction(Transaction.decode(body)));
            case BLOCKS -> new Frame.Payload(new Message.Blocks(decodeBlocks(body)));
            case ENGINE -> {
                check(body.length > 0 && body.length <= Message.EngineMessage.MAX_BYTES, "an engine message of "
                        + body.length + " bytes");
                yield new Frame.Payload(new Message.EngineMessage(body));
            }
            default -> throw new MalformedEncodingException(String.format("unknown frame type 0x%02x", bytes[0]));
        };
    }

    private static Frame.Hello decodeHello(byte[] body) {
        CanonicalDecoder in = CanonicalDecoder.tagged(body, HELLO_TAG);
        int protocolVersion = in.readInt();
        String chainId = in.readString();
        byte[] genesisHash = in.readBytes();
        int listenPort = in.readInt();
        byte[] nodeId = in.readBytes();
        in.end();
        check(chainId.length() <= MAX_CHAIN_ID_LENGTH, "a chain id over " + MAX_CHAIN_ID_LENGTH + " characters");
        check(genesisHash.length == Sha256.LENGTH, "a genesis hash has " + genesisHash.length + " bytes");
        check(listenPort >= 1 && listenPort <= 65_535, "listen port " + listenPort + " out of range");
        check(nodeId.length == NODE_ID_BYTES, "a node id has " + nodeId.length + " bytes");
        return new Frame.Hello(protocolVersion, chainId, genesisHash, listenPort, nodeId);
    }

    private static Frame.Disconnect decodeDisconnect(byte[] body) {
        CanonicalDecoder in = CanonicalDecoder.tagged(body, DISCONNECT_TAG);
        String reason = in.readString();
        in.end();
        check(reason.length() <= MAX_REASON_LENGTH, "a disconnect reason over " + MAX_REASON_LENGTH + " characters");
        return new Frame.Disconnect(reason);
    }

    private static List<Block> decodeBlocks(byte[] body) {
        CanonicalDecoder in = CanonicalDecoder.tagged(body, BLOCKS_TAG);
        int count = in.readInt();
        check(count >= 0 && count <= MAX_BLOCKS, count + " blocks in one message, not 0 to " + MAX_BLOCKS);
        List<Block> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            blocks.add(Block.decode(in.readBytes()));
        }
        in.end();
        return blocks;
    }

    private static byte[] typed(byte type, byte[] content) {
        byte[] bytes = new byte[content.length + 1];
        bytes[0] = type;
        System.arraycopy(content, 0, bytes, 1, content.length);
        return bytes;
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("cannot send " + problem);
        }
    }

    private static void check(boolean condition, String problem) {
        if (!condition) {
            throw new MalformedEncodingException(problem);
        }
    }
}
