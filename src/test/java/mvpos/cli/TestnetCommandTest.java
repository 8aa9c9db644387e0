package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import mvpos.chain.Genesis;
import mvpos.state.CasperFfg;
import mvpos.consensus.PoaEngine;
import mvpos.consensus.PowEngine;
import mvpos.crypto.Address;
import mvpos.node.NodeHome;
import mvpos.node.TestnetGenesis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvpos testnet} as a user runs it, and its folders read back as {@code mvpos node --home} will. */
class TestnetCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    @Test
    void writesAFolderPerNodeWithItsKeyTheSharedGenesisAndItsConfig() throws Exception {
        Path out = dir.resolve("net");
        CliRun run = CliRun.run("testnet", "--validators", "4", "--engine", "pos", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        try (Stream<Path> folders = Files.list(out)) {
            assertThat(folders.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("node0", "node1", "node2", "node3");
        }
        byte[] genesisBytes = Files.readAllBytes(out.resolve("node0/genesis.json"));
        Set<Address> keys = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            Path home = out.resolve("node" + i);
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted())
                        .containsExactly("config.json", "genesis.json", "key.json");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("key.json"))))
                    .isEqualTo("rw-------");
            assertThat(Files.readAllBytes(home.resolve("genesis.json"))).isEqualTo(genesisBytes);
            NodeHome node = NodeHome.load(home);
            keys.add(node.key().address());
            assertThat(node.genesis().accounts().get(node.key().address()).stake()).isEqualTo(TestnetGenesis.STAKE);
            assertThat(node.isGenesisValidator()).isTrue();
            assertThat(node.dataDir()).isEqualTo(home.resolve("chain"));
            assertThat(run.out()).containsPattern("node" + i + " +" + node.key().address() + " +" + (30300 + 2 * i)
                    + " +" + (30301 + 2 * i) + " +" + java.util.regex.Pattern.quote(home.toString()));
        }
        assertThat(keys).hasSize(4);
        Genesis genesis = Genesis.load(out.resolve("node2/genesis.json"));
        assertThat(genesis.chainId()).isEqualTo("mvpos-testnet");
        assertThat(genesis.engine()).isEqualTo("pos");
        assertThat(genesis.finality()).isEqualTo(Genesis.NO_FINALITY);
        assertThat(genesis.accounts().keySet()).isEqualTo(keys);
        assertThat(genesis.timestamp() % 1000).isZero();
        assertThat(genesis.blockTimeMillis()).isEqualTo(1000);
        assertThat(run.out()).contains("testnet mvpos-testnet: 4 validators, engine pos, finality none, slot 1s",
                "genesis hash " + NodeHome.genesisHash(genesis), "mvpos node --home " + out.resolve("node<i>"));
    }

    @Test
    void portsFollowTheBasePortAndEachNodeKnowsAllOthers() throws Exception {
        Path out = dir.resolve("net");
        assertThat(CliRun.run("testnet", "--validators", "5", "--base-port", "40000", "--out", out.toString())
                .exitCode()).isZero();
        for (int i = 0; i < 5; i++) {
            NodeHome node = NodeHome.load(out.resolve("node" + i));
            assertThat(node.config().p2pPort()).isEqualTo(40000 + 2 * i);
            assertThat(node.config().apiPort()).isEqualTo(40001 + 2 * i);
            assertThat(node.config().bind()).isEqualTo("127.0.0.1");
            assertThat(node.config().apiBind()).isEqualTo("127.0.0.1");
            List<String> expected = new ArrayList<>();
            for (int j = 0; j < 5; j++) {
                if (j != i) {
                    expected.add("127.0.0.1:" + (40000 + 2 * j));
                }
            }
            assertThat(node.config().peers()).containsExactlyInAnyOrderElementsOf(expected)
                    .doesNotContain("127.0.0.1:" + node.config().p2pPort());
        }
    }

    @Test
    void aLargerNetworkGivesEachNodeAFewPeersThatStillConnectEveryone() throws Exception {
        Path out = dir.resolve("net");
        int n = 20;
        assertThat(CliRun.run("testnet", "--validators", Integer.toString(n), "--seed", "1", "--out",
                out.toString()).exitCode()).isZero();
        Map<Integer, List<Integer>> graph = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            NodeHome node = NodeHome.load(out.resolve("node" + i));
            List<Integer> peers = node.config().peerAddresses().stream().map(p -> (p.port() - 30300) / 2).toList();
            assertThat(peers).doesNotContain(i).doesNotHaveDuplicates()
                    .contains((i + 1) % n, (i + n - 1) % n).hasSizeBetween(3, 8);
            graph.put(i, peers);
        }
        Set<Integer> reached = new HashSet<>(List.of(0));
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
        while (!queue.isEmpty()) {
            for (int next : graph.get(queue.poll())) {
                if (reached.add(next)) {
                    queue.add(next);
                }
            }
        }
        assertThat(reached).hasSize(n);
    }

    @Test
    void theSameSeedWritesTheSameFiles() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        for (Path out : List.of(a, b)) {
            assertThat(CliRun.run("testnet", "--validators", "3", "--engine", "pow", "--finality", "ffg", "--seed", "42",
                    "--out", out.toString()).exitCode()).isZero();
        }
        assertThat(CliRun.run("testnet", "--validators", "3", "--engine", "pow", "--finality", "ffg", "--seed", "43",
                "--out", c.toString()).exitCode()).isZero();
        for (int i = 0; i < 3; i++) {
            for (String file : List.of("key.json", "genesis.json", "config.json")) {
                assertThat(Files.readString(b.resolve("node" + i).resolve(file)))
                        .isEqualTo(Files.readString(a.resolve("node" + i).resolve(file)));
            }
            assertThat(Files.readString(c.resolve("node" + i + "/key.json")))
                    .isNotEqualTo(Files.readString(a.resolve("node" + i + "/key.json")));
        }
        assertThat(Genesis.load(a.resolve("node0/genesis.json")).timestamp()).isEqualTo(1_767_225_600_000L);
    }

    @Test
    void theGenesisTimeCanBeGiven() throws Exception {
        Path out = dir.resolve("net");
        assertThat(CliRun.run("testnet", "--validators", "1", "--seed", "3", "--genesis-time", "2026-05-01T12:00:00Z",
                "--out", out.toString()).exitCode()).isZero();
        assertThat(Genesis.load(out.resolve("node0/genesis.json")).timestamp())
                .isEqualTo(java.time.Instant.parse("2026-05-01T12:00:00Z").toEpochMilli());
        CliRun bad = CliRun.run("testnet", "--validators", "1", "--genesis-time", "tomorrow", "--out",
                dir.resolve("x").toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("mvpos: error: --genesis-time 'tomorrow' is not an instant; write it like "
                + "2026-05-01T12:00:00Z, as milliseconds since 1970, or 'now'" + NL);
    }

    @Test
    void theEngineParametersSuitTheValidators() throws Exception {
        Path poa = dir.resolve("poa");
        assertThat(CliRun.run("testnet", "--validators", "3", "--engine", "poa", "--out", poa.toString())
                .exitCode()).isZero();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            addresses.add(NodeHome.load(poa.resolve("node" + i)).key().address().toString());
        }
        assertThat(Genesis.load(poa.resolve("node0/genesis.json")).engineParams())
                .containsEntry(PoaEngine.AUTHORITIES, String.join(",", addresses));

        Path pow = dir.resolve("pow");
        assertThat(CliRun.run("testnet", "--validators", "6", "--engine", "pow", "--finality", "ffg", "--epoch", "5",
                "--slot", "2s", "--out", pow.toString()).exitCode()).isZero();
        Genesis genesis = Genesis.load(pow.resolve("node0/genesis.json"));
        assertThat(genesis.engineParams()).containsEntry(PowEngine.DIFFICULTY,
                Long.toString(6 * TestnetGenesis.POW_ATTEMPTS_PER_SLOT));
        assertThat(genesis.finality()).isEqualTo(CasperFfg.NAME);
        assertThat(genesis.finalityParams()).containsEntry(CasperFfg.EPOCH_LENGTH, "5");
        assertThat(genesis.blockTimeMillis()).isEqualTo(2000);
    }

    @Test
    void jsonOutputListsEveryNode() throws Exception {
        Path out = dir.resolve("net");
        CliRun run = CliRun.run("testnet", "--validators", "2", "--base-port", "31000", "--json", "--out",
                out.toString());
        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("chainId").asText()).isEqualTo("mvpos-testnet");
        assertThat(json.get("genesisHash").asText())
                .isEqualTo(NodeHome.genesisHash(Genesis.load(out.resolve("node0/genesis.json"))));
        assertThat(json.get("nodes")).hasSize(2);
        JsonNode node1 = json.get("nodes").get(1);
        assertThat(node1.get("p2pPort").asInt()).isEqualTo(31002);
        assertThat(node1.get("apiPort").asInt()).isEqualTo(31003);
        assertThat(node1.get("address").asText())
                .isEqualTo(NodeHome.load(out.resolve("node1")).key().address().toString());
        assertThat(node1.get("folder").asText()).isEqualTo(out.resolve("node1").toAbsolutePath().toString());
        assertThat(node1.get("peers").get(0).asText()).isEqualTo("127.0.0.1:31000");
    }

    @Test
    void hostsAndBindNameWhereNodesListenAndAreDialled() throws Exception {
        Path out = dir.resolve("net");
        assertThat(CliRun.run("testnet", "--validators", "3", "--hosts", "10.0.0.1,10.0.0.2", "--out",
                out.toString()).exitCode()).isZero();
        NodeHome node2 = NodeHome.load(out.resolve("node2"));
        assertThat(node2.config().bind()).isEqualTo("10.0.0.1");
        assertThat(node2.config().apiBind()).isEqualTo("127.0.0.1");
        assertThat(node2.config().peers()).containsExactly("10.0.0.1:30300", "10.0.0.2:30302");

        Path wildcard = dir.resolve("wild");
        assertThat(CliRun.run("testnet", "--validators", "2", "--bind", "0.0.0.0", "--out", wildcard.toString())
                .exitCode()).isZero();
        NodeHome node0 = NodeHome.load(wildcard.resolve("node0"));
        assertThat(node0.config().bind()).isEqualTo("0.0.0.0");
        assertThat(node0.config().peers()).containsExactly("127.0.0.1:30302");
    }

    @Test
    void badArgumentsGetOneLineAndExit1() throws Exception {
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        assertOneLine(new String[] {"--validators", "2", "--out", full.toString()},
                full + " exists and is not empty; choose another --out (a testnet never overwrites keys)");
        assertThat(Files.readString(full.resolve("notes.txt"))).isEqualTo("mine");
        try (Stream<Path> files = Files.list(full)) {
            assertThat(files).hasSize(1);
        }
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertOneLine(new String[] {"--validators", "2", "--out", file.toString()},
                file + " exists and is not a folder; choose another --out");
        Path fresh = dir.resolve("fresh");
        assertOneLine(new String[] {"--validators", "4", "--base-port", "65530", "--out", fresh.toString()},
                "4 nodes from --base-port 65530 need ports up to 65537, beyond 65535; choose a base port of at most 65528");
        assertOneLine(new String[] {"--validators", "1", "--base-port", "70000", "--out", fresh.toString()},
                "--base-port must be between 1 and 65535, got 70000");
        assertOneLine(new String[] {"--validators", "0", "--out", fresh.toString()},
                "--validators must be between 1 and 1000, got 0");
        assertOneLine(new String[] {"--validators", "1001", "--out", fresh.toString()},
                "--validators must be between 1 and 1000, got 1001");
        CliRun unknownEngine = CliRun.run("testnet", "--validators", "2", "--engine", "pbft", "--out", fresh.toString());
        assertThat(unknownEngine.exitCode()).isEqualTo(2);
        assertThat(unknownEngine.err()).startsWith("mvpos: error: unknown engine 'pbft'; available: "
                + String.join(", ", mvpos.consensus.Engines.names())).hasLineCount(1);
        assertOneLine(new String[] {"--validators", "2", "--finality", "grandpa", "--out", fresh.toString()},
                "unknown finality gadget 'grandpa'; available: none, ffg");
        assertOneLine(new String[] {"--validators", "2", "--epoch", "0", "--out", fresh.toString()},
                "--epoch must be between 1 and 64 slots, got 0");
        assertOneLine(new String[] {"--validators", "2", "--bind", "no such", "--out", fresh.toString()},
                "--bind: 'no such' is not a host name or IP address");
        assertThat(fresh).doesNotExist();
    }

    @Test
    void anEmptyOutFolderIsUsed() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(CliRun.run("testnet", "--validators", "1", "--out", empty.toString()).exitCode()).isZero();
        assertThat(NodeHome.load(empty.resolve("node0")).config().peers()).isEmpty();
    }

    @Test
    void aBrokenConfigInATestnetIsReportedInOneLineNamingTheFile() throws Exception {
        Path out = dir.resolve("net");
        assertThat(CliRun.run("testnet", "--validators", "2", "--out", out.toString()).exitCode()).isZero();
        Path config = out.resolve("node1/config.json");
        Files.writeString(config, Files.readString(config).replace("30303", "70000"));
        assertThatThrownBy(() -> NodeHome.load(out.resolve("node1"))).isInstanceOf(NodeHome.HomeException.class)
                .hasMessage(config + ": \"apiPort\" must be a port from 0 to 65535, not 70000");
        Files.writeString(config, Files.readString(config).replace("\"127.0.0.1:30300\"", "\"127.0.0.1\""));
        Files.writeString(config, Files.readString(config).replace("70000", "30303"));
        assertThatThrownBy(() -> NodeHome.load(out.resolve("node1"))).isInstanceOf(NodeHome.HomeException.class)
                .hasMessage(config + ": \"peers\"[0]: '127.0.0.1' has no port; write it as host:port");
        assertThat(NodeHome.load(out.resolve("node0")).config().p2pPort()).isEqualTo(30300);
    }

    private static void assertOneLine(String[] arguments, String message) {
        String[] args = new String[arguments.length + 1];
        args[0] = "testnet";
        System.arraycopy(arguments, 0, args, 1, arguments.length);
        CliRun run = CliRun.run(args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(1);
        assertThat(run.err()).isEqualTo("mvpos: error: " + message + NL);
        assertThat(run.out()).isEmpty();
    }
}
