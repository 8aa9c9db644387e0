package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import mvpos.chain.Genesis;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A node's home folder: written, read back, and every broken file reported in one line naming it. */
class NodeHomeTest {
    @TempDir
    Path dir;

    Path home;
    KeyPair key;
    Genesis genesis;

    @BeforeEach
    void writeAHome() throws Exception {
        HashDrbg random = new HashDrbg(5);
        key = KeyPair.generate(random);
        KeyPair other = KeyPair.generate(random);
        genesis = TestnetGenesis.of("pos", List.of(key, other), 1_767_225_600_000L, 1000, "ffg", 4);
        home = dir.resolve("node0");
        NodeHome.write(home, genesis, key, NodeConfig.of(30300, 30301, List.of("127.0.0.1:30302")));
    }

    @Test
    void aWrittenHomeReadsBack() throws Exception {
        NodeHome loaded = NodeHome.load(home);
        assertThat(loaded.key()).isEqualTo(key);
        assertThat(loaded.genesis()).isEqualTo(genesis);
        assertThat(loaded.config()).isEqualTo(new NodeConfig(30300, 30301, "127.0.0.1", "127.0.0.1",
                List.of("127.0.0.1:30302"), "chain"));
        assertThat(loaded.config().peerAddresses()).containsExactly(new PeerAddress("127.0.0.1", 30302));
        assertThat(loaded.dataDir()).isEqualTo(home.resolve("chain"));
        assertThat(loaded.isGenesisValidator()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("key.json"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(home.resolve("genesis.json"))).isEqualTo(NodeHome.genesisJson(genesis));
    }

    @Test
    void theConfigFileIsTheDocumentedFormat() throws Exception {
        assertThat(Files.readString(home.resolve("config.json")).replaceAll("\\s", ""))
                .isEqualTo("{\"p2pPort\":30300,\"apiPort\":30301,\"bind\":\"127.0.0.1\",\"apiBind\":\"127.0.0.1\","
                        + "\"peers\":[\"127.0.0.1:30302\"],\"data\":\"chain\"}");
    }

    @Test
    void optionalFieldsTakeTheirDefaults() throws Exception {
        config("{\"p2pPort\": 4000, \"apiPort\": 4001}");
        NodeConfig config = NodeHome.load(home).config();
        assertThat(config).isEqualTo(new NodeConfig(4000, 4001, "127.0.0.1", "127.0.0.1", List.of(), "chain"));
    }

    @Test
    void theDataDirectoryIsRelativeToTheHomeUnlessAbsolute() throws Exception {
        config("{\"p2pPort\": 4000, \"apiPort\": 4001, \"data\": \"../shared/db\"}");
        assertThat(NodeHome.load(home).dataDir()).isEqualTo(dir.resolve("shared/db"));
        Path absolute = dir.resolve("elsewhere").toAbsolutePath();
        config("{\"p2pPort\": 4000, \"apiPort\": 4001, \"data\": \"" + absolute + "\"}");
        assertThat(NodeHome.load(home).dataDir()).isEqualTo(absolute);
    }

    @Test
    void peersMayBeNamesOrIpv6AndAreNormalised() throws Exception {
        config("{\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [\"node-1.example.org:30300\", \"[::1]:30302\"]}");
        assertThat(NodeHome.load(home).config().peerAddresses()).containsExactly(
                new PeerAddress("node-1.example.org", 30300), new PeerAddress("::1", 30302));
        assertThat(new PeerAddress("::1", 30302).toString()).isEqualTo("[::1]:30302");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "port too high        | {\"p2pPort\": 70000, \"apiPort\": 4001}                 | \"p2pPort\" must be a port from 0 to 65535, not 70000",
        "negative port        | {\"p2pPort\": 4000, \"apiPort\": -1}                    | \"apiPort\" must be a port from 0 to 65535, not -1",
        "port as a string     | {\"p2pPort\": \"4000\", \"apiPort\": 4001}              | \"p2pPort\" must be a port, a whole number from 0 to 65535",
        "port as a fraction   | {\"p2pPort\": 4000.5, \"apiPort\": 4001}                | \"p2pPort\" must be a port, a whole number from 0 to 65535",
        "missing port         | {\"apiPort\": 4001}                                     | \"p2pPort\" is missing (a port from 0 to 65535)",
        "the same two ports   | {\"p2pPort\": 4000, \"apiPort\": 4000}                  | \"p2pPort\" and \"apiPort\" are both 4000; the peer port and the API port must differ",
        "unknown field        | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peer\": []}    | unknown field \"peer\" (known: p2pPort, apiPort, bind, apiBind, peers, data)",
        "peer without port    | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [\"localhost\"]}       | \"peers\"[0]: 'localhost' has no port; write it as host:port",
        "peer port zero       | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [\"a:1\", \"b:0\"]}    | \"peers\"[1]: 'b:0': port 0 is not between 1 and 65535",
        "peer port too high   | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [\"b:99999\"]}         | \"peers\"[0]: 'b:99999': port 99999 is not between 1 and 65535",
        "peer without host    | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [\":30300\"]}          | \"peers\"[0]: ':30300' has no host; write it as host:port",
        "peer bad host        | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [\"a b:30300\"]}       | \"peers\"[0]: 'a b:30300': 'a b' is not a host name or IP address",
        "peer bare ipv6       | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [\"::1:30300\"]}       | \"peers\"[0]: '::1:30300' is not host:port (an IPv6 address is written [::1]:30300)",
        "peers not a list     | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": \"a:1\"}               | \"peers\" must be a list of \"host:port\" strings",
        "peer not a string    | {\"p2pPort\": 4000, \"apiPort\": 4001, \"peers\": [30302]}               | \"peers\"[0] must be a \"host:port\" string",
        "bad bind             | {\"p2pPort\": 4000, \"apiPort\": 4001, \"bind\": \"not an address\"}     | \"bind\" must be an address to listen on (such as 127.0.0.1 or 0.0.0.0), not 'not an address'",
        "empty data           | {\"p2pPort\": 4000, \"apiPort\": 4001, \"data\": \" \"}                  | \"data\" must name a folder (relative to the node's home, or absolute)",
        "an array             | [1, 2]                                                  | must be a JSON object such as {\"p2pPort\": 30300, \"apiPort\": 30301, \"peers\": []}",
        "null                 | null                                                    | must be a JSON object, not null",
    })
    void aBrokenConfigIsOneLineNamingTheFile(String name, String json, String problem) throws Exception {
        config(json);
        assertThatThrownBy(() -> NodeHome.load(home)).isInstanceOf(NodeHome.HomeException.class)
                .hasMessage(home.resolve("config.json") + ": " + problem);
    }

