package mvpos.sim;

import mvpos.crypto.HashKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.MemoryChainStore;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.Engines;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.net.Gossip;
import mvpos.node.NodeCore;
import mvpos.node.SignatureCache;
import mvpos.node.TransitionCache;

/**
 * A whole network in one process: N validator nodes, each with its own key, store, block tree and
 * mempool, all from one generated genesis, talking through a {@link SimNetwork} on one
 * {@link EventQueue}. Time and randomness come from the queue and from sources seeded by the run's
 * seed, so a run is reproducible byte for byte; in real-time mode the same run is paced by the wall
 * clock.
 *
 * <p>The nodes share a {@link SignatureCache} and a {@link TransitionCache}: verifying a signature or
 * applying a block gives the same answer on every node, so the process does it once.
 */
public final class Devnet implements DevnetTypes {
    /** The virtual start of a seeded run: 2026-01-01T00:00:00Z. */
    public static final long SEEDED_START_MILLIS = 1_767_225_600_000L;
    public static final String CHAIN_ID = "mvpos-devnet";
    public static final long BLOCK_REWARD = 10;
    /** Proof-of-work ticks per slot; each node tries {@link DevnetTypes.Config#powAttemptsPerTick()} candidates per tick. */
    public static final int POW_TICKS_PER_SLOT = 10;





    private final Config config;
    private final Genesis genesis;
    private final List<KeyPair> keys;
    private final Map<Address, Integer> nodeOf = new java.util.HashMap<>();
    private final EventQueue events;
    private final SimNetwork network;
    private final List<Gossip> nodes = new ArrayList<>();
    private final Set<HashKey> seenHeads = new HashSet<>();
    /** The height of every block that was some node's head, for the fork count. */
    private final Map<HashKey, Long> headHeights = new java.util.LinkedHashMap<>();
    private int reorganisations;
    private int deepestReorganisation;
    private final Consumer<HeadEvent> onHead;
    private final java.util.function.IntFunction<mvpos.node.Strategy> strategies;
    private long highestHead;
    private long highestJustified;
    private long highestFinalized;
    private Consumer<FinalityEvent> onFinality = event -> { };
    private Consumer<EvidenceEvent> onEvidence = event -> { };
    private boolean producing;
    private boolean tickScheduled;

    public Devnet(Config config, Consumer<HeadEvent> onHead) throws Exception {
        this(config, onHead, index -> null);
    }

    /**
     * A devnet whose validator {@code i} behaves as {@code strategies.apply(i)} says (null: as the
     * configuration says, honest or offline): how the attack labs put adversaries among honest nodes.
     */
    public Devnet(Config config, Consumer<HeadEvent> onHead,
                  java.util.function.IntFunction<mvpos.node.Strategy> strategies) throws Exception {
        this(config, onHead, strategies, DevnetSetup.DEFAULT);
    }

    private final DevnetSetup setup;
    private final mvpos.state.GenesisState genesisState;
    private final ConsensusEngine template;
    private final SignatureCache signatures;
    private final TransitionCache transitions;
    private final List<MemoryChainStore> stores = new ArrayList<>();
    private final List<mvpos.node.SlashingProtection> protections = new ArrayList<>();
    private final HashDrbg restartRandom;
    private final List<java.util.function.ObjIntConsumer<NodeCore>> nodeStarted = new ArrayList<>();

