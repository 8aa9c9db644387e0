package mvpos.bench;

import static mvpos.bench.Measure.format;
import static mvpos.bench.Measure.round;
import static mvpos.bench.Measure.seconds;

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
import mvpos.chain.Checkpoint;
import mvpos.consensus.PoaEngine;
import mvpos.state.BlockContext;
import mvpos.state.CasperFfg;
import mvpos.state.FfgConstants;
import mvpos.state.FinalityState;
import mvpos.state.GenesisState;
import mvpos.state.StateTransition;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.node.SignatureCache;
import mvpos.state.State;

/**
 * The load behind {@code mvpos bench votes}: N equally staked validators each cast the honest Casper
 * FFG vote of every epoch on a chain of one block per slot, and the blocks of each epoch carry them (as
 * many per block as the epoch's slots need). A node's work on each epoch is timed as an import does
 * it: every vote's signature checked through a {@link SignatureCache} in parallel on all cores, then
 * the epoch's blocks applied by the state transition on one thread (counting the votes, and the epoch
 * boundary with justification, finalization, rewards and penalties). Keys, chain and signatures are
 * made beforehand and not timed.
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
    public static final long MAX_EPOCH_SLOTS = CasperFfg.MAX_EPOCH_LENGTH;

    /** The sizes of one run. */
    public record Config(int validators, int epochs, long epochSlots, long slotMillis, long seed) {
        public Config {
            if (validators < 1 || epochs < 1 || epochSlots < 2 || epochSlots > MAX_EPOCH_SLOTS || slotMillis < 1) {
                throw new IllegalArgumentException("validators, epochs and slot must be positive, epoch slots from 2 to "
                        + MAX_EPOCH_SLOTS);
            }
        }

        /** Most validators whose votes fit in an epoch's blocks (all but its first carry votes). */
        public long maxValidators() {
            return (epochSlots - 1) * FfgConstants.MAX_VOTES_PER_BLOCK;
        }

        /** An epoch's duration: epoch slots x slot. */
        public double epochSeconds() {
            return epochSlots * slotMillis / 1000.0;
        }
    }

    /**
     * Everything made before the timing: the genesis and its state, the checkpoint hash of each epoch
     * (index 0 is genesis), each epoch's votes (index 0 is epoch 1's), and the blocks (index 0: the
     * blocks before epoch 1's votes; index e: the blocks carrying epoch e's votes and the first block of
     * epoch e + 1, which processes its boundary).
     */
    public record Setup(GenesisState genesis, List<byte[]> checkpoints, List<List<Vote>> votes,
                        List<List<Block>> blocks, double keySeconds, double signSeconds) {
    }

    /** One epoch's N votes: seconds to verify them (all cores) and apply its blocks (one thread), and finality after. */
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

        SignatureCache signatures = new SignatureCache(setup.genesis().domain(), CACHE_CAPACITY);
        StateTransition rules = StateTransition.of(setup.genesis().genesis(), setup.genesis().domain());
        State[] state = {apply(rules, setup.genesis().state(), setup.blocks().get(0), signatures)};
        List<EpochFigures> epochs = new ArrayList<>();
        for (int e = 1; e <= config.epochs(); e++) {
            EpochFigures figures = epoch(setup, e, signatures, rules, state);
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
        progress.accept(format("counting, one thread, the state transition of the blocks that carry them: %,.0f votes/s",
                report.countPerSecond()));
        progress.accept(format("%s: %,d votes take %.3f s of %s (%.1f%%; the slowest epoch %.3f s); "
                        + "at this rate an epoch has time for about %,d validators' votes",
                report.keepsUp() ? "keeps up" : "falls behind", config.validators(), report.meanEpochSeconds(),
                epochText(config), 100 * report.share(), report.slowestEpochSeconds(), report.validatorsPerEpoch()));
        progress.accept(format("with every signature checked on one thread instead: about %.3f s of %s (%.1f%%)",
                report.oneThreadEpochSeconds(), epochText(config),
                100 * report.oneThreadEpochSeconds() / config.epochSeconds()));
        progress.accept(format("every epoch justified, finalized lagging by one: latest justified %d, finalized %d",
                epochs.get(epochs.size() - 1).justifiedEpoch(), epochs.get(epochs.size() - 1).finalizedEpoch()));
        return report;
    }

    /**
     * Keys from {@code HashDrbg(seed)}, a poa genesis (stake only) with finality ffg, every epoch's votes
     * signed in parallel, and the chain whose blocks carry them, built with the state transition.
     */
    public static Setup setUp(Config config) {
        if (config.validators() > config.maxValidators()) {
            throw new IllegalArgumentException("at most " + config.maxValidators() + " validators' votes fit in the "
                    + (config.epochSlots() - 1) + " vote-carrying blocks of an epoch of " + config.epochSlots() + " slots");
        }
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
        GenesisState genesisState = GenesisState.of(genesis);
        double keySeconds = seconds(start);

        StateTransition rules = StateTransition.of(genesis, genesisState.domain());
        StateTransition.SignatureCheck trusted = tx -> true;
        Builder chain = new Builder(rules, genesisState, keys[0], config);
        List<byte[]> checkpoints = new ArrayList<>(List.of(genesisState.block().hash()));
        List<List<Vote>> votes = new ArrayList<>();
        List<List<Block>> blocks = new ArrayList<>();
        List<Block> group = new ArrayList<>();
        double signSeconds = 0;
        for (int e = 1; e <= config.epochs(); e++) {
            // The first block of epoch e ends the previous group: its parent is epoch e's checkpoint.
            group.add(chain.next(e * config.epochSlots(), List.of(), trusted));
            blocks.add(group);
            group = new ArrayList<>();
            FinalityState f = chain.state.finality().orElseThrow();
            checkpoints.add(f.currentTarget());
            Checkpoint source = f.currentJustified();
            long epoch = e;
            byte[] target = f.currentTarget();
            long signStart = System.nanoTime();
            List<Vote> epochVotes = IntStream.range(0, keys.length).parallel().mapToObj(i -> Vote.sign(keys[i],
                    genesisState.domain(), source.epoch(), source.hash(), epoch, target)).toList();
            signSeconds += seconds(signStart);
            votes.add(epochVotes);
            int perBlock = (int) Math.ceil(epochVotes.size() / (double) (config.epochSlots() - 1));
            for (long s = 1; s < config.epochSlots(); s++) {
                int from = (int) Math.min(epochVotes.size(), (s - 1) * perBlock);
                int to = (int) Math.min(epochVotes.size(), s * perBlock);
                group.add(chain.next(e * config.epochSlots() + s, epochVotes.subList(from, to), trusted));
            }
        }
        group.add(chain.next((config.epochs() + 1) * config.epochSlots(), List.of(), trusted));
        blocks.add(group);
        return new Setup(genesisState, List.copyOf(checkpoints), List.copyOf(votes), List.copyOf(blocks), keySeconds,
                signSeconds);
    }

    /** Builds the bench chain block by block with the state transition (empty poa blocks, votes in their bodies). */
    private static final class Builder {
        private final StateTransition rules;
        private final KeyPair authority;
        private final Config config;
        private State state;
        private Block parent;

        Builder(StateTransition rules, GenesisState genesis, KeyPair authority, Config config) {
            this.rules = rules;
            this.authority = authority;
            this.config = config;
            this.state = genesis.state();
            this.parent = genesis.block();
        }

        Block next(long slot, List<Vote> votes, StateTransition.SignatureCheck signatures) {
            BlockContext context = BlockContext.child(parent.header(), slot, authority.address());
            StateTransition.Outcome outcome = rules.apply(state, context, List.of(), votes, signatures);
            if (!(outcome instanceof StateTransition.Applied applied)) {
                throw new IllegalStateException("the bench built an invalid block at slot " + slot + ": " + outcome);
            }
            Header header = new Header(CHAIN_ID, parent.height() + 1, parent.hash(),
                    GENESIS_TIMESTAMP + slot * config.slotMillis(), slot, authority.address(),
                    Block.bodyRoot(List.of(), votes), applied.stateRoot(), PoaEngine.NAME, new byte[0], new byte[0]);
            Block block = new Block(header, List.of(), votes);
            state = applied.postState();
            parent = block;
            return block;
        }
    }

    /** Applies blocks in order with the state transition; any refusal throws. */
    private static State apply(StateTransition rules, State state, List<Block> blocks,
                               StateTransition.SignatureCheck signatures) {
        State at = state;
        for (Block block : blocks) {
            StateTransition.Outcome outcome = rules.apply(at, BlockContext.of(block.header()), block.transactions(),
                    block.votes(), signatures);
            if (!(outcome instanceof StateTransition.Applied applied)) {
                throw new IllegalStateException("block " + block.height() + " of the bench does not apply: " + outcome);
            }
            at = applied.postState();
        }
        return at;
    }

    /**
     * Verifies, on one thread and timed, epoch 1's first votes into a throwaway cache, and applies epoch
     * 1's blocks untimed, so that the timed epochs run compiled code.
     */
    static OneThreadVerify warmUp(Setup setup) {
        List<Vote> sample = setup.votes().get(0).subList(0, Math.min(WARM_UP_VOTES, setup.votes().get(0).size()));
        SignatureCache signatures = new SignatureCache(setup.genesis().domain(), CACHE_CAPACITY);
        long start = System.nanoTime();
        for (Vote vote : sample) {
            if (!signatures.isValid(vote)) {
                throw new IllegalStateException("a vote of the bench does not verify: " + vote);
            }
        }
        double verifySeconds = seconds(start);
        StateTransition rules = StateTransition.of(setup.genesis().genesis(), setup.genesis().domain());
        StateTransition.SignatureCheck trusted = tx -> true;
        State state = apply(rules, setup.genesis().state(), setup.blocks().get(0), trusted);
        apply(rules, state, setup.blocks().get(1), trusted);
        return new OneThreadVerify(sample.size(), verifySeconds);
    }

    /**
     * Epoch {@code e}'s votes, timed as a node imports them: every signature through {@code signatures}
     * in parallel, then the blocks that carry them (and the first of the next epoch) applied on this
     * thread. Then checks that epoch {@code e} is the justified checkpoint and epoch {@code e - 1} the
     * finalized one.
     */
    static EpochFigures epoch(Setup setup, int e, SignatureCache signatures, StateTransition rules, State[] state) {
        List<Vote> votes = setup.votes().get(e - 1);
        long start = System.nanoTime();
        boolean valid = votes.parallelStream().allMatch(signatures::isValid);
        long verified = System.nanoTime();
        if (!valid) {
            throw new IllegalStateException("a vote of epoch " + e + " does not verify");
        }
        state[0] = apply(rules, state[0], setup.blocks().get(e), signatures);
        long counted = System.nanoTime();
        FinalityState f = state[0].finality().orElseThrow();
        Checkpoint justified = f.currentJustified();
        Checkpoint finalized = f.finalized();
        if (!justified.equals(new Checkpoint(e, setup.checkpoints().get(e)))
                || !finalized.equals(new Checkpoint(e - 1, setup.checkpoints().get(e - 1)))) {
            throw new IllegalStateException("after epoch " + e + "'s votes the justified checkpoint is epoch "
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
