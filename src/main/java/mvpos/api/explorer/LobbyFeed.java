package mvpos.api.explorer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import mvpos.lobby.Lobby;
import mvpos.lobby.LobbyBlock;
import mvpos.lobby.LobbyServer;

/**
 * The explorer of the classic lobby: its chain (one block per round, no forks), its validators and
 * how often each won against its share of the stake.
 */
public final class LobbyFeed {
    private LobbyFeed() {
    }

    public static Explorer attach(LobbyServer server, ObjectMapper json, LongSupplier wallClock)
            throws InterruptedException, ExecutionException {
        NodeView view = new NodeView(0, "lobby", hash -> java.util.Optional.empty());
        Explorer.Info info = new Explorer.Info("lobby", "lobby", "lobby lottery", "none", 0, 0, List.of(view.name()));
        Explorer explorer = new Explorer(info, new BlockCatalog(false), List.of(view), json, wallClock);
        LobbyStats stats = new LobbyStats();
        explorer.lobby(stats);
        server.onLoop(() -> {
            Lobby lobby = server.lobby();
            List<LobbyBlock> blocks = lobby.blocks();
            blocks.forEach(block -> explorer.blockSeen(summary(block, explorer.now())));
            if (!blocks.isEmpty()) {
                explorer.lobbyHead(view, head(blocks.get(blocks.size() - 1)));
            }
            lobby.addRoundListener(result -> {
                stats.round(result.candidateStakes(), result.winner());
                explorer.blockSeen(summary(result.block(), explorer.now()));
                explorer.lobbyHead(view, head(result.block()));
            });
            return null;
        });
        return explorer;
    }

    private static NodeView.Head head(LobbyBlock block) {
        return new NodeView.Head(block.hash(), block.index(), block.index());
    }

    static BlockSummary summary(LobbyBlock block, long nowMillis) {
        return new BlockSummary(block.hash(), block.prevHash(), block.index(), block.index(), block.validator(), 0, 0,
                "BPM " + block.bpm() + ", " + block.timestamp(), 0, nowMillis);
    }
}
