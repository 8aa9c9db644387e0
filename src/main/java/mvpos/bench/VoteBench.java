package mvpos.bench;

import static mvpos.bench.Measure.format;
import static mvpos.bench.Measure.round;
import static mvpos.bench.Measure.seconds;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.consensus.CasperFfg;
import mvpos.consensus.ChainView;
import mvpos.consensus.PoaEngine;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.node.SignatureCache;
import mvpos.state.BucketedState;
import mvpos.state.State;

/**
 * The load behind {@code mvpos bench votes}: N equally staked validators each cast the honest Casper
 * FFG vote of every epoch (previous epoch's checkpoint to this one's) on a chain of one block per
 * slot, and a node's work on each epoch's N votes is timed: every signature checked through a
 * {@link SignatureCache} in parallel on all cores, then every vote counted by {@link CasperFfg#addVote}
 * on one thread. Keys, chain and signatures are made beforehand and not timed.
 */
public final class VoteBench {
    public static final String CHAIN_ID = "mvpos-vote-bench";
    /** Fixed, so the same seed gives the same chain. */
    static final long GENESIS_TIMESTAMP = 1_700_000_000_000L;
    static final long VALIDATOR_STAKE = 1_000_000L;
    /** Capacity of the signature cache, as the node's. */
    static final int CACHE_CAPACITY = 200_000;
    /** Most votes of epoch 1 verified on one thread and counted before the timed epochs (warm-up). */
    static final int WARM_UP_VOTES = 10_000;

    /** Bounds the command enforces: every vote is signed beforehand and held in memory. */
    public static final int MAX_VALIDATORS = 1_000_000;
    public static final int MAX_EPOCHS = 1_000;
    public static final long MAX_VOTES = 1_000_000;
    /** CasperFfg's own bound on the epoch length. */
    public static final long MAX_EPOCH_SLOTS = ChainView.STATE_HISTORY / 4;

    /** The sizes of one run. */
    public record Config(int validators, int epochs, long epochSlots, long slotMillis, long seed) {
        public Config {
            if (validators < 1 || epochs < 1 || epochSlots < 1 || epochSlots > MAX_EPOCH_SLOTS || slotMillis < 1) {
                throw new IllegalArgumentException("validators, epochs and slot must be positive, epoch slots from 1 to "
                        + MAX_EPOCH_SLOTS);
            }
        }

        /** An epoch's duration: epoch slots x slot. */
        public double epochSeconds() {
            return epochSlots * slotMillis / 1000.0;
        }
    }

    /**
     * Everything made before the timing: the genesis, a tree of one block per slot up to the last
     * epoch's checkpoint, the checkpoint hash of each epoch (index 0 is genesis) and each epoch's
     * votes (index 0 is epoch 1's).
     */
    public record Setup(Genesis genesis, BlockTree tree, List<byte[]> checkpoints, List<List<Vote>> votes,
                        double keySeconds, double signSeconds) {
    }

    /** One epoch's N votes: seconds to verify them (all cores) and count them (one thread), and the gadget after. */
    public record EpochFigures(long epoch, int votes, double verifySeconds, double countSeconds, long justifiedEpoch,
                               long finalizedEpoch) {
        public double seconds() {
            return verifySeconds + countSeconds;
        }
    }

    /** Ed25519 checks through a signature cache on one thread (the warm-up, timed). */
    public record OneThreadVerify(int votes, double seconds) {
        public double perSecond() {
            return votes / seconds;
        }
    }

