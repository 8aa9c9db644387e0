package mvpos.node;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyFile;
import mvpos.crypto.KeyPair;
import mvpos.state.BucketedState;

/**
 * A node's home folder, as {@code mvpos testnet} writes it and {@code mvpos node --home} reads it:
 *
 * <ul>
 *   <li>{@code key.json}: the node's key file ({@link KeyFile}; readable by its owner only);</li>
 *   <li>{@code genesis.json}: the chain's genesis, the same bytes in every node of the network;</li>
 *   <li>{@code config.json}: ports, listen addresses, bootstrap peers, data directory ({@link NodeConfig}).</li>
 * </ul>
 *
 * Every problem found while loading is a {@link HomeException} whose one-line message names the file
 * and says what is wrong with it.
 */
public record NodeHome(Path dir, Genesis genesis, KeyPair key, NodeConfig config) {
    public static final String KEY_FILE = "key.json";
    public static final String GENESIS_FILE = "genesis.json";
    public static final String CONFIG_FILE = "config.json";
    private static final long MAX_CONFIG_BYTES = 1024 * 1024;
    private static final long MAX_KEY_BYTES = 64 * 1024;

    private static final ObjectMapper CONFIG_JSON = strictMapper();
    private static final ObjectMapper GENESIS_JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** The data directory: {@code data} of the config, resolved against the home unless absolute. */
    public Path dataDir() {
        return dir.resolve(config.data()).normalize();
    }

    /** True when the node's key holds stake in genesis (it validates from block 1). */
    public boolean isGenesisValidator() {
        var account = genesis.accounts().get(key.address());
        return account != null && account.stake() > 0;
    }

    /** Reads a home whose key file is in the clear. */
    public static NodeHome load(Path dir) throws HomeException {
        return load(dir, null);
    }

    /** Reads a home; {@code passphrase} opens a key file sealed with one (and is ignored otherwise). */
    public static NodeHome load(Path dir, char[] passphrase) throws HomeException {
        if (!Files.isDirectory(dir)) {
            throw new HomeException(dir + (Files.exists(dir) ? ": not a folder" : ": no such folder")
                    + " (a node's home holds " + KEY_FILE + ", " + GENESIS_FILE + " and " + CONFIG_FILE + ")");
        }
        NodeConfig config = loadConfig(dir.resolve(CONFIG_FILE));
        Genesis genesis;
        try {
            genesis = Genesis.load(dir.resolve(GENESIS_FILE));
        } catch (Genesis.GenesisException e) {
            throw new HomeException(e.getMessage());
        }
        KeyPair key = loadKey(dir.resolve(KEY_FILE), passphrase);
        return new NodeHome(dir, genesis, key, config);
    }

