package mvpos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The wallet side of the HTTP API: GET and POST JSON, every failure one line for the user. */
final class ApiClient {
    static final String DEFAULT_NODE = "http://127.0.0.1:8545";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String node) {
        String url = node.endsWith("/") ? node.substring(0, node.length() - 1) : node;
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new Main.UserError("--node must be an http:// or https:// URL, got '" + node + "'");
        }
        this.base = url;
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    JsonNode post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        try {
            return URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--node '" + base + "' is not a valid URL");
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Main.UserError("cannot reach the node at " + base + "; is 'mvpos node --dev' running?");
        } catch (IOException e) {
            throw new Main.UserError("the node at " + base + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserError("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Main.UserError("the node at " + base + " answered something that is not JSON (HTTP "
                    + response.statusCode() + ")");
        }
        if (response.statusCode() >= 400) {
            JsonNode error = body == null ? null : body.get("error");
            throw new Main.UserError("the node says: " + (error == null ? "HTTP " + response.statusCode() : error.asText()));
        }
        return body;
    }
}
