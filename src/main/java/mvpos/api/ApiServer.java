package mvpos.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import mvpos.api.explorer.Explorer;
import mvpos.api.explorer.ExplorerRoutes;
import mvpos.api.explorer.NodeFeed;
import mvpos.api.explorer.NotFoundPage;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.node.Mempool;
import mvpos.node.Node;

/**
 * The node's HTTP JSON API (Javalin). Every error is a JSON object {@code {"error": "..."}} with a
 * 4xx status that says whose fault it is: 400 malformed, 404 unknown, 413 too large, 422 a valid
 * request the chain refuses.
 *
 * <pre>
 * GET  /status                 chain id, head, pending transactions; justified and finalized checkpoints (ffg);
 *                              peers, the highest head they showed, and whether the node is syncing
 * GET  /peers                  the connected peers: id, address, direction, connected since
 * GET  /accounts/{address}     balance, nonce, stake, slashed, unbonding tokens and when they are released,
 *                              and the nonce its next transaction should carry
 * GET  /blocks/latest | /blocks/{height} | /blocks/{hash}
 *                              a block; "canonical" says whether it is on the node's chain (a hash may name
 *                              a block of a fork the node still keeps)
 * POST /transactions           a signed transaction (see {@link TransactionJson}); 202 with its hash
 * GET  /                       the explorer (see {@link ExplorerRoutes}); GET /metrics, the Prometheus metrics
 * </pre>
 */
public final class ApiServer implements AutoCloseable {
    /** Largest request body accepted. */
    public static final long MAX_BODY_BYTES = 64 * 1024;

    private final Node node;
    /** The node's peer-to-peer side, or null for a node without peers (--dev). */
    private final mvpos.net.P2pNode p2p;
    private final Javalin app;
    private final ObjectMapper json = StrictJson.mapper();
    private final Explorer explorer;

