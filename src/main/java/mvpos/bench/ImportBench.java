package mvpos.bench;

import static mvpos.bench.Measure.format;
import static mvpos.bench.Measure.processCpuNanos;
import static mvpos.bench.Measure.round;
import static mvpos.bench.Measure.seconds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.RocksChainStore;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.consensus.PoaEngine;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.node.Node;
import mvpos.node.SystemClock;
import mvpos.state.BlockContext;
import mvpos.state.State;
import mvpos.state.StateTransition;

/**
 * The load behind {@code mvpos bench import}: builds a poa-sealed chain of signed transfers in
 * memory, imports it into a fresh {@link Node} over RocksDB with {@link Node#importBlocks}, and
 * compares the import rate with what the machine's cores could verify (Ed25519 verifications per
 * second on one thread, times the cores).
 *
 * <p>A second pass replays the import's steps one at a time on another fresh store (parallel
 * signature checks, header checks, transaction rules, state root, RocksDB commit) to show where
 * the time goes; the headline figure is always the first pass, through the node itself.
 */
public final class ImportBench {
    public static final String CHAIN_ID = "mvpos-bench";
    /** Fixed, so the same seed gives the same chain, block hashes included. */
    static final long GENESIS_TIMESTAMP = 1_700_000_000_000L;
    static final long BLOCK_TIME_MILLIS = 1_000;
    static final long BLOCK_REWARD = 10;
    /** Every account's starting balance: more than it can spend even if it sent every transfer of the chain. */
    static final long ACCOUNT_BALANCE = 1_000_000_000L;
    static final long VALIDATOR_STAKE = 1_000_000L;
    static final long MAX_AMOUNT = 100;
    static final long FEE = 1;

    /** Bounds the command enforces: the whole chain is held in memory, and an import batch must fit the node's signature cache. */
    public static final int MAX_BLOCKS = 100_000;
    public static final int MAX_ACCOUNTS = 1_000_000;
    public static final int MAX_BATCH = 100;
    public static final long MAX_TRANSACTIONS = 2_000_000;

    /** The share of the ideal (verify rate x cores) the import should reach. */
    public static final double TARGET_SHARE = 0.70;

    /** The sizes of one run. */
    public record Config(int blocks, int txsPerBlock, int accounts, int batch, long seed, int runs) {
        public Config {
            if (blocks < 1 || txsPerBlock < 1 || accounts < 2 || batch < 1 || runs < 1) {
                throw new IllegalArgumentException("blocks, transactions per block and batch must be positive, accounts at least 2");
            }
        }

        public long transactions() {
            return (long) blocks * txsPerBlock;
        }
    }

    /** Blocks imported once, untimed, before the timed imports. */
    static final int WARM_UP_BLOCKS = 40;

    /** A chain built in memory: its genesis and blocks 1 to N, and how long building took. */
    public record Chain(Genesis genesis, List<Block> blocks, double signSeconds, double buildSeconds) {
        public Block head() {
            return blocks.get(blocks.size() - 1);
        }

        public long transactions() {
            return blocks.stream().mapToLong(b -> b.transactions().size()).sum();
        }
    }

    /** What the timed import reached. */
    public record ImportFigures(long height, String headHash, long transactions, double seconds, double cpuSeconds) {
        public double txPerSecond() {
            return transactions / seconds;
        }

        public double blocksPerSecond() {
            return height / seconds;
        }
    }

    /** Single-thread Ed25519 verifications over the chain's own transactions. */
    public record VerifyRate(long verifications, double seconds) {
        public double perSecond() {
            return verifications / seconds;
        }
    }

    /**
     * Seconds spent in each step of the replayed import: {@code cacheLookups} is the part of
     * {@code rules} spent asking the signature cache (which hashes each transaction again), and
     * {@code encoding} an estimate, timed apart, of the part of {@code commit} spent encoding blocks.
     */
    public record Phases(double signatures, double headers, double rules, double cacheLookups, double stateRoot,
                         double commit, double encoding) {
        public double total() {
            return signatures + headers + rules + stateRoot + commit;
        }

        /** Everything the node does on its one loop thread, after the parallel signature checks. */
        public double sequential() {
            return headers + rules + stateRoot + commit;
        }
    }

