package mvpos.api.explorer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events to the open pages: each page gets its own bounded queue, filled without waiting
 * by whoever publishes (a node's thread) and drained by the page's own request thread. A page that does
 * not read fills its queue and is dropped (it reconnects and reloads what it missed); the node never
 * waits for a page, and memory is bounded by {@link #MAX_SUBSCRIBERS} x {@link #QUEUE_EVENTS}.
 */
public final class EventHub {
    private static final Logger log = LoggerFactory.getLogger("mvpos.explorer");
    /** Most pages following events at once; more are refused (503) until one leaves. */
    public static final int MAX_SUBSCRIBERS = 64;
    /** Events queued for one page before it counts as not reading. */
    public static final int QUEUE_EVENTS = 4_096;
    /** A comment line is sent after this much silence, so that a closed page is noticed. */
    static final long PING_MILLIS = 10_000;

    private static final String OVERFLOW = "\u0000overflow";
    private final ObjectMapper json;
    private final Set<BlockingQueue<String>> subscribers = new CopyOnWriteArraySet<>();

    public EventHub(ObjectMapper json) {
        this.json = json;
    }

    /** Whether any page listens (publishers skip the work of encoding otherwise). */
    public boolean listened() {
        return !subscribers.isEmpty();
    }

    /** Sends an event to every page; never blocks. */
    public void publish(String event, Object data) {
        if (subscribers.isEmpty()) {
            return;
        }
        String frame;
        try {
            frame = "event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            log.warn("cannot encode a {} event: {}", event, e.getMessage());
            return;
        }
        for (BlockingQueue<String> queue : subscribers) {
            if (!queue.offer(frame)) {
                queue.clear();
                queue.offer(OVERFLOW);
            }
        }
    }

    /** Whether one more page may subscribe. */
    public boolean hasRoom() {
        return subscribers.size() < MAX_SUBSCRIBERS;
    }

    /**
     * Streams events to one page on the calling thread until the page goes away, stops reading, or the
     * thread is interrupted. {@code hello} is sent first (what the page needs to start).
     */
    public void stream(OutputStream out, Object hello) throws IOException {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_EVENTS);
        subscribers.add(queue);
        try {
            write(out, "retry: 1000\nevent: hello\ndata: " + json.writeValueAsString(hello) + "\n\n");
            while (!Thread.currentThread().isInterrupted()) {
                String frame = queue.poll(PING_MILLIS, TimeUnit.MILLISECONDS);
                if (frame == OVERFLOW) {
                    log.info("an explorer page stopped reading its events; it was dropped");
                    return;
                }
                write(out, frame == null ? ": ping\n\n" : frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            subscribers.remove(queue);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public int subscribers() {
        return subscribers.size();
    }
}
