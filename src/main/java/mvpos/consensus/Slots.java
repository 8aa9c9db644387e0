package mvpos.consensus;

import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;

/**
 * Time cut into slots of genesis's block time from genesis's timestamp, and the three rules every
 * slot engine shares: a block's slot is after its parent's, has begun (allowing
 * {@link ConsensusEngine#MAX_CLOCK_DRIFT_MILLIS}), and contains the block's timestamp.
 */
public record Slots(long genesisMillis, long slotMillis) {

    public Slots {
        if (slotMillis < 1) {
            throw new IllegalArgumentException("a slot must last at least 1 ms");
        }
    }

    public static Slots of(Genesis genesis) {
        return new Slots(genesis.timestamp(), genesis.blockTimeMillis());
    }

    /** The slot an instant falls in; 0 before genesis. */
    public long slotAt(long millis) {
        return millis < genesisMillis ? 0 : (millis - genesisMillis) / slotMillis;
    }

    /** Why {@code header}'s slot breaks one of the shared rules, or empty. */
    public Optional<SealRejection> checkSlot(Header parent, Header header, long nowMillis) {
        long slot = header.slot();
        if (slot <= parent.slot()) {
            return Optional.of(SealRejection.of(SealRejection.Reason.WRONG_SLOT, "slot " + slot
                    + " is not after its parent's slot " + parent.slot()));
        }
        if (slot > slotAt(nowMillis + ConsensusEngine.MAX_CLOCK_DRIFT_MILLIS)) {
            return Optional.of(SealRejection.of(SealRejection.Reason.FUTURE_SLOT, "slot " + slot
                    + " has not begun (now slot " + slotAt(nowMillis) + ")"));
        }
        if (slotAt(header.timestamp()) != slot) {
            return Optional.of(SealRejection.of(SealRejection.Reason.BAD_TIMESTAMP, "timestamp " + header.timestamp()
                    + " is not in slot " + slot));
        }
        return Optional.empty();
    }
}