    /** Every figure of one run. */
    public record Report(Config config, Chain chain, ImportFigures imported, VerifyRate verify, int cores, Phases phases,
                         double loadAverageAtStart) {
        /** What the cores could verify at best, per second. */
        public double capacity() {
            return verify.perSecond() * cores;
        }

        public double target() {
            return TARGET_SHARE * capacity();
        }

        public double percentOfCapacity() {
            return 100 * imported.txPerSecond() / capacity();
        }

        /** The figures for {@code --json}, in a stable order. */
        public Map<String, Object> figures() {
            Map<String, Object> phaseSeconds = new LinkedHashMap<>();
            phaseSeconds.put("signaturesParallel", round(phases.signatures()));
            phaseSeconds.put("headerChecks", round(phases.headers()));
            phaseSeconds.put("transactionRules", round(phases.rules()));
            phaseSeconds.put("signatureCacheLookups", round(phases.cacheLookups()));
            phaseSeconds.put("stateAndStateRoot", round(phases.stateRoot()));
            phaseSeconds.put("rocksdbCommit", round(phases.commit()));
            phaseSeconds.put("blockEncoding", round(phases.encoding()));
            phaseSeconds.put("signaturesAtVerifyRateTimesCores", round(imported.transactions() / capacity()));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("blocks", config.blocks());
            f.put("txsPerBlock", config.txsPerBlock());
            f.put("accounts", config.accounts());
            f.put("batch", config.batch());
            f.put("seed", config.seed());
            f.put("transactions", imported.transactions());
            f.put("buildSeconds", round(chain.buildSeconds()));
            f.put("buildSignSeconds", round(chain.signSeconds()));
            f.put("importSeconds", round(imported.seconds()));
            f.put("importTxPerSecond", Math.round(imported.txPerSecond()));
            f.put("importBlocksPerSecond", round(imported.blocksPerSecond()));
            f.put("importCpuSeconds", round(imported.cpuSeconds()));
            f.put("verifyPerSecondPerCore", Math.round(verify.perSecond()));
            f.put("verifySeconds", round(verify.seconds()));
            f.put("cores", cores);
            f.put("loadAverageAtStart", round(loadAverageAtStart));
            f.put("targetTxPerSecond", Math.round(target()));
            f.put("percentOfCapacity", round(percentOfCapacity()));
            f.put("onTarget", imported.txPerSecond() >= target());
            f.put("headHeight", imported.height());
            f.put("headHash", imported.headHash());
            f.put("phaseSeconds", phaseSeconds);
            return f;
        }
    }

    private ImportBench() {
    }

