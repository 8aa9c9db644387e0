package mvpos.lobby;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The chain as the one line of JSON the tutorial broadcasts ({@code [{"Index":0,...},...]}).
 * Each block is serialised once, when it is appended; a broadcast copies the bytes once and every
 * client is sent that same array.
 */
final class ChainJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private byte[] line;

    ChainJson(List<LobbyBlock> blocks) {
        blocks.forEach(this::append);
    }

    void append(LobbyBlock block) {
        body.write(body.size() == 0 ? '[' : ',');
        try {
            body.writeBytes(MAPPER.writeValueAsBytes(block));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a lobby block could not be written as JSON", e);
        }
        line = null;
    }

    /** {@code "\n[...]\n"}: a leading newline so the JSON never shares a line with a prompt. */
    byte[] line() {
        if (line == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 3);
            out.write('\n');
            out.writeBytes(body.toByteArray());
            out.write(']');
            out.write('\n');
            line = out.toByteArray();
        }
        return line;
    }
}