    /** A devnet with validators behaving as {@code strategies} says, extended as {@code setup} says. */
    public Devnet(Config config, Consumer<HeadEvent> onHead,
                  java.util.function.IntFunction<mvpos.node.Strategy> strategies, DevnetSetup setup) throws Exception {
        this.config = config;
        this.onHead = onHead;
        this.strategies = strategies;
        this.setup = setup;
        if (!setup.stakes().isEmpty() && setup.stakes().size() != config.validators()) {
            throw new IllegalArgumentException("stakes name " + setup.stakes().size() + " validators, not "
                    + config.validators());
        }
        HashDrbg random = new HashDrbg(config.seed());
        this.keys = new ArrayList<>();
        for (int i = 0; i < config.validators(); i++) {
            KeyPair key = KeyPair.generate(random);
            keys.add(key);
            nodeOf.put(key.address(), i);
        }
        this.genesis = DevnetGenesis.of(config, keys, random, setup.stakes(), powTicks(setup));
        this.template = Engines.named(config.engine());
        this.events = new EventQueue(config.startMillis(), config.realTime());
        HashDrbg networkRandom = new HashDrbg(random.nextLong());
        this.network = setup.network(events, networkRandom, config.latencyMillis(), config.jitterMillis());
        this.genesisState = mvpos.state.GenesisState.of(genesis);
        this.signatures = new SignatureCache(genesisState.domain(), 1_000_000);
        this.transitions = new TransitionCache(16_384);
        this.hosts = setup.validatorNodes(config.validators());
        for (int v = 0; v < config.validators(); v++) {
            protections.add(mvpos.node.SlashingProtection.inMemory());
        }
        int total = hosts + setup.followers();
        for (int i = 0; i < total; i++) {
            int index = i;
            stores.add(new MemoryChainStore());
            List<HashDrbg> validatorRandoms = validatorRandoms(i, random);
            network.join((from, message) -> nodes.get(index).onMessage(from, message, nodeMillis(index)));
            nodes.add(start(i, validatorRandoms));
        }
        this.restartRandom = new HashDrbg(random.nextLong());
    }

    private final int hosts;

    /**
     * The validators node {@code node} runs: validator {@code node} alone when each has its own node;
     * with fewer hosts, every validator whose index is {@code node} modulo the number of hosts; none for a
     * follower.
     */
    public List<Integer> hostedBy(int node) {
        List<Integer> hosted = new ArrayList<>();
        if (node < hosts) {
            for (int v = node; v < config.validators(); v += hosts) {
                hosted.add(v);
            }
        }
        return hosted;
    }

    /** A random source for each validator node {@code node} runs, each seeded from {@code seeds}. */
    private List<HashDrbg> validatorRandoms(int node, HashDrbg seeds) {
        List<HashDrbg> randoms = new ArrayList<>();
        for (int k = hostedBy(node).size(); k > 0; k--) {
            randoms.add(new HashDrbg(seeds.nextLong()));
        }
        return randoms;
    }

    /** The node that runs validator {@code validator}. */
    public int hostOf(int validator) {
        return validator % hosts;
    }

    /** Builds node {@code index} on its store (a new one, or after a crash the one it had): the recovery path. */
    private Gossip start(int index, List<HashDrbg> validatorRandoms) throws Exception {
        NodeCore core = new NodeCore(genesisState, template.configure(genesis), stores.get(index), signatures,
                transitions);
        List<mvpos.node.Validator> validators = new ArrayList<>();
        List<Integer> hosted = hostedBy(index);
        for (int k = 0; k < hosted.size(); k++) {
            int v = hosted.get(k);
            validators.add(new mvpos.node.Validator(core, keys.get(v), protections.get(v), strategyOf(v),
                    validatorRandoms.get(k), config.powAttemptsPerTick()));
        }
        core.onHeadChanged(change -> reportHead(index, change));
        if (index == 0) {
            core.onHeadChanged(change -> stallWatch.watch(core, events.millis()));
        }
        core.onFinalityChanged(change -> reportFinality(index, change));
        core.onEvidence(evidence -> onEvidence.accept(new EvidenceEvent(index, evidence.offender().toString(),
                nodeOf.getOrDefault(evidence.offender(), -1), switch (evidence) {
                    case mvpos.chain.SlashingEvidence.VotePair pair -> "slashable votes";
                    case mvpos.chain.SlashingEvidence.HeaderPair pair -> "two blocks for one slot";
                    case mvpos.chain.SlashingEvidence.StatementPair pair -> "two " + pair.first().kind() + " for one round";
                }, events.millis())));
        Gossip gossip = Gossip.hosting(core, validators, network.endpointOf(index));
        gossip.pauseEngine(!producing);
        gossip.setWaker(at -> events.scheduleAt(Math.max(events.millis(), at - (nodeMillis(index) - events.millis())),
                () -> {
                    if (!network.isDown(index) && nodes.get(index) == gossip) {
                        gossip.onWake(nodeMillis(index));
                    }
                }));
        return gossip;
    }

    /** Production on or off: an engine protocol starts nothing while it is off. */
    private void setProducing(boolean on) {
        producing = on;
        nodes.forEach(node -> node.pauseEngine(!on));
    }

    /** Node {@code index}'s clock: the network's time plus its skew. */
    public long nodeMillis(int index) {
        return events.millis() + (index < setup.clockSkew().length ? setup.clockSkew()[index] : 0);
    }

