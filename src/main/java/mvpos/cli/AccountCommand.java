package mvpos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import mvpos.crypto.Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mvpos account ADDR}: an account's balance, nonce and stake, read from a node. */
@Command(name = "account", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints an account's balance, nonce and stake, as the node's head state has them.")
final class AccountCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ADDR", description = "The address (40 hex characters).")
    String address;

    @picocli.CommandLine.Mixin
    NodeOptions options;

    @Override
    public void run() {
        try {
            Address.parse(address);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        JsonNode account = options.client().get("/accounts/" + address);
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            out.println(account);
        } else {
            out.println("address  " + account.path("address").asText());
            out.println("balance  " + account.path("balance").asLong());
            out.println("stake    " + account.path("stake").asLong());
            out.println("nonce    " + account.path("nonce").asLong());
        }
        out.flush();
    }
}