    /** Thrown by a handler: the status and a one-line reason for the client. */
    static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private ApiServer(Node node, mvpos.net.P2pNode p2p, String host, int port) throws InterruptedException {
        this.node = node;
        this.p2p = p2p;
        this.explorer = NodeFeed.attach(node, p2p, json);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.modifyServer(server -> server.setErrorHandler(StrictJson.jettyErrorHandler()));
        });
        ExplorerRoutes.register(app, explorer);
        app.get("/status", this::status);
        app.get("/peers", this::peers);
        app.get("/accounts/{address}", this::account);
        app.get("/blocks/{id}", this::block);
        app.post("/transactions", this::submit);
        app.exception(ApiError.class, (e, ctx) -> ctx.status(e.status).json(Map.of("error", e.getMessage())));
        NotFoundPage.answerErrors(app);
        app.error(413, ctx -> ctx.json(Map.of("error", "request body larger than " + MAX_BODY_BYTES + " bytes")));
        app.start(host, port);
    }

    /** Serves the API (and the explorer, and the metrics) of a node without peers. */
    public static ApiServer start(Node node, String host, int port) {
        return start(node, null, host, port);
    }

    /** The API of a node on a network: also its peers and sync status. */
    public static ApiServer start(Node node, mvpos.net.P2pNode p2p, String host, int port) {
        try {
            return new ApiServer(node, p2p, host, port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the API", e);
        }
    }

    /** What the explorer at {@code /} shows (also the metrics at {@code /metrics}). */
    public Explorer explorer() {
        return explorer;
    }

    public int port() {
        return app.port();
    }

    private void status(Context ctx) throws InterruptedException, ExecutionException, ChainStore.StoreException {
        Block head = node.head();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chainId", node.genesis().chainId());
        body.put("engine", node.genesis().engine());
        body.put("height", head.height());
        body.put("head", Hex.encode(head.hash()));
        body.put("genesis", Hex.encode(node.blockAt(0).orElseThrow().hash()));
        body.put("pendingTransactions", node.pendingTransactions());
        body.put("finality", node.genesis().finality());
        if (p2p != null) {
            long highest = p2p.highestPeerHeight();
            body.put("peers", p2p.network().peers().size());
            body.put("highestPeerHeight", highest);
            body.put("syncing", highest > head.height() + 1);
        }
        node.finality().ifPresent(f -> {
            body.put("epoch", f.epoch());
            body.put("justified", checkpoint(f.justified()));
            body.put("finalized", checkpoint(f.finalized()));
            body.put("dynasty", f.dynasty());
            body.put("participation", f.participationBasisPoints() / 10_000.0);
            body.put("finalityStalled", f.stalled());
            if (f.stalled()) {
                body.put("stalledSinceEpoch", f.stalledSince());
                body.put("finalityMessage", f.describe());
            }
            body.put("inactivityLeak", f.leaking());
        });
        ctx.json(body);
    }

    private static Map<String, Object> checkpoint(mvpos.chain.Checkpoint checkpoint) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", checkpoint.epoch());
        json.put("hash", Hex.encode(checkpoint.hash()));
        return json;
    }

    private void peers(Context ctx) {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        if (p2p != null) {
            for (mvpos.net.TcpNetwork.PeerInfo peer : p2p.network().peers()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("id", peer.id().name());
                json.put("address", peer.address().getHostString() + ":" + peer.address().getPort());
                json.put("direction", peer.direction().name().toLowerCase(java.util.Locale.ROOT));
                json.put("connectedSince", peer.connectedSince().toString());
                list.add(json);
            }
        }
        ctx.json(list);
    }

    private void account(Context ctx) throws InterruptedException, ExecutionException {
        Address address;
        try {
            address = Address.parse(ctx.pathParam("address"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
        mvpos.state.State state = node.headState();
        Account account = state.account(address);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("address", address.toString());
        body.put("balance", account.balance());
        body.put("nonce", account.nonce());
        body.put("stake", account.stake());
        body.put("slashed", account.slashed());
        body.put("unbonding", account.unbonding());
        if (account.unbonding() > 0) {
            body.put("release", release(state, address, account));
        }
        body.put("nextNonce", node.nextNonce(address));
        ctx.json(body);
    }

    /**
     * When an account's unbonding tokens join its balance: at a height (chains without finality), or
     * once a checkpoint of an epoch is finalized and no dynasty counts them (Casper FFG).
     */
    private static Map<String, Object> release(mvpos.state.State state, Address address, Account account) {
        Map<String, Object> release = new LinkedHashMap<>();
        java.util.Optional<mvpos.state.FinalityState> finality = state.finality();
        if (finality.isEmpty()) {
            release.put("atHeight", account.unbondingUntil());
            return release;
        }
        mvpos.state.FinalityState f = finality.get();
        int index = f.validators().indexOf(address);
        boolean counted = index >= 0 && f.validators().highestCeiling(index) > account.stake();
        release.put("afterFinalizedEpoch", account.unbondingUntil());
        release.put("finalizedEpoch", f.finalized().epoch());
        release.put("stillCountedByADynasty", counted);
        release.put("releasable", mvpos.state.CasperFfg.isWithdrawable(address, account, f));
        return release;
    }

    private void block(Context ctx) throws ChainStore.StoreException, InterruptedException, ExecutionException {
        String id = ctx.pathParam("id");
        if (id.length() == 2 * mvpos.crypto.Sha256.LENGTH) {
            blockByHash(ctx, id);
            return;
        }
        Block block;
        if (id.equals("latest")) {
            block = node.head();
        } else {
            long height;
            try {
                height = Long.parseLong(id);
            } catch (NumberFormatException e) {
                throw notABlockId(id);
            }
            block = node.blockAt(height).orElseThrow(() -> new ApiError(404, "no block at height " + height
                    + " (the head is " + node.head().height() + ")"));
        }
        Map<String, Object> body = blockJson(block);
        body.put("canonical", true);
        ctx.json(body);
    }

    private static ApiError notABlockId(String id) {
        return new ApiError(400, "'" + id + "' is not a block height, a block hash (64 hex digits) or 'latest'");
    }

    /** A block the node knows by hash, on its canonical chain or on a fork it still keeps. */
    private void blockByHash(Context ctx, String id) throws InterruptedException, ExecutionException {
        byte[] hash;
        try {
            hash = Hex.decode(id);
        } catch (IllegalArgumentException e) {
            throw notABlockId(id);
        }
        Node.KnownBlock known = node.blockByHash(hash).orElseThrow(() -> new ApiError(404, "no known block "
                + id));
        Map<String, Object> body = blockJson(known.block());
        body.put("canonical", known.canonical());
        ctx.json(body);
    }

    /**
     * The request body, at most {@link #MAX_BODY_BYTES}: a larger one is refused with 413 whether it
     * declares its length or comes in chunks, and no more of it is read than the limit.
     */
    private static byte[] boundedBody(Context ctx) throws java.io.IOException {
        if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) {
            throw new ApiError(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] bytes = ctx.req().getInputStream().readNBytes((int) MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        return bytes;
    }

    private void submit(Context ctx) throws InterruptedException, ExecutionException, java.io.IOException {
        TransactionJson body;
        try {
            body = json.readValue(boundedBody(ctx), TransactionJson.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiError(400, "not a transaction: " + StrictJson.describe(e));
        }
        if (body == null) {
            throw new ApiError(400, "not a transaction: empty body");
        }
        mvpos.chain.Transaction tx;
        try {
            tx = body.toTransaction();
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "not a transaction: " + e.getMessage());
        }
        Mempool.Admission admission = node.submit(tx);
        if (admission instanceof Mempool.Refused refused) {
            throw new ApiError(422, "refused: " + refused.reason());
        }
        ctx.status(202).json(Map.of("hash", ((Mempool.Accepted) admission).txHash()));
    }

    static Map<String, Object> blockJson(Block block) {
        Header header = block.header();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("height", header.height());
        body.put("hash", Hex.encode(block.hash()));
        body.put("parentHash", Hex.encode(header.parentHash()));
        body.put("timestamp", header.timestamp());
        body.put("slot", header.slot());
        body.put("proposer", header.proposer().toString());
        body.put("engine", header.engine());
        body.put("stateRoot", Hex.encode(header.stateRoot()));
        body.put("txRoot", Hex.encode(header.bodyRoot()));
        List<TransactionJson> txs = block.transactions().stream().map(TransactionJson::of).toList();
        body.put("transactions", txs);
        return body;
    }

    @Override
    public void close() {
        app.stop();
    }
}
