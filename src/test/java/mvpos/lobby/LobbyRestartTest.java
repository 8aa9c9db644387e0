package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain survives kill -9: a separate lobby process is killed mid-run and restarted on its data. */
class LobbyRestartTest {
    @TempDir
    Path data;

    @Test
    void noAnnouncedBlockIsLostAfterKillDashNine() throws Exception {
        List<String> announced = new ArrayList<>();
        try (LobbyProcess first = new LobbyProcess(data, "--round", "50ms", "--seed", "3");
             LobbyTestClient a = new LobbyTestClient(first.port());
             LobbyTestClient b = new LobbyTestClient(first.port())) {
            a.register(10);
            b.register(20);
            a.sendLine("70");
            b.sendLine("71");
            while (announced.size() < 15) {
                announced.add(a.awaitWinner());
                a.sendLine("70");
                b.sendLine("71");
            }
            first.killHard(); // rounds keep going right up to the kill
        }

        try (LobbyProcess second = new LobbyProcess(data, "--round", "1h", "--broadcast", "200ms");
             LobbyTestClient c = new LobbyTestClient(second.port())) {
            c.register(1);
            String json = c.await(m -> m.startsWith("["), "chain broadcast");
            List<LobbyBlock> blocks = List.of(new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(json, LobbyBlock[].class));
            // Every announced block is there, in order, and the reloaded chain is valid link by link.
            assertThat(blocks.size()).isGreaterThanOrEqualTo(announced.size() + 1);
            assertThat(blocks.subList(1, announced.size() + 1)).extracting(LobbyBlock::validator)
                    .containsExactlyElementsOf(announced);
            assertThat(LobbyChain.of(blocks).size()).isEqualTo(blocks.size());
            assertThat(second.output()).anyMatch(line -> line.contains("chain of " + blocks.size() + " blocks loaded"));
        }
    }

    @Test
    void aCorruptChainIsRefusedWithOneLineNamingTheDirectory() throws Exception {
        try (LobbyStore store = LobbyStore.open(data)) {
            LobbyChain chain = store.loadOrCreate(1_000);
            LobbyBlock forged = LobbyBlock.create(1, "2026-01-01T00:00:00Z", 70, "not-the-genesis-hash", "ab".repeat(32));
            store.append(forged);
            assertThat(chain.size()).isEqualTo(1);
        }
        try (LobbyProcess lobby = new LobbyProcess(data)) {
            assertThat(lobby.awaitExit()).isEqualTo(1);
            assertThat(lobby.output()).anyMatch(line -> line.startsWith("mvpos: error: the chain in " + data)
                    && line.contains("block 1 does not point to the hash of block 0"));
        }
    }
}