    /** Node {@code index} crashes: it loses what it held in memory and what was on the way to it, not its store. */
    public void crash(int index) {
        network.setDown(index, true);
    }

    /** Node {@code index} starts again from its own store, through the node's recovery path, and reconnects. */
    public void restart(int index) throws Exception {
        Gossip started = start(index, validatorRandoms(index, restartRandom));
        nodes.set(index, started);
        network.setDown(index, false);
        for (var listener : nodeStarted) {
            listener.accept(started.node(), index);
        }
    }

    public boolean isDown(int index) {
        return network.isDown(index);
    }

    /** Calls {@code listener} with every node now and with each node started again later (after a crash). */
    public void onNodeStarted(java.util.function.ObjIntConsumer<NodeCore> listener) {
        nodeStarted.add(listener);
        for (int i = 0; i < nodes.size(); i++) {
            listener.accept(nodes.get(i).node(), i);
        }
    }

    /** Validator i's behaviour: the last {@code offline} ones go offline from their slot, the others are honest. */
    private mvpos.node.Strategy strategyOf(int index) {
        mvpos.node.Strategy chosen = strategies.apply(index);
        if (chosen != null) {
            return chosen;
        }
        if (index >= config.validators() - config.offline()) {
            return new mvpos.node.OfflineStrategy(config.startMillis() + config.offlineFromSlot() * config.slotMillis());
        }
        return mvpos.node.HonestStrategy.INSTANCE;
    }

    /** The genesis of a devnet: each validator funded and staked, the engine's parameters filled in. */
    static Genesis genesis(Config config, List<KeyPair> keys, HashDrbg random) {
        return DevnetGenesis.of(config, keys, random, List.of(), POW_TICKS_PER_SLOT);
    }

    private static int powTicks(DevnetSetup setup) {
        return setup.powTicks() > 0 ? setup.powTicks() : POW_TICKS_PER_SLOT;
    }

    private void reportHead(int node, NodeCore.HeadChanged change) {
        Block head = change.head();
        highestHead = Math.max(highestHead, head.height());
        if (change.reorgDepth() > 0) {
            reorganisations++;
            deepestReorganisation = Math.max(deepestReorganisation, change.reorgDepth());
        }
        headHeights.putIfAbsent(HashKey.of(head.hash()), head.height());
        if (!seenHeads.add(HashKey.of(head.hash()))) {
            return;
        }
        Address proposer = head.header().proposer();
        var finality = nodes.size() > node ? nodes.get(node).node().headFinality()
                : java.util.Optional.<mvpos.state.FinalityState>empty();
        long justifiedEpoch = finality.map(f -> f.currentJustified().epoch()).orElse(-1L);
        String justifiedHash = finality.map(f -> Hex.encode(f.currentJustified().hash())).orElse("");
        long finalizedEpoch = finality.map(f -> f.finalized().epoch()).orElse(-1L);
        String finalizedHash = finality.map(f -> Hex.encode(f.finalized().hash())).orElse("");
        onHead.accept(new HeadEvent(node, head.height(), head.header().slot(), Hex.encode(head.hash()),
                Hex.encode(head.header().parentHash()), proposer.toString(), nodeOf.getOrDefault(proposer, -1),
                head.header().engine(), head.transactions().size(), events.millis(), change.reorgDepth(),
                justifiedEpoch, justifiedHash, finalizedEpoch, finalizedHash));
    }

    private void reportFinality(int node, NodeCore.FinalityChanged change) {
        mvpos.state.FinalityState f = nodes.get(node).node().headFinality().orElseThrow();
        if (change.justified().epoch() > highestJustified) {
            highestJustified = change.justified().epoch();
            onFinality.accept(new FinalityEvent(node, "justified", highestJustified,
                    Hex.encode(change.justified().hash()), events.millis(), f.dynasty(), f.participationBasisPoints()));
        }
        if (change.finalized().epoch() > highestFinalized) {
            highestFinalized = change.finalized().epoch();
            onFinality.accept(new FinalityEvent(node, "finalized", highestFinalized,
                    Hex.encode(change.finalized().hash()), events.millis(), f.dynasty(), f.participationBasisPoints()));
        }
    }


    private final StallWatch stallWatch = new StallWatch();

    /** Receives each stall and recovery of finality, as node 0 sees it. */
    public void onStall(Consumer<StallEvent> listener) {
        stallWatch.listener = listener;
    }


