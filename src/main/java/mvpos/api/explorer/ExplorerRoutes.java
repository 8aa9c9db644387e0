package mvpos.api.explorer;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import mvpos.api.ChainSnapshot;
import mvpos.api.TransactionJson;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.state.State;

/**
 * The explorer's HTTP side: the page and its files at {@code /} and {@code /explorer/assets/}, the
 * JSON it reads under {@code /explorer/}, its live events at {@code /explorer/events}, and the
 * Prometheus metrics at {@code /metrics}. Unknown blocks, transactions and accounts are a JSON 404;
 * a malformed id is a JSON 400 naming it.
 */
public final class ExplorerRoutes {
    /** Most heights one tree request may cover. */
    public static final int MAX_TREE_HEIGHTS = 2_000;
    private static final String ASSETS = "/mvpos/explorer/";
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/";
    /** The files the page may load, by name: where each is on the class path, and its type. */
    private static final Map<String, String[]> FILES = Map.of(
            "explorer.js", new String[]{ASSETS + "explorer.js", "text/javascript; charset=utf-8"},
            "tree.js", new String[]{ASSETS + "tree.js", "text/javascript; charset=utf-8"},
            "explorer.css", new String[]{ASSETS + "explorer.css", "text/css; charset=utf-8"},
            "uPlot.iife.min.js", new String[]{UPLOT + "dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uPlot.min.css", new String[]{UPLOT + "dist/uPlot.min.css", "text/css; charset=utf-8"},
            "uPlot.LICENSE.txt", new String[]{UPLOT + "LICENSE", "text/plain; charset=utf-8"});

    /** A request the explorer refuses: its status and one line. */
    static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** Heights per chunk of the tree, as the page asks for them (tree.js's CHUNK). */
    static final int BOOT_CHUNK = 256;
    private final Explorer explorer;
    private final com.fasterxml.jackson.databind.ObjectMapper json = mvpos.api.StrictJson.mapper();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final byte[] index;

    private ExplorerRoutes(Explorer explorer) {
        this.explorer = explorer;
        FILES.forEach((name, where) -> files.put(name, resource(where[0])));
        this.index = resource(ASSETS + "index.html");
    }

    /** Loads a file of the jar (the page is small: read once). */
    static byte[] resource(String path) {
        try (InputStream in = ExplorerRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves this explorer on the app. */
    public static void register(Javalin app, Explorer explorer) {
        ExplorerRoutes routes = new ExplorerRoutes(explorer);
        app.get("/", routes::index);
        app.get("/explorer/assets/{name}", routes::asset);
        app.get("/explorer/info", ctx -> ctx.json(explorer.info()));
        app.get("/explorer/status", routes::status);
        app.get("/explorer/tree", routes::tree);
        app.get("/explorer/block/{hash}", routes::block);
        app.get("/explorer/tx/{hash}", routes::transaction);
        app.get("/explorer/account/{address}", routes::account);
        app.get("/explorer/validators", routes::validators);
        app.get("/explorer/evidence", ctx -> ctx.json(explorer.evidence()));
        app.get("/explorer/events", routes::events);
        app.get("/metrics", ctx -> ctx.contentType(explorer.metrics().contentType())
                .result(explorer.metrics().scrape()));
        app.exception(Refusal.class, (e, ctx) -> ctx.status(e.status).json(Map.of("error", e.getMessage())));
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("name");
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new Refusal(404, "no such file: " + name);
        }
        ctx.contentType(FILES.get(name)[1]).header("Cache-Control", "no-cache").result(bytes);
    }

    private NodeView view(Context ctx) {
        String node = ctx.queryParam("node");
        if (node == null || node.isEmpty()) {
            return explorer.views().get(0);
        }
        int index;
        try {
            index = Integer.parseInt(node);
        } catch (NumberFormatException e) {
            throw new Refusal(400, "'node' must be a node number, from 0 to " + (explorer.views().size() - 1));
        }
        return explorer.view(index).orElseThrow(() -> new Refusal(404, "no node " + index + ": this explorer shows "
                + "nodes 0 to " + (explorer.views().size() - 1)));
    }

    private void status(Context ctx) {
        ctx.json(statusJson(view(ctx)));
    }

    private Map<String, Object> statusJson(NodeView view) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", view.index());
        body.put("name", view.name());
        body.put("head", view.head());
        body.put("finality", ExplorerJson.finality(view.finality()));
        body.put("reorgs", view.reorgs());
        body.put("recentReorgs", view.recentReorgs());
        body.put("pendingTransactions", view.pendingTransactions());
        body.put("network", view.network());
        body.put("blocksKnown", explorer.catalog().size());
        body.put("lowest", explorer.catalog().lowest());
        body.put("highest", explorer.catalog().highest());
        body.put("checkpoints", view.checkpoints());
        return body;
    }

    /**
     * The page, with what it needs first already in it (what it watches, each node's status, and the
     * highest heights of the first node's tree, in the chunks the page asks for), so that it draws
     * without waiting for three more round trips.
     */
    private void index(Context ctx) throws com.fasterxml.jackson.core.JsonProcessingException {
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("info", explorer.info());
        boot.put("statuses", explorer.views().stream().map(this::statusJson).toList());
        long highest = explorer.catalog().highest();
        long from = Math.max(0, (highest / BOOT_CHUNK - 1) * BOOT_CHUNK);
        boot.put("tree", treeJson(explorer.views().get(0), from, (highest / BOOT_CHUNK + 1) * BOOT_CHUNK - 1));
        String data = json.writeValueAsString(boot).replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026");
        String page = new String(index, java.nio.charset.StandardCharsets.UTF_8)
                .replace("<script id=\"boot\" type=\"application/json\"></script>",
                        "<script id=\"boot\" type=\"application/json\">" + data + "</script>");
        ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache").result(page);
    }

    private static long longParam(Context ctx, String name, long otherwise) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return otherwise;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Refusal(400, "'" + name + "' must be a whole number");
        }
    }

