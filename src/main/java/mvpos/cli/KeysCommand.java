package mvpos.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import mvpos.crypto.KeyFile;
import mvpos.crypto.KeyPair;
import mvpos.node.SecureRandomSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mvpos keys}: make and inspect wallet key files. */
@Command(name = "keys",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Ed25519 key files: a new key pair, or the address of an existing one.",
        subcommands = {KeysCommand.New.class, KeysCommand.Show.class})
final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "new", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {
                "Creates an Ed25519 key pair from a secure random source and writes its key file "
                    + "(to --out, readable by its owner only, or to standard output).",
                "With --protect the secret is sealed with a passphrase (Argon2id + XSalsa20-Poly1305), taken "
                    + "from --passphrase-file, the MVPOS_PASSPHRASE variable, or asked on the terminal."
            })
    static final class New implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write the key file (never overwritten).")
        Path out;

        @Option(names = "--protect", description = "Seal the secret key with a passphrase.")
        boolean protect;

        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "Read the passphrase from the first line of FILE (implies --protect).")
        Path passphraseFile;

        @Override
        public void run() {
            char[] passphrase = null;
            if (protect || passphraseFile != null) {
                passphrase = Passphrase.fromFileOrEnvironment(passphraseFile);
                if (passphrase == null) {
                    passphrase = Passphrase.ask("Passphrase for the new key", true);
                }
            }
            SecureRandomSource random = new SecureRandomSource();
            KeyPair keys = KeyPair.generate(random);
            String json = KeyFile.write(keys, passphrase, random);
            java.io.PrintWriter stdout = spec.commandLine().getOut();
            if (out == null) {
                stdout.print(json);
                stdout.flush();
                spec.commandLine().getErr().println("address " + keys.address());
                return;
            }
            writeOwnerOnly(out, json);
            stdout.println("address " + keys.address());
            stdout.println("key file " + out.toAbsolutePath() + (passphrase != null ? " (passphrase protected)" : ""));
            stdout.flush();
        }

        private static void writeOwnerOnly(Path file, String json) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, json, StandardCharsets.UTF_8);
            } catch (FileAlreadyExistsException e) {
                throw new Main.UserError(file + " already exists; a key file is never overwritten (choose another --out)");
            } catch (UnsupportedOperationException e) {
                try {
                    Files.writeString(file, json, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
                } catch (IOException io) {
                    throw new Main.UserError(file + ": cannot write the key file (" + io.getMessage() + ")");
                }
            } catch (IOException e) {
                throw new Main.UserError(file + ": cannot write the key file (" + e.getMessage() + ")");
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Prints the address and public key of a key file (no passphrase needed).")
    static final class Show implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The key file.")
        Path file;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public void run() {
            KeyFile.Document document;
            try {
                document = KeyFile.readPublic(readKeyFile(file));
            } catch (KeyFile.KeyFileException e) {
                throw new Main.UserError(file + ": " + e.getMessage());
            }
            boolean sealed = KeyFile.isSealed(document);
            java.io.PrintWriter stdout = spec.commandLine().getOut();
            if (json) {
                stdout.printf("{\"address\":\"%s\",\"publicKey\":\"%s\",\"protected\":%s}%n",
                        document.address(), document.publicKey(), sealed);
            } else {
                stdout.println("address     " + document.address());
                stdout.println("public key  " + document.publicKey());
                stdout.println("protected   " + (sealed ? "yes (passphrase)" : "no"));
            }
            stdout.flush();
        }
    }

    /** The text of a key file, or a one-line error naming it. */
    static String readKeyFile(Path file) {
        try {
            if (Files.size(file) > 64 * 1024) {
                throw new Main.UserError(file + ": not a key file (larger than 64 KiB)");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Main.UserError(file + ": no such file");
        } catch (IOException e) {
            throw new Main.UserError(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }
}