    /** What applying each block gave, shared by the nodes (by block hash; the most recent blocks). */
    public TransitionCache transitions() {
        return transitions;
    }

    /** Receives each offence seen by a node. */
    public void onEvidence(Consumer<EvidenceEvent> listener) {
        this.onEvidence = listener;
    }

    /** Receives each checkpoint justified or finalized for the first time on any node. */
    public void onFinality(Consumer<FinalityEvent> listener) {
        this.onFinality = listener;
    }

    private long tickMillis() {
        return "pow".equals(config.engine()) ? Math.max(1, config.slotMillis() / powTicks(setup)) : config.slotMillis();
    }

    private void tick() throws Exception {
        tickScheduled = false;
        if (!producing) {
            return;
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (!network.isDown(i)) {
                nodes.get(i).onTick(nodeMillis(i));
            }
        }
        events.schedule(tickMillis(), this::tick);
        tickScheduled = true;
    }

    /** Turns production on: the next tick comes at the next tick boundary after genesis's first slot. */
    private void startProducing() {
        setProducing(true);
        if (!tickScheduled) {
            long first = config.startMillis() + config.slotMillis();
            long now = events.millis();
            long next = now <= first ? first
                    : config.startMillis() + Math.ceilDiv(now - config.startMillis(), tickMillis()) * tickMillis();
            events.scheduleAt(next, this::tick);
            tickScheduled = true;
        }
    }

    /**
     * Runs until some node's head reaches {@code blocks} (0: no limit) or {@code durationMillis} of
     * virtual time have passed (0: no limit), then stops producing and lets the messages in flight
     * arrive, and says whether every node ended on the same head.
     */
    public Summary run(long blocks, long durationMillis) throws Exception {
        return run(blocks, durationMillis, () -> false);
    }

    /** {@link #run(long, long)}, stopping early (without settling) when {@code stop} says so. */
    public Summary run(long blocks, long durationMillis, java.util.function.BooleanSupplier stop) throws Exception {
        startProducing();
        long until = durationMillis > 0 ? config.startMillis() + durationMillis : Long.MAX_VALUE;
        events.run(until, () -> blocks > 0 && highestHead >= blocks || stop.getAsBoolean());
        if (stop.getAsBoolean()) {
            setProducing(false);
            return summary();
        }
        return settle();
    }

    /** Stops production, delivers what is in flight, and summarises. */
    public Summary settle() throws Exception {
        setProducing(false);
        long settle = setup.settleMillis() > 0 ? setup.settleMillis()
                : 2 * (config.latencyMillis() + config.jitterMillis()) + config.slotMillis() + 1;
        events.run(events.millis() + settle, () -> false);
        return summary();
    }

    private Summary summary() {
        Map<HashKey, Integer> heads = new java.util.HashMap<>();
        for (Gossip node : nodes) {
            heads.merge(HashKey.of(node.node().head().hash()), 1, Integer::sum);
        }
        Map.Entry<HashKey, Integer> most = heads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return new Summary(highestHead, nodes.size(), most.getValue(), Hex.encode(most.getKey().bytes()),
                events.millis() - config.startMillis(), events.executed(), network.delivered(), network.dropped());
    }



    /** Summarises the chain of the run so far (call after {@link #run} or {@link #settle}). */
    public ChainSummary chainSummary() throws mvpos.chain.ChainStore.StoreException {
        return DevnetChainSummary.of(nodes.get(0).node(), keys,
                "pos".equals(config.engine()) || mvpos.consensus.bft.BftEngine.NAME.equals(config.engine()), headHeights,
                reorganisations, deepestReorganisation);
    }

    /** Runs the queue for {@code millis} of virtual time with production on (for scenarios and tests). */
    public void advance(long millis) throws Exception {
        startProducing();
        events.run(events.millis() + millis, () -> false);
    }

    public Genesis genesis() {
        return genesis;
    }

    public List<KeyPair> keys() {
        return List.copyOf(keys);
    }

    /** Validator {@code index}'s key. */
    public KeyPair key(int index) {
        return keys.get(index);
    }

    public NodeCore node(int index) {
        return nodes.get(index).node();
    }

    public Gossip gossip(int index) {
        return nodes.get(index);
    }

    public SimNetwork network() {
        return network;
    }

    public EventQueue events() {
        return events;
    }

    public int size() {
        return nodes.size();
    }
}
