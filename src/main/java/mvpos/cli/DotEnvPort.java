package mvpos.cli;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The lobby's port as the tutorial configures it: {@code .env} in the working directory, where the
 * blog says {@code ADDR=9000} and its code reads {@code PORT}. Both are honoured (PORT first), and
 * like godotenv, a variable already set in the environment wins over the file.
 */
final class DotEnvPort {
    record Choice(int port, String source) {
    }

    private DotEnvPort() {
    }

    static Optional<Choice> resolve(Path directory) {
        Dotenv env;
        try {
            env = Dotenv.configure().directory(directory.toString()).ignoreIfMissing().load();
        } catch (DotenvException e) {
            throw new Main.UserError(directory.resolve(".env") + " cannot be read: " + e.getMessage());
        }
        for (String key : new String[] {"PORT", "ADDR"}) {
            String value = env.get(key);
            if (value != null && !value.isBlank()) {
                String source = (System.getenv(key) != null ? "environment " : ".env ") + key;
                return Optional.of(new Choice(parsePort(value, source), source));
            }
        }
        return Optional.empty();
    }

    /** Accepts {@code 9000}, {@code :9000} or {@code host:9000}. */
    static int parsePort(String value, String source) {
        String text = value.strip();
        String digits = text.substring(text.lastIndexOf(':') + 1);
        try {
            int port = Integer.parseInt(digits);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Main.UserError(source + "=" + value + " is not a port number (0 to 65535)");
    }
}