    /**
     * Builds, measures and imports, in a temporary directory under {@code parent} (the system's
     * when null) that is deleted at the end. {@code progress} receives the readable result lines
     * as each step ends.
     */
    public static Report run(Config config, Path parent, double verifySeconds, Consumer<String> progress)
            throws IOException, ChainStore.StoreException, InterruptedException, ExecutionException {
        double load = Measure.loadAverage();
        progress.accept(Measure.loadLine(load));
        Chain chain = build(config);
        progress.accept(format("built %,d blocks x %,d transfers (%,d transactions among %,d accounts) in %.2f s "
                        + "(signing, in parallel, %.2f s; state roots and seals %.2f s)",
                config.blocks(), config.txsPerBlock(), chain.transactions(), config.accounts(), chain.buildSeconds(),
                chain.signSeconds(), chain.buildSeconds() - chain.signSeconds()));

        // The verify rate is measured before and after the imports and averaged: on a shared machine the
        // speed of a core drifts, and the ratio should compare the import with the same machine.
        VerifyRate before = measureVerifyRate(chain, verifySeconds / 2);
        int cores = Runtime.getRuntime().availableProcessors();

        Path work = parent == null ? Files.createTempDirectory("mvpos-bench-import")
                : Files.createTempDirectory(parent, "mvpos-bench-import");
        try {
            // Warm-up, as the verify rate had one: the same import of the chain's first blocks into a
            // throwaway store, so that the timed import does not pay for compiling the node's code.
            Chain start = new Chain(chain.genesis(), chain.blocks().subList(0, Math.min(WARM_UP_BLOCKS,
                    chain.blocks().size())), 0, 0);
            importChain(start, config.batch(), work.resolve("warm-up"));
            List<ImportFigures> runs = new ArrayList<>();
            for (int r = 1; r <= config.runs(); r++) {
                ImportFigures run = importChain(chain, config.batch(), work.resolve("import-" + r));
                runs.add(run);
                progress.accept(format("import %d of %d: %,d blocks (%,d transactions) into a new node over RocksDB, "
                                + "batches of %d, in %.2f s: %,.0f transactions/s, %,.1f blocks/s (the process used %.2f "
                                + "CPU-seconds: %.2f of %d cores busy)",
                        r, config.runs(), run.height(), run.transactions(), config.batch(), run.seconds(),
                        run.txPerSecond(), run.blocksPerSecond(), run.cpuSeconds(), run.cpuSeconds() / run.seconds(),
                        cores));
            }
            VerifyRate after = measureVerifyRate(chain, verifySeconds / 2);
            VerifyRate verify = new VerifyRate(before.verifications() + after.verifications(),
                    before.seconds() + after.seconds());
            progress.accept(format("Ed25519 verify, one thread, on the chain's transactions: %,.0f verifications/s per "
                            + "core before the imports, %,.0f after, %,.0f together; %d cores", before.perSecond(),
                    after.perSecond(), verify.perSecond(), cores));
            ImportFigures imported = runs.stream().sorted(java.util.Comparator.comparingDouble(ImportFigures::seconds))
                    .toList().get(runs.size() / 2);
            if (runs.size() > 1) {
                progress.accept(format("median of %d imports: %,.0f transactions/s, %,.1f blocks/s", runs.size(),
                        imported.txPerSecond(), imported.blocksPerSecond()));
            }
            double capacity = verify.perSecond() * cores;
            progress.accept(format("target: %.0f%% of %,.0f x %d = %,.0f transactions/s; import reached %,.0f "
                            + "= %.1f%% of verify rate x cores (%s)",
                    TARGET_SHARE * 100, verify.perSecond(), cores, TARGET_SHARE * capacity, imported.txPerSecond(),
                    100 * imported.txPerSecond() / capacity,
                    imported.txPerSecond() >= TARGET_SHARE * capacity ? "on target" : "below target"));

            Phases phases = replayPhases(chain, config.batch(), work.resolve("phases"));
            double total = phases.total();
            progress.accept(format("where the time goes (the import's steps replayed one at a time, %.2f s in all):",
                    total));
            progress.accept(format("  signatures, in parallel   %6.2f s %3.0f%%  (at verify rate x cores it would take %.2f s)",
                    phases.signatures(), 100 * phases.signatures() / total, imported.transactions() / capacity));
            progress.accept(format("  then on the node's loop:  %6.2f s %3.0f%%", phases.sequential(),
                    100 * phases.sequential() / total));
            progress.accept(format("    seals and tx roots      %6.2f s %3.0f%%", phases.headers(),
                    100 * phases.headers() / total));
            progress.accept(format("    transaction rules       %6.2f s %3.0f%%  (of which %.2f s asking the signature cache)",
                    phases.rules(), 100 * phases.rules() / total, phases.cacheLookups()));
            progress.accept(format("    state and state root    %6.2f s %3.0f%%", phases.stateRoot(),
                    100 * phases.stateRoot() / total));
            progress.accept(format("    RocksDB commit          %6.2f s %3.0f%%  (of which about %.2f s encoding the blocks)",
                    phases.commit(), 100 * phases.commit() / total, phases.encoding()));
            return new Report(config, chain, imported, verify, cores, phases, load);
        } finally {
            deleteRecursively(work);
        }
    }

