package mvpos.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mvpos.chain.Clock;
import mvpos.chain.MemoryChainStore;
import mvpos.crypto.HashDrbg;
import mvpos.node.DevChain;
import mvpos.node.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A scrape of /metrics says what /status and /blocks/latest say, in the names Prometheus users expect. */
@Timeout(60)
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-z0-9_]+)\\{node=\"node\"\\} (\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void aScrapeAgreesWithStatus() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Clock clock = () -> now.addAndGet(1_000);
        DevChain chain = DevChain.prepare(dir, 1_000, "ffg", clock, new HashDrbg(2));
        try (Node node = Node.open(chain.genesis(), new MemoryChainStore(), clock, chain.devKey(), new HashDrbg(3));
             ApiServer api = ApiServer.start(node, "127.0.0.1", 0)) {
            for (int i = 0; i < 5 * DevChain.FFG_EPOCH_SLOTS; i++) {
                node.produceNow();
            }
            HttpResponse<String> scrape = get(api, "/metrics");
            JsonNode status = new ObjectMapper().readTree(get(api, "/status").body());
            JsonNode latest = new ObjectMapper().readTree(get(api, "/blocks/latest").body());

            assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            Map<String, Double> metrics = new HashMap<>();
            Matcher m = SAMPLE.matcher(scrape.body());
            while (m.find()) {
                metrics.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            assertThat(metrics.get("beacon_head_slot")).isEqualTo(latest.get("slot").asDouble());
            assertThat(metrics.get("mvpos_head_height")).isEqualTo(status.get("height").asDouble());
            assertThat(metrics.get("beacon_finalized_epoch")).isEqualTo(status.get("finalized").get("epoch").asDouble())
                    .isPositive();
            assertThat(metrics.get("beacon_current_justified_epoch"))
                    .isEqualTo(status.get("justified").get("epoch").asDouble());
            assertThat(metrics.get("beacon_reorgs_total")).isZero();
            assertThat(metrics.get("libp2p_peers")).isZero();
            assertThat(metrics.get("mvpos_blocks_imported_total")).isEqualTo(status.get("height").asDouble());
            assertThat(metrics.get("mvpos_mempool_size")).isEqualTo(status.get("pendingTransactions").asDouble());
            assertThat(scrape.body()).contains("mvpos_block_import_delay_seconds_count{node=\"node\"} "
                    + status.get("height").asLong());
            everyMetricTheDocsAndTheDashboardNameIsScraped(scrape.body());
        }
    }

    /** docs/metrics.md and the Grafana dashboard name only metrics that a scrape has. */
    private static void everyMetricTheDocsAndTheDashboardNameIsScraped(String scrape) throws Exception {
        Pattern name = Pattern.compile("\\b((?:beacon|libp2p|mvpos)_[a-z0-9_]+)");
        for (String doc : java.util.List.of("docs/metrics.md", "docs/grafana/mvpos.json")) {
            Matcher m = name.matcher(java.nio.file.Files.readString(Path.of(doc)));
            int found = 0;
            while (m.find()) {
                String metric = m.group(1).replaceAll("_(bucket|count|sum)$", "");
                assertThat(scrape).as(doc + " names " + metric).contains(metric);
                found++;
            }
            assertThat(found).as(doc).isGreaterThan(5);
        }
    }

    private static HttpResponse<String> get(ApiServer api, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
