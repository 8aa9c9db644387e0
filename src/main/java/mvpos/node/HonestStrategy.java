package mvpos.node;

import mvpos.chain.ChainStore;

/**
 * The honest validator: at each tick it produces a block on its head when the engine gives it the
 * slot, votes once per epoch for its head's checkpoint from its head's justified checkpoint (its
 * finality duty), and announces both at once. It never turns slashing protection off.
 */
public final class HonestStrategy implements Strategy {
    public static final HonestStrategy INSTANCE = new HonestStrategy();

    private HonestStrategy() {
    }

    @Override
    public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        validator.produceOnHead(nowMillis).ifPresent(outbox::announce);
        validator.voteDuty(nowMillis).ifPresent(outbox::announce);
    }

    @Override
    public boolean slashingProtection() {
        return true;
    }

    @Override
    public String name() {
        return "honest";
    }
}
