package mvpos.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import mvpos.api.ApiServer;
import mvpos.chain.ChainStore;
import mvpos.chain.RocksChainStore;
import mvpos.net.P2pNode;
import mvpos.net.TcpNetwork;
import mvpos.node.Node;
import mvpos.node.NodeConfig;
import mvpos.node.NodeHome;
import mvpos.node.SecureRandomSource;
import mvpos.node.SystemClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code mvpos node --home DIR}: one node of a network, from the folder {@code mvpos testnet} wrote. */
final class HomeNodeRunner {
    private static final Logger log = LoggerFactory.getLogger("mvpos.node");

    private final Path homeDir;
    private final List<String> extraPeers;
    private final Integer p2pPort;
    private final Integer apiPort;
    private final mvpos.node.WeakSubjectivityCheckpoint checkpoint;

    /** @param checkpoint the history the operator trusts (null: none) */
    HomeNodeRunner(Path homeDir, List<String> extraPeers, Integer p2pPort, Integer apiPort,
                   mvpos.node.WeakSubjectivityCheckpoint checkpoint) {
        this.homeDir = homeDir;
        this.extraPeers = extraPeers;
        this.p2pPort = p2pPort;
        this.apiPort = apiPort;
        this.checkpoint = checkpoint;
    }

    void run() {
        NodeHome home;
        NodeConfig config;
        try {
            home = NodeHome.load(homeDir);
            config = home.config().withPorts(p2pPort, apiPort).withMorePeers(extraPeers);
        } catch (NodeHome.HomeException e) {
            throw new Main.UserError(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        Node node;
        try {
            node = Node.open(home.genesis(), RocksChainStore.open(home.dataDir()), SystemClock.INSTANCE, home.key(),
                    new SecureRandomSource(), NodeCommand.openProtection(home.dir().resolve("signed")));
        } catch (ChainStore.StoreException e) {
            throw new Main.UserError(e.getMessage());
        }
        if (checkpoint != null) {
            try {
                node.core().trustCheckpoint(checkpoint);
                log.info("following only the history whose checkpoint of epoch {} is {}", checkpoint.epoch(),
                        mvpos.crypto.Hex.encode(checkpoint.hash()));
            } catch (ChainStore.StoreException | IllegalArgumentException | IllegalStateException e) {
                node.close();
                throw new Main.UserError("--checkpoint: " + e.getMessage());
            }
        }
        P2pNode p2p;
        try {
            // The defaults: strangers get 50 slots, 8 per address; the configured peers and the peers this node
            // dials have slots of their own, so a loopback testnet's peers all fit though they share 127.0.0.1.
            TcpNetwork.Config net = TcpNetwork.Config.defaults(config.bind(), config.p2pPort());
            p2p = P2pNode.start(node, net, config.peerAddresses(), SystemClock.INSTANCE, new SecureRandomSource(),
                    Node.POW_ATTEMPTS_PER_TICK);
        } catch (TcpNetwork.StartException e) {
            node.close();
            throw new Main.UserError(e.getMessage());
        }
        ApiServer api;
        try {
            api = ApiServer.start(node, p2p, config.apiBind(), config.apiPort());
        } catch (RuntimeException e) {
            p2p.close();
            node.close();
            throw new Main.UserError("cannot serve the API on " + config.apiBind() + ":" + config.apiPort() + ": "
                    + e.getMessage());
        }
        p2p.startProducing(Math.max(10, home.genesis().blockTimeMillis() / 10));
        CountDownLatch stopped = new CountDownLatch(1);
        if (!ShutdownHook.register("node-shutdown", () -> {
            log.info("stopping: API, peers, then the chain store");
            api.close();
            p2p.close();
            node.close();
            stopped.countDown();
        })) {
            api.close(); // stopped while starting
            p2p.close();
            node.close();
            return;
        }
        log.info("node {} of chain {} ({} engine{}); head is block {}", home.key().address(),
                home.genesis().chainId(), home.genesis().engine(),
                "none".equals(home.genesis().finality()) ? "" : ", " + home.genesis().finality() + " finality",
                node.head().height());
        log.info("peers on {}:{}, bootstrap {}; HTTP API on http://{}:{}", config.bind(), p2p.network().port(),
                config.peers(), config.apiBind(), api.port());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