    /** Every figure of one run. */
    public record Report(Config config, Setup setup, int cores, double loadAverageAtStart, OneThreadVerify oneThread,
                         List<EpochFigures> epochs) {
        public long totalVotes() {
            return epochs.stream().mapToLong(EpochFigures::votes).sum();
        }

        /** Votes verified per second, all cores. */
        public double verifyPerSecond() {
            return totalVotes() / epochs.stream().mapToDouble(EpochFigures::verifySeconds).sum();
        }

        /** Votes counted per second, one thread. */
        public double countPerSecond() {
            return totalVotes() / epochs.stream().mapToDouble(EpochFigures::countSeconds).sum();
        }

        public double meanEpochSeconds() {
            return epochs.stream().mapToDouble(EpochFigures::seconds).average().orElseThrow();
        }

        public double slowestEpochSeconds() {
            return epochs.stream().mapToDouble(EpochFigures::seconds).max().orElseThrow();
        }

        /** The mean epoch's work as a share of the epoch's duration (below 1 keeps up). */
        public double share() {
            return meanEpochSeconds() / config.epochSeconds();
        }

        /** Whether even the slowest epoch's votes were done within the epoch. */
        public boolean keepsUp() {
            return slowestEpochSeconds() <= config.epochSeconds();
        }

        /** Validators whose votes fit in one epoch at the mean rate. */
        public long validatorsPerEpoch() {
            return (long) (config.validators() / share());
        }

        /**
         * Seconds for one epoch's votes as {@code NodeCore.addVote} is called today, one vote at a time
         * on the node's loop: the one-thread verify rate, plus the mean counting time.
         */
        public double oneThreadEpochSeconds() {
            return config.validators() / oneThread.perSecond()
                    + epochs.stream().mapToDouble(EpochFigures::countSeconds).average().orElseThrow();
        }

        /** The figures for {@code --json}, in a stable order. */
        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("validators", config.validators());
            f.put("epochs", config.epochs());
            f.put("epochSlots", config.epochSlots());
            f.put("slotMillis", config.slotMillis());
            f.put("epochSeconds", round(config.epochSeconds()));
            f.put("seed", config.seed());
            f.put("cores", cores);
            f.put("loadAverageAtStart", round(loadAverageAtStart));
            f.put("keySeconds", round(setup.keySeconds()));
            f.put("signSeconds", round(setup.signSeconds()));
            f.put("votes", totalVotes());
            f.put("verifyVotesPerSecondAllCores", Math.round(verifyPerSecond()));
            f.put("verifyVotesPerSecondOneThread", Math.round(oneThread.perSecond()));
            f.put("countVotesPerSecondOneThread", Math.round(countPerSecond()));
            f.put("meanEpochSeconds", round(meanEpochSeconds()));
            f.put("slowestEpochSeconds", round(slowestEpochSeconds()));
            f.put("shareOfEpoch", round(share()));
            f.put("keepsUp", keepsUp());
            f.put("validatorsPerEpochAtThisRate", validatorsPerEpoch());
            f.put("oneThreadEpochSeconds", round(oneThreadEpochSeconds()));
            f.put("justifiedEpoch", epochs.get(epochs.size() - 1).justifiedEpoch());
            f.put("finalizedEpoch", epochs.get(epochs.size() - 1).finalizedEpoch());
            List<Map<String, Object>> perEpoch = new ArrayList<>();
            for (EpochFigures e : epochs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("epoch", e.epoch());
                m.put("votes", e.votes());
                m.put("verifySeconds", round(e.verifySeconds()));
                m.put("countSeconds", round(e.countSeconds()));
                m.put("justifiedEpoch", e.justifiedEpoch());
                m.put("finalizedEpoch", e.finalizedEpoch());
                perEpoch.add(m);
            }
            f.put("perEpoch", perEpoch);
            return f;
        }
    }

    private VoteBench() {
    }

    /**
     * Builds the setup, warms up, then verifies and counts epoch by epoch; {@code progress} receives
     * the readable result lines as each step ends. Throws {@link IllegalStateException} if a vote
     * fails to verify or count, or if an epoch ends without its checkpoint justified and the
     * previous one finalized.
     */
    public static Report run(Config config, Consumer<String> progress) {
        int cores = Runtime.getRuntime().availableProcessors();
        double load = Measure.loadAverage();
        progress.accept(Measure.loadLine(load));
        Setup setup = setUp(config);
        progress.accept(format("%,d validators staking %,d each; %,d epochs of %d slots (%,d blocks); keys in %.2f s, "
                        + "%,d votes signed in parallel in %.2f s (not timed)", config.validators(), VALIDATOR_STAKE,
                config.epochs(), config.epochSlots(), config.epochs() * config.epochSlots(), setup.keySeconds(),
                (long) config.validators() * config.epochs(), setup.signSeconds()));

        OneThreadVerify oneThread = warmUp(setup);
        progress.accept(format("warm-up on epoch 1's first %,d votes: verified on one thread at %,.0f votes/s",
                oneThread.votes(), oneThread.perSecond()));

        SignatureCache signatures = new SignatureCache(CACHE_CAPACITY);
        CasperFfg ffg = new CasperFfg(setup.genesis(), setup.tree());
        List<EpochFigures> epochs = new ArrayList<>();
        for (int e = 1; e <= config.epochs(); e++) {
            EpochFigures figures = epoch(setup, e, signatures, ffg);
            epochs.add(figures);
            progress.accept(format("epoch %d: %,d votes verified in %.3f s (%,.0f/s on %d cores), counted in %.3f s "
                            + "(%,.0f/s on one thread): %.3f s of %s; justified %d, finalized %d",
                    e, figures.votes(), figures.verifySeconds(), figures.votes() / figures.verifySeconds(), cores,
                    figures.countSeconds(), figures.votes() / figures.countSeconds(), figures.seconds(),
                    epochText(config), figures.justifiedEpoch(), figures.finalizedEpoch()));
        }
        Report report = new Report(config, setup, cores, load, oneThread, epochs);
        progress.accept(format("verification, %d cores through the signature cache: %,.0f votes/s", cores,
                report.verifyPerSecond()));
        progress.accept(format("counting, one thread, CasperFfg.addVote: %,.0f votes/s", report.countPerSecond()));
        progress.accept(format("%s: %,d votes take %.3f s of %s (%.1f%%; the slowest epoch %.3f s); "
                        + "at this rate an epoch has time for about %,d validators' votes",
                report.keepsUp() ? "keeps up" : "falls behind", config.validators(), report.meanEpochSeconds(),
                epochText(config), 100 * report.share(), report.slowestEpochSeconds(), report.validatorsPerEpoch()));
        progress.accept(format("one vote at a time on the node's loop (as NodeCore.addVote verifies today): about "
                        + "%.3f s of %s (%.1f%%)", report.oneThreadEpochSeconds(), epochText(config),
                100 * report.oneThreadEpochSeconds() / config.epochSeconds()));
        progress.accept(format("every epoch justified, finalized lagging by one: latest justified %d, finalized %d",
                epochs.get(epochs.size() - 1).justifiedEpoch(), epochs.get(epochs.size() - 1).finalizedEpoch()));
        return report;
    }

    /**
     * Keys from {@code HashDrbg(seed)}, a poa genesis (stake only) with finality ffg, the tree, and
     * every epoch's votes, signed in parallel.
     */
    public static Setup setUp(Config config) {
        long start = System.nanoTime();
        HashDrbg random = new HashDrbg(config.seed());
        byte[][] seeds = new byte[config.validators()][Ed25519.SEED_BYTES];
        for (byte[] seed : seeds) {
            random.nextBytes(seed);
        }
        KeyPair[] keys = IntStream.range(0, seeds.length).parallel().mapToObj(i -> KeyPair.fromSeed(seeds[i]))
                .toArray(KeyPair[]::new);
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (KeyPair key : keys) {
            accounts.put(key.address(), new Account(0, 0, VALIDATOR_STAKE));
        }
        Genesis genesis = new Genesis(CHAIN_ID, GENESIS_TIMESTAMP, 0, config.slotMillis(), accounts, PoaEngine.NAME,
                Map.of(PoaEngine.AUTHORITIES, keys[0].address().toString()))
                .withFinality(CasperFfg.NAME, Map.of(CasperFfg.EPOCH_LENGTH, Long.toString(config.epochSlots())));
        double keySeconds = seconds(start);

        State state = BucketedState.of(genesis.accounts());
        Block parent = new Block(genesis.header(state.root()), List.of());
        BlockTree tree = new BlockTree(genesis, parent, state, Ed25519::verify);
        List<byte[]> checkpoints = new ArrayList<>(List.of(parent.hash()));
        for (long slot = 1; slot <= config.epochs() * config.epochSlots(); slot++) {
            Header header = new Header(CHAIN_ID, slot, parent.hash(), GENESIS_TIMESTAMP + slot * config.slotMillis(),
                    slot, keys[0].address(), Block.txRoot(List.of()), state.root(), PoaEngine.NAME, new byte[0],
                    new byte[0]);
            Block block = new Block(header, List.of());
            tree.add(block, block.hash(), state, Map.of(), BigInteger.ONE);
            if (slot % config.epochSlots() == 0) {
                checkpoints.add(block.hash());
            }
            parent = block;
        }

        long signStart = System.nanoTime();
        List<List<Vote>> votes = new ArrayList<>();
        for (int e = 1; e <= config.epochs(); e++) {
            byte[] source = checkpoints.get(e - 1);
            byte[] target = checkpoints.get(e);
            long epoch = e;
            votes.add(IntStream.range(0, keys.length).parallel()
                    .mapToObj(i -> Vote.sign(keys[i], CHAIN_ID, epoch - 1, source, epoch, target)).toList());
        }
        return new Setup(genesis, tree, List.copyOf(checkpoints), List.copyOf(votes), keySeconds, seconds(signStart));
    }

    /**
     * Verifies, on one thread and timed, and counts, untimed, epoch 1's first votes into a throwaway
     * cache and gadget, so that the timed epochs run compiled code.
     */
    static OneThreadVerify warmUp(Setup setup) {
        List<Vote> sample = setup.votes().get(0).subList(0, Math.min(WARM_UP_VOTES, setup.votes().get(0).size()));
        SignatureCache signatures = new SignatureCache(CACHE_CAPACITY);
        long start = System.nanoTime();
        for (Vote vote : sample) {
            if (!signatures.verify(vote.validatorKey(), vote.signedBytes(), vote.signature())) {
                throw new IllegalStateException("a vote of the bench does not verify: " + vote);
            }
        }
        double verifySeconds = seconds(start);
        CasperFfg ffg = new CasperFfg(setup.genesis(), setup.tree());
        sample.forEach(ffg::addVote);
        return new OneThreadVerify(sample.size(), verifySeconds);
    }

    /**
     * Epoch {@code e}'s votes, timed as a node handles them: every signature through {@code signatures}
     * in parallel, then each vote counted by {@code ffg} on this thread. Then checks that epoch
     * {@code e} is the latest justified checkpoint and epoch {@code e - 1} the finalized one.
     */
    static EpochFigures epoch(Setup setup, int e, SignatureCache signatures, CasperFfg ffg) {
        List<Vote> votes = setup.votes().get(e - 1);
        long start = System.nanoTime();
        boolean valid = votes.parallelStream()
                .allMatch(v -> signatures.verify(v.validatorKey(), v.signedBytes(), v.signature()));
        long verified = System.nanoTime();
        if (!valid) {
            throw new IllegalStateException("a vote of epoch " + e + " does not verify");
        }
        for (Vote vote : votes) {
            CasperFfg.VoteResult result = ffg.addVote(vote);
            if (!(result instanceof CasperFfg.Counted)) {
                throw new IllegalStateException("the gadget did not count " + vote + ": " + result);
            }
        }
        long counted = System.nanoTime();
        CasperFfg.Checkpoint justified = ffg.latestJustified();
        CasperFfg.Checkpoint finalized = ffg.finalized();
        if (!justified.equals(new CasperFfg.Checkpoint(e, setup.checkpoints().get(e)))
                || !finalized.equals(new CasperFfg.Checkpoint(e - 1, setup.checkpoints().get(e - 1)))) {
            throw new IllegalStateException("after epoch " + e + "'s votes the latest justified checkpoint is epoch "
                    + justified.epoch() + " and the finalized one epoch " + finalized.epoch() + ", not " + e + " and "
                    + (e - 1));
        }
        return new EpochFigures(e, votes.size(), (verified - start) / 1e9, (counted - verified) / 1e9,
                justified.epoch(), finalized.epoch());
    }

    /** "an 8 s epoch", "a 1.5 s epoch". */
    static String epochText(Config config) {
        double s = config.epochSeconds();
        String number = s == Math.rint(s) ? format("%.0f", s) : format("%s", round(s));
        return (number.startsWith("8") || number.startsWith("11") || number.startsWith("18") ? "an " : "a ")
                + number + " s epoch";
    }

}