    @Test
    void badJsonSaysWhereItBreaks() throws Exception {
        config("{\"p2pPort\": 4000,\n \"apiPort\" 4001}");
        assertThatThrownBy(() -> NodeHome.load(home)).isInstanceOf(NodeHome.HomeException.class)
                .hasMessageStartingWith(home.resolve("config.json") + ": not valid JSON: ")
                .hasMessageContaining("(line 2, column")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        config("{\"p2pPort\": 4000, \"apiPort\": 4001} trailing");
        assertThatThrownBy(() -> NodeHome.load(home)).hasMessageStartingWith(home.resolve("config.json") + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        config("{\"p2pPort\": 4000, \"apiPort\": 4001, \"apiPort\": 4002}");
        assertThatThrownBy(() -> NodeHome.load(home)).hasMessageStartingWith(home.resolve("config.json")
                + ": not valid JSON: Duplicate field 'apiPort'");
        config("{\"p2pPort\": 4000, \"apiPort\": 4001} {}");
        assertThatThrownBy(() -> NodeHome.load(home)).hasMessage(home.resolve("config.json")
                + ": not valid JSON: something follows the object (line 1, column 36)");
        config("{\"p2pPort\": 99999999999999999999999, \"apiPort\": 4001}");
        assertThatThrownBy(() -> NodeHome.load(home)).hasMessage(home.resolve("config.json")
                + ": a number too large for any field (line 1, column 36); ports are 0 to 65535");
    }

    @Test
    void anEmptyConfigIsNamed() throws Exception {
        config("  \n");
        assertThatThrownBy(() -> NodeHome.load(home)).hasMessage(home.resolve("config.json")
                + ": the file is empty; it needs at least \"p2pPort\" and \"apiPort\"");
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> NodeHome.load(dir.resolve("nowhere"))).isInstanceOf(NodeHome.HomeException.class)
                .hasMessageStartingWith(dir.resolve("nowhere") + ": no such folder");
        for (String file : List.of("key.json", "genesis.json", "config.json")) {
            byte[] kept = Files.readAllBytes(home.resolve(file));
            Files.delete(home.resolve(file));
            assertThatThrownBy(() -> NodeHome.load(home)).isInstanceOf(NodeHome.HomeException.class)
                    .hasMessage(home.resolve(file) + ": no such file");
            Files.write(home.resolve(file), kept);
        }
        assertThat(NodeHome.load(home).key()).isEqualTo(key);
    }

    @Test
    void aBrokenKeyOrGenesisIsNamed() throws Exception {
        Files.writeString(home.resolve("key.json"), "{\"format\": \"something else\"}");
        assertThatThrownBy(() -> NodeHome.load(home)).hasMessage(home.resolve("key.json")
                + ": not a key file: \"format\" must be \"mvpos-key-v1\"");
        Files.writeString(home.resolve("genesis.json"), "{\"chainId\": \"Bad Id\"}");
        assertThatThrownBy(() -> NodeHome.load(home)).hasMessageStartingWith(home.resolve("genesis.json") + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void writingNeverOverwritesAKey() throws Exception {
        String before = Files.readString(home.resolve("key.json"));
        assertThatThrownBy(() -> NodeHome.write(home, genesis, KeyPair.generate(new HashDrbg(9)),
                NodeConfig.of(1, 2, List.of()))).isInstanceOf(NodeHome.HomeException.class)
                .hasMessage(home.resolve("key.json") + ": already exists; a key file is never overwritten");
        assertThat(Files.readString(home.resolve("key.json"))).isEqualTo(before);
    }

    @Test
    void commandLineOverridesMakeANewCheckedConfig() throws Exception {
        NodeConfig config = NodeHome.load(home).config();
        assertThat(config.withPorts(5000, null)).isEqualTo(new NodeConfig(5000, 30301, "127.0.0.1", "127.0.0.1",
                List.of("127.0.0.1:30302"), "chain"));
        assertThat(config.withMorePeers(List.of("127.0.0.1:30302", "10.0.0.2:30300")).peers())
                .containsExactly("127.0.0.1:30302", "10.0.0.2:30300");
        assertThatThrownBy(() -> config.withPorts(70000, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withMorePeers(List.of("nope"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'nope' has no port; write it as host:port");
    }

    private void config(String json) throws Exception {
        Files.writeString(home.resolve("config.json"), json);
    }
}
