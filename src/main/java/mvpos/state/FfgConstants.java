package mvpos.state;

/**
 * The constants of Casper FFG as the state transition runs it, in one table, with their units. Names
 * follow the Ethereum consensus specs where the rule is the same (phase0 and Altair
 * {@code beacon-chain.md}); the values are scaled for a teaching chain whose epochs last seconds, not
 * 6.4 minutes. {@code docs/finality.md} prints this table, and a test checks that it matches.
 */
public final class FfgConstants {
    private FfgConstants() {
    }

    /** Epochs whose justification the state remembers (the spec's {@code JUSTIFICATION_BITS_LENGTH}). */
    public static final int JUSTIFICATION_BITS_LENGTH = 4; // epochs

    /**
     * A validator's base reward per epoch is its effective stake divided by this (Ethereum derives it from
     * {@code BASE_REWARD_FACTOR} and the square root of the total stake; mvpos keeps it linear).
     */
    public static final long BASE_REWARD_QUOTIENT = 256; // (stake per epoch)^-1

    /** A block's proposer earns, per vote it includes, the voter's base reward divided by this. */
    public static final long PROPOSER_REWARD_QUOTIENT = 8; // dimensionless

    /**
     * Finality delay after which the inactivity leak starts: the epochs between the previous epoch and
     * the finalized checkpoint (spec: 4).
     */
    public static final long MIN_EPOCHS_TO_INACTIVITY_PENALTY = 4; // epochs

    /** Added to a validator's inactivity score for each epoch it misses during a leak (spec: 4). */
    public static final long INACTIVITY_SCORE_BIAS = 4; // score points per epoch

    /** Taken off every inactivity score for each epoch outside a leak (spec: 16). */
    public static final long INACTIVITY_SCORE_RECOVERY_RATE = 16; // score points per epoch

    /**
     * The leak's penalty per epoch is {@code stake * score / (INACTIVITY_SCORE_BIAS *
     * INACTIVITY_PENALTY_QUOTIENT)}, so a validator offline for n epochs of a leak loses about
     * n^2 / (2 * quotient) of its stake. Ethereum (Bellatrix) uses 2^24, a leak of weeks; mvpos uses 2^9,
     * so that 3 offline validators of 8 lose enough in about 20 epochs for finality to resume.
     */
    public static final long INACTIVITY_PENALTY_QUOTIENT = 512; // dimensionless

    /** At most 1/this of a dynasty's stake may enter or leave at one dynasty change (spec: 65,536, per epoch). */
    public static final long CHURN_LIMIT_QUOTIENT = 8; // dimensionless

    /** The least stake that may enter or leave at one dynasty change, however small the total (spec: 4 validators). */
    public static final long MIN_PER_DYNASTY_CHURN_LIMIT = 1; // tokens

    /**
     * Unstaked tokens stay locked, and slashable, until a checkpoint this many epochs after the unstake
     * is finalized and no dynasty counts them any more (spec: 256 epochs, about 27 hours).
     */
    public static final long MIN_VALIDATOR_WITHDRAWABILITY_DELAY = 4; // epochs

    /** Most votes one block may carry. */
    public static final int MAX_VOTES_PER_BLOCK = 4_096; // votes
}
