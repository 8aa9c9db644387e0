package mvpos.node;

import mvpos.chain.ChainStore;

/**
 * A validator that goes offline (a crash fault, not an attack): honest until {@code fromMillis}, then
 * it neither produces nor votes, though its node still follows the chain. What a devnet's
 * {@code --offline} validators do, so that a finality stall and the inactivity leak can be watched.
 */
public final class OfflineStrategy implements Strategy {
    private final long fromMillis;

    public OfflineStrategy(long fromMillis) {
        this.fromMillis = fromMillis;
    }

    @Override
    public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        if (nowMillis < fromMillis) {
            HonestStrategy.INSTANCE.onTick(validator, outbox, nowMillis);
        }
    }

    @Override
    public String name() {
        return "offline";
    }
}
