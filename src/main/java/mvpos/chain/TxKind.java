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
    SLASH(4);

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
