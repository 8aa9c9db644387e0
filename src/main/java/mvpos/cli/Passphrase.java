package mvpos.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Where a key file's passphrase comes from: a file, the MVPOS_PASSPHRASE variable, or the terminal. */
final class Passphrase {
    static final String ENVIRONMENT_VARIABLE = "MVPOS_PASSPHRASE";

    private Passphrase() {
    }

    /** From {@code file} (its first line) or the environment; null when neither is given. */
    static char[] fromFileOrEnvironment(Path file) {
        if (file != null) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                String firstLine = text.lines().findFirst().orElse("");
                if (firstLine.isEmpty()) {
                    throw new Main.UserError(file + ": the passphrase file is empty");
                }
                return firstLine.toCharArray();
            } catch (IOException e) {
                throw new Main.UserError(file + ": cannot read the passphrase file (" + e.getMessage() + ")");
            }
        }
        String fromEnvironment = System.getenv(ENVIRONMENT_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment.toCharArray();
    }

    /** Asks on the terminal, twice when {@code confirm}; fails with advice when there is no terminal. */
    static char[] ask(String prompt, boolean confirm) {
        Console console = System.console();
        if (console == null) {
            throw new Main.UserError("no terminal to ask for a passphrase: use --passphrase-file FILE or set "
                    + ENVIRONMENT_VARIABLE);
        }
        char[] first = console.readPassword("%s: ", prompt);
        if (first == null || first.length == 0) {
            throw new Main.UserError("an empty passphrase protects nothing");
        }
        if (confirm) {
            char[] second = console.readPassword("Repeat the passphrase: ");
            if (!Arrays.equals(first, second)) {
                throw new Main.UserError("the two passphrases differ; nothing was written");
            }
        }
        return first;
    }
}