    /** The blocks of a range of heights, which of them are on the node's chain, and its checkpoints. */
    private void tree(Context ctx) {
        NodeView view = view(ctx);
        long highest = explorer.catalog().highest();
        long to = longParam(ctx, "to", highest);
        long from = longParam(ctx, "from", to - 200);
        if (to - from >= MAX_TREE_HEIGHTS) {
            throw new Refusal(400, "a tree request covers at most " + MAX_TREE_HEIGHTS + " heights");
        }
        ctx.json(treeJson(view, from, to));
    }

    private Map<String, Object> treeJson(NodeView view, long askedFrom, long askedTo) {
        long to = Math.min(askedTo, explorer.catalog().highest());
        long from = Math.max(askedFrom, explorer.catalog().lowest());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", view.index());
        body.put("from", askedFrom);
        body.put("to", askedTo);
        body.put("head", view.head());
        body.put("blocks", from > to ? List.of() : explorer.catalog().range(from, to));
        body.put("canonical", explorer.catalog().ancestors(view.head().hash(), from));
        body.put("checkpoints", view.checkpoints());
        return body;
    }

    private static byte[] hash(String id, String what) {
        if (id.length() != 64 || !id.matches("[0-9a-fA-F]+")) {
            throw new Refusal(400, "not a " + what + " hash (64 hex digits): " + abbreviate(id));
        }
        return Hex.decode(id.toLowerCase(Locale.ROOT));
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private Optional<Block> body(NodeView view, byte[] hash) {
        Optional<Block> kept = explorer.catalog().body(Hex.encode(hash));
        return kept.isPresent() ? kept : view.lookup(hash);
    }

    private void block(Context ctx) {
        NodeView view = view(ctx);
        byte[] hash = hash(ctx.pathParam("hash"), "block");
        String hex = Hex.encode(hash);
        Optional<BlockSummary> summary = explorer.catalog().get(hex);
        Optional<Block> block = body(view, hash);
        if (summary.isEmpty() && block.isEmpty()) {
            throw new Refusal(404, "no known block " + hex);
        }
        BlockSummary shown = summary.orElseGet(() -> BlockSummary.of(block.get(), view.index(), explorer.now()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("block", shown);
        body.put("canonical", explorer.catalog().ancestors(view.head().hash(), shown.height())
                .get(shown.height()) instanceof String on && on.equals(hex));
        body.put("checkpoint", view.checkpoints().get(hex));
        block.ifPresent(b -> {
            body.put("stateRoot", Hex.encode(b.header().stateRoot()));
            body.put("bodyRoot", Hex.encode(b.header().bodyRoot()));
            body.put("engine", b.header().engine());
            body.put("transactions", b.transactions().stream().map(TransactionJson::of).toList());
            body.put("votes", b.votes().stream().map(ExplorerRoutes::vote).toList());
        });
        ctx.json(body);
    }

    private static Map<String, Object> vote(mvpos.chain.Vote vote) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("validator", vote.validator().toString());
        json.put("sourceEpoch", vote.sourceEpoch());
        json.put("source", Hex.encode(vote.sourceHash()));
        json.put("targetEpoch", vote.targetEpoch());
        json.put("target", Hex.encode(vote.targetHash()));
        return json;
    }

    private void transaction(Context ctx) {
        NodeView view = view(ctx);
        String hex = Hex.encode(hash(ctx.pathParam("hash"), "transaction"));
        Optional<String> blockHash = explorer.catalog().blockOfTransaction(hex);
        Optional<Block> block = blockHash.flatMap(h -> body(view, Hex.decode(h)));
        Optional<Transaction> tx = block.flatMap(b -> b.transactions().stream()
                .filter(t -> t.hashHex().equals(hex)).findFirst());
        if (tx.isEmpty()) {
            throw new Refusal(404, "no known transaction " + hex);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction", TransactionJson.of(tx.get()));
        body.put("block", blockHash.get());
        body.put("height", block.get().height());
        ctx.json(body);
    }

    private void account(Context ctx) {
        NodeView view = view(ctx);
        String text = ctx.pathParam("address");
        Address address;
        try {
            address = Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "not an address: " + abbreviate(text));
        }
        if (explorer.lobby().isPresent()) {
            LobbyStats.Row row = explorer.lobby().get().rows().stream()
                    .filter(r -> r.address().equals(address.toString())).findFirst()
                    .orElseThrow(() -> new Refusal(404, "no validator " + address + " has proposed in this lobby"));
            ctx.json(Map.of("account", row));
            return;
        }
        State state = view.state().orElseThrow(() -> new Refusal(404, "the node has no state yet"));
        ChainSnapshot.AccountView account = ChainSnapshot.account(state, address);
        if (account.balance() == 0 && account.nonce() == 0 && account.stake() == 0 && !account.slashed()
                && account.unbonding() == 0) {
            throw new Refusal(404, "no account " + address + " on this chain (never used)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account", account);
        body.put("proposed", explorer.catalog().proposalsOnChain(view.head().hash()).getOrDefault(address.toString(), 0L));
        long headHeight = view.head().height();
        body.put("headHeight", headHeight);
        body.put("unbondingReleasedIn", account.unbonding() > 0 ? Math.max(0, account.unbondingUntil() - headHeight) : 0);
        ctx.json(body);
    }

    private void validators(Context ctx) {
        NodeView view = view(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        if (explorer.lobby().isPresent()) {
            body.put("expectedBy", "stake in each round");
            body.put("rounds", explorer.lobby().get().rounds());
            body.put("validators", explorer.lobby().get().rows());
            ctx.json(body);
            return;
        }
        List<ChainSnapshot.ValidatorView> validators = view.state().map(ChainSnapshot::validators).orElse(List.of());
        Map<String, Long> won = explorer.catalog().proposalsOnChain(view.head().hash());
        long draws = won.values().stream().mapToLong(Long::longValue).sum();
        long totalStake = validators.stream().mapToLong(ChainSnapshot.ValidatorView::stake).sum();
        boolean byStake = "pos".equals(explorer.info().engine());
        long producers = validators.stream().filter(v -> v.stake() > 0).count();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ChainSnapshot.ValidatorView v : validators) {
            double share = v.stake() == 0 ? 0 : byStake ? (double) v.stake() / totalStake : 1.0 / producers;
            long proposals = won.getOrDefault(v.address(), 0L);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", v.address());
            row.put("stake", v.stake());
            row.put("share", share);
            row.put("balance", v.balance());
            row.put("slashed", v.slashed());
            row.put("unbonding", v.unbonding());
            row.put("unbondingUntil", v.unbondingUntil());
            row.put("proposals", proposals);
            row.put("fairness", Fairness.of(proposals, draws, share));
            row.put("votes", v.votes()); // null without a finality gadget
            rows.add(row);
        }
        body.put("expectedBy", byStake ? "stake" : "equal share");
        body.put("blocks", draws);
        body.put("validators", rows);
        ctx.json(body);
    }

    private void events(Context ctx) throws IOException {
        if (!explorer.hub().hasRoom()) {
            throw new Refusal(503, "too many pages follow this explorer; try again later");
        }
        var response = ctx.res();
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        try {
            explorer.hub().stream(response.getOutputStream(), Map.of("node", explorer.info().nodes()));
        } catch (IOException e) {
            // the page went away
        }
    }
}
