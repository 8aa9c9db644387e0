package mvpos.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Genesis files: JSON and YAML read the same, toJson round-trips, and every bad file is one line naming it. */
class GenesisTest {
    private static final HashDrbg RANDOM = new HashDrbg(7);
    private static final String VALIDATOR = KeyPair.generate(RANDOM).address().toString();
    private static final String USER = KeyPair.generate(RANDOM).address().toString();

    @TempDir
    Path dir;

    private static final String JSON = """
            {
              "chainId": "test-net",
              "timestamp": 1700000000000,
              "blockReward": 10,
              "blockTimeMillis": 500,
              "engine": {"name": "solo", "params": {"validator": "%1$s"}},
              "accounts": [
                {"address": "%1$s", "balance": 1000, "stake": 50},
                {"address": "0x%2$s", "balance": 25}
              ]
            }
            """.formatted(VALIDATOR, USER);

    private static final String YAML = """
            chainId: test-net
            timestamp: 1700000000000
            blockReward: 10
            blockTimeMillis: 500
            engine:
              name: solo
              params:
                validator: "%1$s"
            accounts:
              - address: "%2$s"
                balance: 25
              - address: "%1$s"
                balance: 1000
                stake: 50
            """.formatted(VALIDATOR, USER);

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void jsonAndYamlGiveTheSameGenesis() throws Exception {
        Genesis fromJson = Genesis.load(write("genesis.json", JSON));
        Genesis fromYaml = Genesis.load(write("genesis.yaml", YAML));
        Genesis fromYml = Genesis.load(write("genesis.YML", YAML));

        assertThat(fromJson.chainId()).isEqualTo("test-net");
        assertThat(fromJson.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(fromJson.blockReward()).isEqualTo(10);
        assertThat(fromJson.blockTimeMillis()).isEqualTo(500);
        assertThat(fromJson.engine()).isEqualTo("solo");
        assertThat(fromJson.engineParams()).isEqualTo(Map.of("validator", VALIDATOR));
        assertThat(fromJson.accounts()).isEqualTo(Map.of(
                Address.parse(VALIDATOR), new Account(1000, 0, 50),
                Address.parse(USER), new Account(25, 0, 0)));
        assertThat(fromYaml).isEqualTo(fromJson);
        assertThat(fromYml).isEqualTo(fromJson);
    }

    @Test
    void toJsonRoundTripsThroughLoad() throws Exception {
        Genesis genesis = Genesis.load(write("genesis.json", JSON));
        Genesis again = Genesis.load(write("again.json", genesis.toJson()));
        assertThat(again).isEqualTo(genesis);
        assertThat(again.toJson()).isEqualTo(genesis.toJson());
        // The genesis block depends on every field that goes into its header.
        byte[] root = new byte[32];
        assertThat(again.header(root).hash()).isEqualTo(genesis.header(root).hash());
    }

    @Test
    void eachBadFileIsRefusedWithItsPathAndProblem() throws Exception {
        String[][] cases = {
            // file name, content, what the message must say
            {"not-json.json", "{ this is not json", "not a genesis file"},
            {"unknown.json", JSON.replace("\"blockReward\"", "\"blockReward\": 1, \"colour\""), "colour"},
            {"chain-id.json", JSON.replace("test-net", "Test_Net"), "\"chainId\""},
            {"no-chain-id.json", JSON.replace("\"chainId\": \"test-net\",", ""), "\"chainId\""},
            {"negative.json", JSON.replace("\"balance\": 25", "\"balance\": -25"), "negative balance"},
            {"negative-stake.json", JSON.replace("\"stake\": 50", "\"stake\": -50"), "negative balance or stake"},
            {"twice.json", JSON.replace("0x" + USER, VALIDATOR.toUpperCase()), "listed twice"},
            {"no-stake.json", JSON.replace("\"stake\": 50", "\"stake\": 0"), "no account has stake"},
            {"bad-address.json", JSON.replace("0x" + USER, "0x1234"), "not an address"},
            {"no-address.json", JSON.replace("\"address\": \"0x" + USER + "\", ", ""), "no \"address\""},
            {"no-engine.json", JSON.replace("\"engine\": {\"name\": \"solo\", \"params\": {\"validator\": \""
                    + VALIDATOR + "\"}},", ""), "\"engine\""},
            {"blank-engine.json", JSON.replace("\"name\": \"solo\"", "\"name\": \" \""), "\"engine\" needs a \"name\""},
            {"overflow.json", JSON.replace("\"balance\": 25", "\"balance\": " + Long.MAX_VALUE), "overflows"},
            {"no-accounts.json", JSON.replaceAll("(?s)\"accounts\": \\[.*]", "\"accounts\": []"), "at least one account"},
            {"block-time.json", JSON.replace("\"blockTimeMillis\": 500", "\"blockTimeMillis\": 0"), "blockTimeMillis"},
            {"reward.json", JSON.replace("\"blockReward\": 10", "\"blockReward\": -1"), "blockReward"},
            {"empty.json", "", "not a genesis file"},
            {"bad.yaml", "chainId: [unclosed", "not a genesis file"},
        };
        for (String[] c : cases) {
            Path file = write(c[0], c[1]);
            assertThatThrownBy(() -> Genesis.load(file)).as(c[0])
                    .isInstanceOf(Genesis.GenesisException.class)
                    .hasMessageStartingWith(file + ": ")
                    .hasMessageContaining(c[2])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void aMissingFileIsRefusedWithItsPath() {
        Path missing = dir.resolve("nowhere.json");
        assertThatThrownBy(() -> Genesis.load(missing))
                .isInstanceOf(Genesis.GenesisException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void aDirectoryIsNotAGenesisFile() {
        assertThatThrownBy(() -> Genesis.load(dir))
                .isInstanceOf(Genesis.GenesisException.class)
                .hasMessageStartingWith(dir + ": ");
    }
}
