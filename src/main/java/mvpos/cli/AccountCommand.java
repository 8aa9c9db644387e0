package mvpos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import mvpos.crypto.Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mvpos account ADDR}: an account's balance, nonce, stake and unbonding tokens, read from a node. */
@Command(name = "account", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints an account's balance, nonce, stake and unbonding tokens (and when they are "
                + "released), as the node's head state has them.")
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
            if (account.path("slashed").asBoolean()) {
                out.println("slashed  yes: its stake was cut for a proven offence; it can never stake again");
            }
            long unbonding = account.path("unbonding").asLong();
            if (unbonding > 0) {
                JsonNode release = account.path("release");
                String when = release.has("atHeight") ? "joins the balance at height " + release.path("atHeight").asLong()
                        : release.path("releasable").asBoolean() ? "releasable now (it joins the balance with the "
                        + "account's next transaction)"
                        : "locked until epoch " + release.path("afterFinalizedEpoch").asLong() + " is finalized (now "
                        + release.path("finalizedEpoch").asLong() + ")"
                        + (release.path("stillCountedByADynasty").asBoolean() ? " and no dynasty counts it" : "");
                out.println("unbonding " + unbonding + ", " + when);
            }
        }
        out.flush();
    }
}
