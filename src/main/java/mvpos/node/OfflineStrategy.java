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

    /** From {@code fromMillis} on, the engine's protocol hears nothing and says nothing (a crashed validator). */
    @Override
    public mvpos.consensus.EngineProtocol engineProtocol(mvpos.consensus.EngineProtocol honest) {
        return new mvpos.consensus.EngineProtocol() {
            @Override
            public boolean onMessage(mvpos.consensus.EngineContext context, byte[] payload, long nowMillis) {
                return nowMillis < fromMillis && honest.onMessage(context, payload, nowMillis);
            }

            @Override
            public void onTimer(mvpos.consensus.EngineContext context, long nowMillis) {
                if (nowMillis < fromMillis) {
                    honest.onTimer(context, nowMillis);
                }
            }
        };
    }

    @Override
    public String name() {
        return "offline";
    }
}