    /**
     * Builds the chain: a genesis with the validator (stake only) and {@code accounts} funded
     * accounts, all keys drawn from {@code HashDrbg(seed)}; then blocks of random transfers, signed
     * in parallel, applied with the state transition exactly as {@link Node} produces a block, and
     * sealed by the validator.
     */
    public static Chain build(Config config) {
        long start = System.nanoTime();
        HashDrbg random = new HashDrbg(config.seed());
        KeyPair validator = KeyPair.generate(random);
        KeyPair[] keys = new KeyPair[config.accounts()];
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = KeyPair.generate(random);
            accounts.put(keys[i].address(), new Account(ACCOUNT_BALANCE, 0, 0));
        }
        accounts.put(validator.address(), new Account(0, 0, VALIDATOR_STAKE));
        Genesis genesis = new Genesis(CHAIN_ID, GENESIS_TIMESTAMP, BLOCK_REWARD, BLOCK_TIME_MILLIS, accounts,
                PoaEngine.NAME, Map.of(PoaEngine.AUTHORITIES, validator.address().toString()));
        mvpos.state.GenesisState genesisState = mvpos.state.GenesisState.of(genesis);
        mvpos.chain.ChainDomain domain = genesisState.domain();

        // Draw every transfer first, in order (so the chain depends on the seed only), then sign them all in parallel.
        record Draft(int from, long nonce, int to, long amount) {
        }
        int total = Math.toIntExact(config.transactions());
        Draft[] drafts = new Draft[total];
        long[] nonces = new long[keys.length];
        for (int i = 0; i < total; i++) {
            int from = (int) random.nextLong(keys.length);
            int to = (int) random.nextLong(keys.length - 1);
            to = to >= from ? to + 1 : to; // any account but the sender
            drafts[i] = new Draft(from, nonces[from]++, to, 1 + random.nextLong(MAX_AMOUNT));
        }
        long signStart = System.nanoTime();
        Address[] addresses = Arrays.stream(keys).map(KeyPair::address).toArray(Address[]::new);
        Transaction[] signed = new Transaction[total];
        IntStream.range(0, total).parallel().forEach(i -> {
            Draft d = drafts[i];
            signed[i] = Transaction.sign(keys[d.from()], domain, d.nonce(), TxKind.TRANSFER, addresses[d.to()],
                    d.amount(), FEE);
        });
        double signSeconds = seconds(signStart);

