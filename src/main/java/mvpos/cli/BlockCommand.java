package mvpos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mvpos block [N|latest]}: a block read from a node. */
@Command(name = "block", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints a block of the node's canonical chain: its header and its transactions.")
final class BlockCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "N|latest", defaultValue = "latest", arity = "0..1",
            description = "Height of the block (default: ${DEFAULT-VALUE}).")
    String id;

    @picocli.CommandLine.Mixin
    NodeOptions options;

    @Override
    public void run() {
        if (!id.equals("latest") && !id.matches("[0-9]{1,18}")) {
            throw new Main.UserError("'" + id + "' is not a block height or 'latest'");
        }
        JsonNode block = options.client().get("/blocks/" + id);
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            out.println(block);
            out.flush();
            return;
        }
        out.println("block     " + block.path("height").asLong());
        out.println("hash      " + block.path("hash").asText());
        out.println("parent    " + block.path("parentHash").asText());
        out.println("time      " + Instant.ofEpochMilli(block.path("timestamp").asLong()));
        out.println("proposer  " + block.path("proposer").asText());
        out.println("state     " + block.path("stateRoot").asText());
        JsonNode txs = block.path("transactions");
        out.println("transactions " + txs.size());
        for (JsonNode tx : txs) {
            out.printf("  %s %s %d from %s%s (nonce %d, fee %d)%n", tx.path("hash").asText(), tx.path("kind").asText(),
                    tx.path("amount").asLong(), tx.path("from").asText(),
                    tx.path("kind").asText().equals("transfer") ? " to " + tx.path("to").asText() : "",
                    tx.path("nonce").asLong(), tx.path("fee").asLong());
        }
        out.flush();
    }
}
