package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.crypto.HashKey;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/** {@link Strategy#onBlock}: a strategy hears each block of another node its node accepted, once, and never its own. */
class StrategyOnBlockTest {
    /** Honest, and writes down what it hears. */
    private static final class Listening implements Strategy {
        final List<Block> heard = new ArrayList<>();

        @Override
        public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
            HonestStrategy.INSTANCE.onTick(validator, outbox, nowMillis);
        }

        @Override
        public boolean hearsBlocks() {
            return true;
        }

        @Override
        public void onBlock(Validator validator, Outbox outbox, Block block, long nowMillis) {
            assertThat(validator.chain().tree().contains(block.hash())).isTrue();
            heard.add(block);
        }
    }

    @Test
    void hearsEveryOtherNodesBlockItAcceptedOnceAndNotItsOwn() throws Exception {
        Listening listening = new Listening();
        Devnet devnet = new Devnet(Devnet.Config.seeded("pow", 3, 1000, 3), head -> { }, i -> i == 2 ? listening : null);
        devnet.advance(40_000);
        var own = devnet.keys().get(2).address();
        Set<HashKey> others = new HashSet<>();
        int ownBlocks = 0;
        for (var entry : devnet.node(2).tree().entries()) {
            if (entry.height() == 0) {
                continue;
            }
            if (entry.header().proposer().equals(own)) {
                ownBlocks++;
            } else {
                others.add(HashKey.of(entry.hash()));
            }
        }
        assertThat(ownBlocks).isPositive();
        assertThat(others).isNotEmpty();
        assertThat(listening.heard.stream().map(b -> HashKey.of(b.hash())).toList())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(others);
    }
}
