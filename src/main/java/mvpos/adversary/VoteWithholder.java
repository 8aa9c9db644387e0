package mvpos.adversary;

import mvpos.chain.ChainStore;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;

/**
 * A finality staller: it produces its blocks like an honest validator but never casts its finality
 * vote. Unlike a crash (an offline node), it keeps the chain growing and its proposer rewards coming;
 * with more than a third of the stake among such validators, no checkpoint gets the two thirds it needs
 * and finality stops, until the inactivity leak has drained enough of their stake.
 */
public final class VoteWithholder implements Strategy {
    @Override
    public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        validator.produceOnHead(nowMillis).ifPresent(outbox::announce);
    }

    @Override
    public String name() {
        return "vote-withholder";
    }
}
