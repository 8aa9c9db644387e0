package mvpos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium, driven through its DevTools protocol over the JDK's own WebSocket: enough
 * to open a page and evaluate expressions in it, so that a benchmark can read what the page measured.
 * Started with a fresh profile and the flags that keep it off the network; closed with its process.
 */
final class DevTools implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private DevTools(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts the browser with one blank page and connects to that page. */
    static DevTools start() throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IOException("no headless Chromium at " + CHROMIUM + "; install it with: apt-get install chromium");
        }
        Path profile = Files.createTempDirectory("mvpos-bench-chromium-");
        Process process = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,900", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank").redirectErrorStream(true).start();
        String endpoint = null;
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (endpoint == null && System.nanoTime() < deadline) {
            String line = lines.readLine();
            if (line == null) {
                break;
            }
            int at = line.indexOf("ws://");
            if (line.contains("DevTools listening on") && at >= 0) {
                endpoint = line.substring(at).trim();
            }
        }
        if (endpoint == null) {
            process.destroyForcibly();
            throw new IOException("Chromium did not open its DevTools port");
        }
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) {
                    // Chromium's own log: not needed
                }
            } catch (IOException e) {
                // closed
            }
        }, "chromium-log");
        drain.setDaemon(true);
        drain.start();
        URI browser = URI.create(endpoint);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority()
                + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
        String pageSocket = null;
        for (JsonNode target : new ObjectMapper().readTree(list.body())) {
            if ("page".equals(target.path("type").asText())) {
                pageSocket = target.path("webSocketDebuggerUrl").asText();
            }
        }
        if (pageSocket == null) {
            process.destroyForcibly();
            throw new IOException("Chromium has no page to drive");
        }
        DevTools[] holder = new DevTools[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    holder[0].received(message.toString());
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).join();
        holder[0] = new DevTools(process, profile, socket);
        return holder[0];
    }

    private void received(String text) {
        try {
            JsonNode message = json.readTree(text);
            if (message.has("id")) {
                CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
                if (reply != null) {
                    reply.complete(message);
                }
            }
        } catch (IOException e) {
            // not JSON: ignored
        }
    }

    /** Sends a DevTools command and waits for its reply. */
    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(json.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).join();
        JsonNode answer = reply.get(30, TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IOException(method + ": " + answer.get("error"));
        }
        return answer.get("result");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression in the page (null when undefined). */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        return result.path("result").path("value");
    }

    /** Waits until the expression is a number in the page; returns it. */
    double awaitNumber(String expression, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode value = evaluate(expression);
            if (value.isNumber()) {
                return value.asDouble();
            }
            Thread.sleep(20);
        }
        throw new IOException("the page did not set " + expression + " within " + wait);
    }

    /** The page's recorded live-block latencies, once at least {@code count} are there. */
    double[] awaitLatencies(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode value = evaluate("window.mvposLatencies || []");
            if (value.isArray() && value.size() >= count) {
                double[] latencies = new double[value.size()];
                for (int i = 0; i < latencies.length; i++) {
                    latencies[i] = value.get(i).asDouble();
                }
                return latencies;
            }
            Thread.sleep(50);
        }
        throw new IOException("the page drew fewer than " + count + " live blocks within 30 s");
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
