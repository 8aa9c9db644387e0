package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import mvpos.crypto.HashDrbg;
import mvpos.node.DevChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad flag or value is one line and exit code 2, and a flag that cannot apply says why instead of
 * being ignored: what a new user found ({@code tx send --to nothex} exited 1 with two lines;
 * {@code node --dev --finality ffg} on an existing chain ran without finality, silently).
 */
class OneLineErrorsTest {
    @TempDir
    Path dir;

    private static void assertOneLineBadValue(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("mvpos: error: ").contains(fragments).doesNotContain("Try ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aRecipientThatIsNotHexIsABadValue() throws Exception {
        Path key = dir.resolve("k.key");
        assertThat(CliRun.run("keys", "new", "--out", key.toString()).exitCode()).isZero();

        CliRun run = CliRun.run("tx", "send", "--to", "nothex", "--amount", "1", "--key", key.toString(),
                "--node=http://127.0.0.1:1");

        assertOneLineBadValue(run, "--to: ", "(see 'mvpos tx send --help')");
    }

    @Test
    void anAmountBelowOneIsABadValue() throws Exception {
        Path key = dir.resolve("k.key");
        CliRun.run("keys", "new", "--out", key.toString());

        assertOneLineBadValue(CliRun.run("tx", "stake", "--amount", "0", "--key", key.toString()),
                "--amount must be at least 1, got 0");
    }

    @Test
    void aParseErrorIsOneLineThatSaysWhereToLook() {
        assertOneLineBadValue(CliRun.run("lobby", "--round", "fast"), "'fast' is not a duration",
                "(see 'mvpos lobby --help')");
        assertOneLineBadValue(CliRun.run("tx", "send", "--amount", "1"), "Missing required option");
    }

    @Test
    void finalityOnAnExistingChainWithoutItCannotApplyAndSaysWhy() throws Exception {
        Path data = dir.resolve("dev");
        DevChain.prepare(data, 1000, "none", () -> 1_700_000_000_000L, new HashDrbg(1));

        CliRun run = CliRun.run("node", "--dev", "--data", data.toString(), "--finality", "ffg", "--api-port", "0");

        assertOneLineBadValue(run, "--finality ffg cannot apply: the chain in " + data
                + " was created with finality none");
        assertThat(Files.exists(data.resolve("chain"))).as("nothing was opened").isFalse();
    }

    @Test
    void aBlockTimeOtherThanTheChainsCannotApply() throws Exception {
        Path data = dir.resolve("dev");
        DevChain.prepare(data, 1000, "none", () -> 1_700_000_000_000L, new HashDrbg(1));

        assertOneLineBadValue(CliRun.run("node", "--dev", "--data", data.toString(), "--block-time", "2s",
                "--api-port", "0"), "--block-time 2s cannot apply", "a block every 1s");
    }

    @Test
    void optionsOfTheOtherModeCannotApply() {
        assertOneLineBadValue(CliRun.run("node", "--home", dir.toString(), "--finality", "ffg"),
                "--finality cannot apply with --home");
        assertOneLineBadValue(CliRun.run("node", "--dev", "--peers", "127.0.0.1:30300"),
                "--peers cannot apply to a dev chain");
        assertOneLineBadValue(CliRun.run("node", "--dev", "--checkpoint", "3:" + "ab".repeat(32)),
                "--checkpoint cannot apply to a dev chain");
    }

    @Test
    void aCheckpointThatIsNotEpochColonHashIsABadValue() {
        assertOneLineBadValue(CliRun.run("node", "--home", dir.toString(), "--checkpoint", "12"),
                "--checkpoint: a checkpoint is EPOCH:HASH");
        assertOneLineBadValue(CliRun.run("node", "--home", dir.toString(), "--checkpoint", "12:xyz"),
                "--checkpoint: the checkpoint's hash is not hex");
    }
}