    /** Reads and checks a {@code config.json}; every problem is one line naming the file. */
    public static NodeConfig loadConfig(Path file) throws HomeException {
        String text = read(file, MAX_CONFIG_BYTES);
        if (text.isBlank()) {
            throw new HomeException(file + ": the file is empty; it needs at least \"p2pPort\" and \"apiPort\"");
        }
        ConfigFile parsed;
        try {
            parsed = CONFIG_JSON.readValue(text, ConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new HomeException(file + ": unknown field \"" + e.getPropertyName() + "\" (known: "
                    + String.join(", ", ConfigFile.FIELDS) + ")");
        } catch (MismatchedInputException e) {
            if (firstLine(e.getOriginalMessage()).startsWith("Trailing token")) {
                throw new HomeException(file + ": not valid JSON: something follows the object" + where(e));
            }
            throw new HomeException(file + ": " + describe(e));
        } catch (JsonProcessingException e) {
            if (e instanceof com.fasterxml.jackson.core.exc.InputCoercionException
                    || e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException) {
                throw new HomeException(file + ": a number too large for any field" + where(e)
                        + "; ports are 0 to 65535");
            }
            throw new HomeException(file + ": not valid JSON: " + firstLine(e.getOriginalMessage()) + where(e));
        }
        if (parsed == null) {
            throw new HomeException(file + ": must be a JSON object, not null");
        }
        try {
            return parsed.toConfig();
        } catch (IllegalArgumentException e) {
            throw new HomeException(file + ": " + e.getMessage());
        }
    }

    /**
     * Creates a home in {@code dir} (which may exist, but must not hold any of the three files): the key
     * file readable by its owner only, {@link #genesisJson} of the genesis, and the config.
     */
    public static void write(Path dir, Genesis genesis, KeyPair key, NodeConfig config) throws HomeException {
        write(dir, genesisJson(genesis), key, config);
    }

    /** As {@link #write(Path, Genesis, KeyPair, NodeConfig)}, with the genesis file's text already made. */
    public static void write(Path dir, String genesisJson, KeyPair key, NodeConfig config) throws HomeException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HomeException(dir + ": cannot create the folder (" + e.getMessage() + ")");
        }
        writeOwnerOnly(dir.resolve(KEY_FILE), KeyFile.write(key, null, null));
        writeNew(dir.resolve(GENESIS_FILE), genesisJson);
        writeNew(dir.resolve(CONFIG_FILE), configJson(config));
    }

    /**
     * The genesis file's text: {@link Genesis#toFile()} as pretty JSON with parameters in name order,
     * so that the same genesis always gives the same bytes (on any JVM).
     */
    public static String genesisJson(Genesis genesis) {
        try {
            return GENESIS_JSON.writerWithDefaultPrettyPrinter().writeValueAsString(genesis.toFile()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the genesis could not be written as JSON", e);
        }
    }

    /** The config file's text. */
    public static String configJson(NodeConfig config) {
        try {
            return CONFIG_JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the node config could not be written as JSON", e);
        }
    }

    /** The hash of block 0 of this genesis (what peers compare in their handshake), in hex. */
    public static String genesisHash(Genesis genesis) {
        return Hex.encode(new Block(genesis.header(BucketedState.of(genesis.accounts()).root()), List.of()).hash());
    }

    private static KeyPair loadKey(Path file, char[] passphrase) throws HomeException {
        String text = read(file, MAX_KEY_BYTES);
        try {
            return KeyFile.read(text, passphrase);
        } catch (KeyFile.KeyFileException e) {
            throw new HomeException(file + ": " + firstLine(e.getMessage()));
        }
    }

    private static String read(Path file, long maxBytes) throws HomeException {
        try {
            if (Files.isDirectory(file)) {
                throw new HomeException(file + ": is a folder, not a file");
            }
            if (Files.size(file) > maxBytes) {
                throw new HomeException(file + ": larger than " + maxBytes / 1024 + " KiB, so not a node's file");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new HomeException(file + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new HomeException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new HomeException(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static void writeOwnerOnly(Path file, String text) throws HomeException {
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) { // not a POSIX file system
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw new HomeException(file + ": already exists; a key file is never overwritten");
        } catch (IOException e) {
            throw new HomeException(file + ": cannot write it (" + e.getMessage() + ")");
        }
    }

    private static void writeNew(Path file, String text) throws HomeException {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new HomeException(file + ": already exists; it is not overwritten");
        } catch (IOException e) {
            throw new HomeException(file + ": cannot write it (" + e.getMessage() + ")");
        }
    }

    /** A wrong type or a missing value, said with the field's path. */
    private static String describe(MismatchedInputException e) {
        String path = e.getPath().stream().map(reference -> reference.getFieldName() != null
                ? "\"" + reference.getFieldName() + "\"" : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(""));
        if (path.isEmpty()) {
            if (firstLine(e.getOriginalMessage()).startsWith("No content")) {
                return "the file is empty";
            }
            return "must be a JSON object such as {\"p2pPort\": 30300, \"apiPort\": 30301, \"peers\": []}";
        }
        String field = e.getPath().get(0).getFieldName();
        String expected = switch (field == null ? "" : field) {
            case "p2pPort", "apiPort" -> "a port, a whole number from 0 to 65535";
            case "peers" -> e.getPath().size() > 1 ? "a \"host:port\" string" : "a list of \"host:port\" strings";
            default -> "a string";
        };
        return path + " must be " + expected;
    }

    private static String where(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
    }

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** {@code config.json} as written, before its checks: ports wide enough to say "out of range". */
    private record ConfigFile(Long p2pPort, Long apiPort, String bind, String apiBind, List<String> peers, String data) {
        static final List<String> FIELDS = List.of("p2pPort", "apiPort", "bind", "apiBind", "peers", "data");

        NodeConfig toConfig() {
            return new NodeConfig(port("p2pPort", p2pPort), port("apiPort", apiPort), bind, apiBind, peers, data);
        }

        private static int port(String field, Long value) {
            if (value == null) {
                throw new IllegalArgumentException("\"" + field + "\" is missing (a port from 0 to 65535)");
            }
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("\"" + field + "\" must be a port from 0 to 65535, not " + value);
            }
            return value.intValue();
        }
    }

    /** A node's home that cannot be used; the message names the file and the problem in one line. */
    public static final class HomeException extends Exception {
        public HomeException(String message) {
            super(message);
        }
    }
}
