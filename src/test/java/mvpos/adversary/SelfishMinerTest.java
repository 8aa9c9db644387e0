package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The selfish miner's state machine, stepped by hand through each transition of Eyal and Sirer's Algorithm 1. */
class SelfishMinerTest {
    @Test
    void leadOfTwoOrphansTheHonestBlock() {
        SelfishMiner pool = new SelfishMiner();
        pool.poolBlock();
        pool.poolBlock();
        assertThat(pool.lead()).isEqualTo(2);
        pool.honestBlock(SelfishMiner.TieBranch.HONEST);
        assertThat(pool.poolBlocks()).isEqualTo(2);
        assertThat(pool.honestBlocks()).isZero();
        assertThat(pool.lead()).isZero();
    }

    @Test
    void leadOfOneMakesATieThatGammaDecides() {
        SelfishMiner pool = new SelfishMiner();
        pool.poolBlock();
        pool.honestBlock(SelfishMiner.TieBranch.HONEST);
        assertThat(pool.tie()).isTrue();
        pool.honestBlock(SelfishMiner.TieBranch.POOL); // an honest miner extended the pool's block
        assertThat(pool.poolBlocks()).isEqualTo(1);
        assertThat(pool.honestBlocks()).isEqualTo(1);
        assertThat(pool.tie()).isFalse();

        pool.poolBlock();
        pool.honestBlock(SelfishMiner.TieBranch.HONEST);
        pool.honestBlock(SelfishMiner.TieBranch.HONEST); // the honest branch wins: both honest blocks count
        assertThat(pool.honestBlocks()).isEqualTo(3);

        pool.poolBlock();
        pool.honestBlock(SelfishMiner.TieBranch.HONEST);
        pool.poolBlock(); // the pool wins the tie itself: its two blocks
        assertThat(pool.poolBlocks()).isEqualTo(3);
    }

    @Test
    void aLongLeadGivesOneBlockPerHonestBlockAndKeepsTheRest() {
        SelfishMiner pool = new SelfishMiner();
        for (int i = 0; i < 4; i++) {
            pool.poolBlock();
        }
        pool.honestBlock(SelfishMiner.TieBranch.HONEST);
        assertThat(pool.lead()).isEqualTo(3);
        assertThat(pool.poolBlocks()).isEqualTo(1);
        pool.honestBlock(SelfishMiner.TieBranch.HONEST);
        pool.honestBlock(SelfishMiner.TieBranch.HONEST); // lead 2: publish all
        assertThat(pool.lead()).isZero();
        assertThat(pool.poolBlocks()).isEqualTo(4);
        assertThat(pool.honestBlocks()).isZero();
    }

    @Test
    void theClosedFormMatchesThePapersFigures() {
        assertThat(SelfishMiner.threshold(0)).isCloseTo(1.0 / 3, Offset.offset(1e-12));
        assertThat(SelfishMiner.threshold(0.5)).isCloseTo(0.25, Offset.offset(1e-12));
        assertThat(SelfishMiner.threshold(1)).isZero();
        // At the threshold the revenue equals the share.
        assertThat(SelfishMiner.theoreticalRevenue(0.25, 0.5)).isCloseTo(0.25, Offset.offset(1e-12));
        assertThat(SelfishMiner.theoreticalRevenue(1.0 / 3, 0)).isCloseTo(1.0 / 3, Offset.offset(1e-12));
    }
}
