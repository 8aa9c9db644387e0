package mvpos.net;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a message into frames a peer accepts: a {@link Message.Blocks} over {@link WireFormat#MAX_BLOCKS}
 * blocks or over the frame size is sent as several, each with consecutive blocks lowest first, so the
 * receiver can place them in order; any other message over the frame size is
 * not sent (and logged).
 */
final class OutgoingFrames {
    private static final Logger log = LoggerFactory.getLogger("mvpos.net");

    private OutgoingFrames() {
    }

    /** The frames carrying {@code message}; without any single block or other message over {@code maxFrameBytes}. */
    static List<byte[]> of(Message message, int maxFrameBytes) {
        List<byte[]> frames = new ArrayList<>();
        add(message, maxFrameBytes, frames);
        return frames;
    }

    private static void add(Message message, int maxFrameBytes, List<byte[]> frames) {
        if (message instanceof Message.Blocks blocks && blocks.blocks().size() > WireFormat.MAX_BLOCKS) {
            split(blocks, maxFrameBytes, frames);
            return;
        }
        byte[] bytes = WireFormat.encode(message);
        if (bytes.length <= maxFrameBytes) {
            frames.add(bytes);
        } else if (message instanceof Message.Blocks blocks && blocks.blocks().size() > 1) {
            split(blocks, maxFrameBytes, frames);
        } else {
            log.warn("not sending a {} of {} bytes: over the {}-byte frame limit",
                    message.getClass().getSimpleName(), bytes.length, maxFrameBytes);
        }
    }

    private static void split(Message.Blocks blocks, int maxFrameBytes, List<byte[]> frames) {
        int half = blocks.blocks().size() / 2;
        add(new Message.Blocks(blocks.blocks().subList(0, half)), maxFrameBytes, frames);
        add(new Message.Blocks(blocks.blocks().subList(half, blocks.blocks().size())), maxFrameBytes, frames);
    }
}
