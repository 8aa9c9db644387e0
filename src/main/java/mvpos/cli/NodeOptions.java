package mvpos.cli;

import picocli.CommandLine.Option;

/** The options of every command that reads from a node: where it is, and JSON output. */
final class NodeOptions {
    @Option(names = "--node", paramLabel = "URL", defaultValue = ApiClient.DEFAULT_NODE,
            description = "The node's HTTP API (default: ${DEFAULT-VALUE}).")
    String node;

    @Option(names = "--json", description = "Print the node's JSON answer.")
    boolean json;

    ApiClient client() {
        return new ApiClient(node);
    }
}
