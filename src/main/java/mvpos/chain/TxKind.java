package mvpos.chain;

import java.util.Optional;

/** What a transaction does. The code is what is signed and stored; new kinds take new codes. */
public enum TxKind {
    /** Move {@code amount} from the sender's balance to {@code to}. */
    TRANSFER(1),
    /** Move {@code amount} from the sender's balance to its stake. */
    STAKE(2),
    /**
     * Move {@code amount} from the sender's stake to its unbonding tokens: locked (and slashable) for
     * the withdrawal delay, then back in its balance.
     */
    UNSTAKE(3),
    /**
     * Report an offence: {@code data} is the {@link SlashingEvidence}, {@code to} the offender, the
     * amount 0. The offender's stake is cut and the sender rewarded (see the state transition).
     */
    SLASH(4),
    /**
     * A transaction of the chain's consensus engine: {@code data} (1 to {@value #MAX_ENGINE_DATA} bytes) is
     * for the engine, the amount 0, the fee paid as usual; the engine's hooks apply it to the state or
     * refuse it (then the block is invalid). Engines that take none refuse every one.
     */
    ENGINE(5);

    /** The most data an engine transaction carries. */
    public static final int MAX_ENGINE_DATA = 1_024;

    private final int code;

    TxKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<TxKind> fromCode(int code) {
        for (TxKind kind : values()) {
            if (kind.code == code) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