        // Apply and seal block by block, as Node.produceBlock does (we signed these, so no signature is checked).
        StateTransition rules = new StateTransition(domain, BLOCK_REWARD);
        State state = genesisState.state();
        Block parent = genesisState.block();
        List<Block> blocks = new ArrayList<>(config.blocks());
        for (int b = 0; b < config.blocks(); b++) {
            List<Transaction> txs = Arrays.asList(signed).subList(b * config.txsPerBlock(), (b + 1) * config.txsPerBlock());
            StateTransition.Outcome outcome = rules.apply(state, BlockContext.child(parent.header(), b + 1L,
                    validator.address()), txs, tx -> true);
            if (!(outcome instanceof StateTransition.Applied applied)) {
                throw new IllegalStateException("the bench built an invalid block " + (b + 1) + ": " + outcome);
            }
            long height = parent.height() + 1;
            Header unsealed = new Header(CHAIN_ID, height, parent.hash(), GENESIS_TIMESTAMP + height * BLOCK_TIME_MILLIS,
                    height, validator.address(), Block.txRoot(txs), applied.stateRoot(), PoaEngine.NAME, new byte[0],
                    new byte[0]);
            Block block = new Block(mvpos.chain.SignedSeal.seal(validator, domain.genesisHash(), unsealed), txs);
            blocks.add(block);
            state = applied.postState();
            parent = block;
        }
        return new Chain(genesis, List.copyOf(blocks), signSeconds, seconds(start));
    }

    /**
     * Imports the chain into a new node over a new RocksDB store in {@code directory}, {@code batch}
     * blocks per {@link Node#importBlocks} call, and times the calls. Every block must be imported
     * and the node's head must be the chain's head; anything else throws.
     */
    public static ImportFigures importChain(Chain chain, int batch, Path directory)
            throws ChainStore.StoreException, InterruptedException, ExecutionException {
        RocksChainStore store = RocksChainStore.open(directory);
        Node node;
        try {
            node = Node.open(chain.genesis(), store, SystemClock.INSTANCE, null, new mvpos.crypto.HashDrbg(1));
        } catch (ChainStore.StoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        try (node) {
            List<Block> blocks = chain.blocks();
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            for (int from = 0; from < blocks.size(); from += batch) {
                List<Block> slice = blocks.subList(from, Math.min(from + batch, blocks.size()));
                List<Node.ImportResult> results = node.importBlocks(slice);
                for (int i = 0; i < slice.size(); i++) {
                    Node.ImportResult result = i < results.size() ? results.get(i) : null;
                    if (!(result instanceof Node.Imported)) {
                        throw new IllegalStateException("block " + slice.get(i).height() + " was not imported: "
                                + (result == null ? "the node stopped before it" : result));
                    }
                }
            }
            double seconds = seconds(start);
            Block head = node.head();
            if (head.height() != chain.head().height() || !Arrays.equals(head.hash(), chain.head().hash())) {
                throw new IllegalStateException("after the import the node's head is block " + head.height() + " "
                        + head.header().hashHex() + ", not the chain's head " + chain.head().header().hashHex());
            }
            return new ImportFigures(head.height(), Hex.encode(head.hash()), chain.transactions(), seconds,
                    (processCpuNanos() - cpuStart) / 1e9);
        }
    }

    /**
     * Verifications per second on one thread (the calling one) with {@link Ed25519#verify}, over the
     * chain's own signatures, for at least {@code minSeconds} after a short warm-up.
     */
    public static VerifyRate measureVerifyRate(Chain chain, double minSeconds) {
        // At most 20,000 distinct signatures, their messages encoded beforehand: only verification is timed.
        List<Transaction> sample = chain.blocks().stream().flatMap(b -> b.transactions().stream()).limit(20_000).toList();
        byte[][] keys = sample.stream().map(Transaction::senderKey).toArray(byte[][]::new);
        mvpos.chain.ChainDomain domain = mvpos.state.GenesisState.of(chain.genesis()).domain();
        byte[][] messages = sample.stream().map(tx -> tx.signedBytes(domain)).toArray(byte[][]::new);
        byte[][] signatures = sample.stream().map(Transaction::signature).toArray(byte[][]::new);
        verifyFor(keys, messages, signatures, (long) (Math.min(0.5, minSeconds) * 1e9)); // warm-up
        long minNanos = (long) (minSeconds * 1e9);
        long start = System.nanoTime();
        long count = verifyFor(keys, messages, signatures, minNanos);
        return new VerifyRate(count, seconds(start));
    }

    private static long verifyFor(byte[][] keys, byte[][] messages, byte[][] signatures, long nanos) {
        long start = System.nanoTime();
        long count = 0;
        int i = 0;
        do {
            for (int k = 0; k < 64; k++, i = (i + 1) % keys.length, count++) { // look at the clock every 64
                if (!Ed25519.verify(keys[i], messages[i], signatures[i])) {
                    throw new IllegalStateException("a signature of the bench chain does not verify");
                }
            }
        } while (System.nanoTime() - start < nanos);
        return count;
    }

    /** The import again, without the node, its steps timed one by one ({@link ImportPhases#replay}). */
    public static Phases replayPhases(Chain chain, int batch, Path directory) throws ChainStore.StoreException {
        return ImportPhases.replay(chain, batch, directory);
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The proposer's signature check of a poa seal, as the engine makes it. */
    static boolean sealSigned(Header header, mvpos.chain.ChainDomain domain) {
        return mvpos.chain.SignedSeal.isValid(header, domain.genesisHash());
    }
}
