package mvpos.adversary;

import java.util.HashSet;
import java.util.Set;
import mvpos.chain.ChainStore;
import mvpos.chain.SignedStatement;
import mvpos.codec.MalformedEncodingException;
import mvpos.consensus.EngineContext;
import mvpos.consensus.EngineProtocol;
import mvpos.consensus.bft.BftMessage;
import mvpos.node.HonestStrategy;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;

/**
 * A byzantine validator of the {@code bft} engine that equivocates: for every proposal it hears, it signs
 * both a prevote and a precommit for the proposed block and for nil, and sends the conflicting pair before
 * its honest protocol votes, so that peers that hear the messages in different orders count different
 * votes of it; and in its own rounds it proposes two different blocks, so that peers that hear them in
 * different orders prevote for different blocks, and votes for the second one at once. With less than a third of the stake it can delay rounds but never make honest validators
 * commit two blocks at one height (Tendermint's safety); every pair it signs is slashable evidence
 * ({@link mvpos.chain.SlashingEvidence.StatementPair}), which honest validators send in a slashing
 * transaction. Slashing protection is off, as it must be to equivocate.
 */
public final class BftDoubleVoter implements Strategy {
    @Override
    public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
        HonestStrategy.INSTANCE.onTick(validator, outbox, nowMillis);
    }

    @Override
    public boolean slashingProtection() {
        return false;
    }

    @Override
    public EngineProtocol engineProtocol(EngineProtocol honest) {
        Set<Long> equivocated = new HashSet<>();
        return new EngineProtocol() {
            @Override
            public boolean onMessage(EngineContext context, byte[] payload, long nowMillis) {
                try {
                    if (BftMessage.decode(payload) instanceof BftMessage.Proposal proposal
                            && equivocated.add(proposal.statement().position())) {
                        long position = proposal.statement().position();
                        byte[] block = proposal.block().hash();
                        for (String kind : new String[] {BftMessage.PREVOTE, BftMessage.PRECOMMIT}) {
                            for (byte[] value : new byte[][] {new byte[0], block}) {
                                SignedStatement vote = SignedStatement.sign(context.key(), context.domain(), kind,
                                        position, value);
                                context.broadcast(new BftMessage.Vote(vote).encode());
                            }
                        }
                    }
                } catch (MalformedEncodingException | IllegalArgumentException e) {
                    // not a message it can read: the honest protocol ignores it too
                }
                return honest.onMessage(new TwoFaced(context), payload, nowMillis);
            }

            @Override
            public void onTimer(EngineContext context, long nowMillis) {
                honest.onTimer(new TwoFaced(context), nowMillis);
            }
        };
    }

    /** The node's context, except that each new proposal of its own goes out with a second, different one. */
    private record TwoFaced(EngineContext context) implements EngineContext {
        @Override
        public void broadcast(byte[] payload) {
            context.broadcast(payload);
            try {
                if (BftMessage.decode(payload) instanceof BftMessage.Proposal proposal && proposal.validRound() == -1
                        && proposal.statement().signer().equals(context.key().address())) {
                    mvpos.chain.Header header = proposal.block().header();
                    context.build(header.slot(), header.engineData(), header.timestamp() + 1).ifPresent(other -> {
                        SignedStatement second = SignedStatement.sign(context.key(), context.domain(),
                                BftMessage.PROPOSAL, proposal.statement().position(),
                                BftMessage.Proposal.value(other.hash(), -1));
                        context.broadcast(new BftMessage.Proposal(second, other).encode());
                        for (String kind : new String[] {BftMessage.PREVOTE, BftMessage.PRECOMMIT}) {
                            context.broadcast(new BftMessage.Vote(SignedStatement.sign(context.key(), context.domain(),
                                    kind, proposal.statement().position(), other.hash())).encode());
                        }
                    });
                }
            } catch (MalformedEncodingException | IllegalArgumentException e) {
                // its own messages are well formed
            }
        }

        @Override
        public java.util.Optional<SignedStatement> sign(String kind, long position, byte[] value) {
            return context.sign(kind, position, value);
        }

        @Override
        public mvpos.consensus.ChainView chain() {
            return context.chain();
        }

        @Override
        public mvpos.chain.Header head() {
            return context.head();
        }

        @Override
        public mvpos.crypto.KeyPair key() {
            return context.key();
        }

        @Override
        public mvpos.chain.ChainDomain domain() {
            return context.domain();
        }

        @Override
        public java.util.Optional<mvpos.chain.Block> build(long slot, byte[] engineData, long nowMillis) {
            return context.build(slot, engineData, nowMillis);
        }

        @Override
        public java.util.Optional<String> check(mvpos.chain.Block block, long nowMillis) {
            return context.check(block, nowMillis);
        }

        @Override
        public boolean commit(mvpos.chain.Block block, long nowMillis) {
            return context.commit(block, nowMillis);
        }

        @Override
        public void wakeAt(long millis) {
            context.wakeAt(millis);
        }

        @Override
        public void report(mvpos.chain.SlashingEvidence evidence) {
            context.report(evidence);
        }
    }

    @Override
    public String name() {
        return "bft-double-voter";
    }
}
