package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import mvpos.crypto.KeyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvpos keys new} and {@code mvpos keys show} as a user runs them. */
class KeysCommandTest {
    @TempDir
    Path dir;

    @Test
    void aNewKeyFileIsPrivateAndShowsItsAddress() throws Exception {
        Path file = dir.resolve("wallet/alice.key");
        CliRun created = CliRun.run("keys", "new", "--out", file.toString());
        assertThat(created.exitCode()).isZero();
        String address = created.out().lines().findFirst().orElseThrow().substring("address ".length());
        assertThat(address).matches("[0-9a-f]{40}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(KeyFile.read(Files.readString(file), null).address().toString()).isEqualTo(address);

        CliRun shown = CliRun.run("keys", "show", file.toString());
        assertThat(shown.exitCode()).isZero();
        assertThat(shown.out()).contains("address     " + address, "protected   no");
        assertThat(CliRun.run("keys", "show", file.toString(), "--json").out())
                .startsWith("{\"address\":\"" + address + "\"").contains("\"protected\":false");
    }

    @Test
    void aKeyFileIsNeverOverwritten() throws Exception {
        Path file = dir.resolve("bob.key");
        assertThat(CliRun.run("keys", "new", "--out", file.toString()).exitCode()).isZero();
        String before = Files.readString(file);
        CliRun again = CliRun.run("keys", "new", "--out", file.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("mvpos: error: " + file
                + " already exists; a key file is never overwritten (choose another --out)" + System.lineSeparator());
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void aPassphraseFileSealsTheKey() throws Exception {
        Path passphrase = Files.writeString(dir.resolve("pass.txt"), "open sesame\n");
        Path file = dir.resolve("carol.key");
        CliRun created = CliRun.run("keys", "new", "--out", file.toString(), "--passphrase-file",
                passphrase.toString());
        assertThat(created.out()).contains("(passphrase protected)");
        String address = created.out().lines().findFirst().orElseThrow().substring("address ".length(),
                "address ".length() + 40);
        assertThat(CliRun.run("keys", "show", file.toString()).out()).contains("protected   yes", address);
        // The sealed key opens to the very key whose address was printed (a wrong key, or one sealed
        // under another passphrase, would show another address), and not under a wrong passphrase.
        mvpos.crypto.KeyPair opened = KeyFile.read(Files.readString(file), "open sesame".toCharArray());
        assertThat(opened.address().toString()).isEqualTo(address);
        byte[] message = "a message".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(mvpos.crypto.Ed25519.verify(opened.publicKey(), message, opened.sign(message))).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyFile.read(Files.readString(file),
                "open sesame!".toCharArray())).isInstanceOf(KeyFile.KeyFileException.class);
    }

    @Test
    void badKeyFilesGetOneLineNamingTheFile() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "\u0000\u0001 not json");
        CliRun run = CliRun.run("keys", "show", garbage.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("mvpos: error: " + garbage + ": not a key file: ");
        assertThat(run.err().lines().count()).isEqualTo(1);

        CliRun missing = CliRun.run("keys", "show", dir.resolve("missing.key").toString());
        assertThat(missing.err()).isEqualTo("mvpos: error: " + dir.resolve("missing.key") + ": no such file"
                + System.lineSeparator());
    }
}
