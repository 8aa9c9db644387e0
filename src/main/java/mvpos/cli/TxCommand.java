package mvpos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import mvpos.api.TransactionJson;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.Address;
import mvpos.crypto.KeyFile;
import mvpos.crypto.KeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mvpos tx send|stake|unstake}: sign a transaction with a key file and submit it to a node. */
@Command(name = "tx",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Signed transactions: send tokens, stake them, unstake them.",
        subcommands = {TxCommand.Send.class, TxCommand.Stake.class, TxCommand.Unstake.class})
final class TxCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options every transaction takes. */
    static final class Common {
        @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
        picocli.CommandLine.Model.CommandSpec mixee;

        @Option(names = "--amount", paramLabel = "N", required = true, description = "Tokens (a whole number, 1 or more).")
        long amount;

        @Option(names = "--fee", paramLabel = "N", defaultValue = "1", description = "Fee for the block's proposer (default: ${DEFAULT-VALUE}).")
        long fee;

        @Option(names = "--key", paramLabel = "FILE", required = true, description = "The sender's key file.")
        Path key;

        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "Passphrase of a protected key file (or MVPOS_PASSPHRASE, or asked on the terminal).")
        Path passphraseFile;

        @Option(names = "--nonce", paramLabel = "N", description = "Nonce to use (default: the node's next nonce for the sender).")
        Long nonce;

        @Option(names = "--node", paramLabel = "URL", defaultValue = ApiClient.DEFAULT_NODE,
                description = "The node's HTTP API (default: ${DEFAULT-VALUE}).")
        String node;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        void submit(TxKind kind, Address to, PrintWriter out) {
            if (amount < 1) {
                throw Main.badValue(mixee, "--amount must be at least 1, got " + amount);
            }
            if (fee < 0) {
                throw Main.badValue(mixee, "--fee cannot be negative, got " + fee);
            }
            KeyPair keys = readKeys();
            ApiClient api = new ApiClient(node);
            JsonNode status = api.get("/status");
            mvpos.chain.ChainDomain domain = new mvpos.chain.ChainDomain(status.path("chainId").asText(),
                    mvpos.crypto.Hex.decode(status.path("genesis").asText()));
            long useNonce = nonce != null ? nonce : api.get("/accounts/" + keys.address()).path("nextNonce").asLong();
            Transaction tx = Transaction.sign(keys, domain, useNonce, kind, to, amount, fee);
            JsonNode answer = api.post("/transactions", TransactionJson.of(tx));
            if (json) {
                out.printf("{\"hash\":\"%s\",\"kind\":\"%s\",\"from\":\"%s\",\"nonce\":%d,\"amount\":%d,\"fee\":%d}%n",
                        answer.path("hash").asText(), kind.name().toLowerCase(java.util.Locale.ROOT), keys.address(),
                        useNonce, amount, fee);
            } else {
                String what = switch (kind) {
                    case TRANSFER -> "sent " + amount + " to " + to;
                    case STAKE -> "staked " + amount;
                    case UNSTAKE -> "unstaked " + amount;
                    case SLASH -> "reported " + to;
                    case ENGINE -> "sent an engine transaction";
                };
                out.printf("%s from %s (nonce %d, fee %d): transaction %s is pending%n", what, keys.address(), useNonce,
                        fee, answer.path("hash").asText());
            }
            out.flush();
        }

        private KeyPair readKeys() {
            String text = KeysCommand.readKeyFile(key);
            try {
                KeyFile.Document document = KeyFile.readPublic(text);
                char[] passphrase = null;
                if (KeyFile.isSealed(document)) {
                    passphrase = Passphrase.fromFileOrEnvironment(passphraseFile);
                    if (passphrase == null) {
                        passphrase = Passphrase.ask("Passphrase for " + key, false);
                    }
                }
                return KeyFile.read(text, passphrase);
            } catch (KeyFile.KeyFileException e) {
                throw new Main.UserError(key + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Transfers --amount tokens to --to.")
    static final class Send implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--to", paramLabel = "ADDR", required = true, description = "The recipient's address.")
        String to;

        @Mixin
        Common common;

        @Override
        public void run() {
            Address recipient;
            try {
                recipient = Address.parse(to);
            } catch (IllegalArgumentException e) {
                throw Main.badValue(spec, "--to: " + e.getMessage());
            }
            common.submit(TxKind.TRANSFER, recipient, spec.commandLine().getOut());
        }
    }

    @Command(name = "stake", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Moves --amount tokens from the balance to the stake.")
    static final class Stake implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        Common common;

        @Override
        public void run() {
            common.submit(TxKind.STAKE, null, spec.commandLine().getOut());
        }
    }

    @Command(name = "unstake", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Moves --amount tokens from the stake to unbonding: locked, and slashable, for 64 blocks, "
                + "then back in the balance.")
    static final class Unstake implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        Common common;

        @Override
        public void run() {
            common.submit(TxKind.UNSTAKE, null, spec.commandLine().getOut());
        }
    }
}
