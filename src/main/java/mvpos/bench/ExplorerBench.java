package mvpos.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import mvpos.api.StrictJson;
import mvpos.api.explorer.DevnetFeed;
import mvpos.api.explorer.Explorer;
import mvpos.api.explorer.ExplorerServer;
import mvpos.sim.Devnet;

/**
 * {@code mvpos bench explorer}: the explorer of a devnet that has made {@code blocks} blocks, in
 * headless Chromium. Measures the page's first drawing of the fork tree (from navigation start, as the
 * page itself reports it), how long a new block takes from the explorer hearing of its import to being
 * drawn in an open page, and how long a {@code /metrics} scrape takes over loopback.
 */
public final class ExplorerBench {
    /** What to run. */
    public record Config(int blocks, int validators, int loads, int liveBlocks, int scrapes, long seed) {
    }

    private ExplorerBench() {
    }

    public static void run(Config config, Consumer<String> out) throws Exception {
        long slot = 1_000;
        Devnet devnet = new Devnet(Devnet.Config.seeded("pos", config.validators(), slot, config.seed()).withFfg(8),
                head -> { });
        Explorer explorer = DevnetFeed.attach(devnet, StrictJson.mapper(), System::currentTimeMillis);
        long built = System.nanoTime();
        devnet.run(config.blocks(), 0);
        out.accept(String.format("devnet: %d blocks (%d known to the explorer, on every fork) in %.1f s",
                explorer.views().get(0).head().height(), explorer.catalog().size(), (System.nanoTime() - built) / 1e9));
        try (ExplorerServer server = ExplorerServer.start(explorer, "127.0.0.1", 0);
             DevTools browser = DevTools.start()) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            browser.call("Page.enable", java.util.Map.of());
            browser.navigate(url);
            double cold = browser.awaitNumber("window.mvposFirstTreeMs", Duration.ofSeconds(30));
            out.accept(String.format("first load (server and browser cold): fork tree drawn %.0f ms after navigation start",
                    cold));
            double[] firstTree = new double[config.loads()];
            double[] firstPaint = new double[config.loads()];
            for (int i = 0; i < config.loads(); i++) {
                browser.navigate("about:blank");
                browser.navigate(url);
                firstTree[i] = browser.awaitNumber("window.mvposFirstTreeMs", Duration.ofSeconds(30));
                firstPaint[i] = browser.awaitNumber("(performance.getEntriesByName('first-contentful-paint')[0]||{}).startTime",
                        Duration.ofSeconds(10));
            }
            if (System.getenv("MVPOS_BENCH_DEBUG") != null) {
                out.accept(browser.evaluate("JSON.stringify(performance.getEntries().map(e => [e.entryType, e.name.slice(-60), "
                        + "Math.round(e.startTime), Math.round(e.responseEnd || e.duration)]))").asText());
            }
            out.accept(String.format("then %d loads: first contentful paint median %.0f ms, max %.0f ms",
                    config.loads(), median(firstPaint), max(firstPaint)));
            out.accept(String.format("fork tree drawn with %d blocks known, from navigation start: median %.0f ms, "
                    + "max %.0f ms (target: under 1,000 ms)", explorer.catalog().size(), median(firstTree), max(firstTree)));

            for (int i = 0; i < config.liveBlocks(); i++) {
                devnet.advance(slot);
                Thread.sleep(100);
            }
            double[] live = browser.awaitLatencies(config.liveBlocks() / 2);
            out.accept(String.format("new block drawn after the explorer heard of its import, %d blocks: median %.0f ms, "
                    + "p90 %.0f ms, max %.0f ms (target: within 500 ms)", live.length, median(live), percentile(live, 0.9),
                    max(live)));
            scrape(server.port(), config.scrapes(), out, explorer);
        }
    }

    private static void scrape(int port, int scrapes, Consumer<String> out, Explorer explorer) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        for (int i = 0; i < 20; i++) {
            http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        double[] millis = new double[scrapes];
        int bytes = 0;
        for (int i = 0; i < scrapes; i++) {
            long start = System.nanoTime();
            bytes = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        double[] render = new double[scrapes];
        for (int i = 0; i < scrapes; i++) {
            long start = System.nanoTime();
            explorer.metrics().scrape();
            render[i] = (System.nanoTime() - start) / 1e6;
        }
        out.accept(String.format("/metrics scrape over loopback (%d bytes, %d views), %d scrapes: median %.2f ms, "
                        + "p90 %.2f ms, p99 %.2f ms; of which writing the metrics: median %.3f ms (target: under 10 ms)", bytes,
                explorer.views().size(), scrapes, median(millis), percentile(millis, 0.9), percentile(millis, 0.99),
                median(render)));
    }

    static double median(double[] values) {
        return percentile(values, 0.5);
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
