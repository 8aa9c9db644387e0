package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/** A vote withholder still produces blocks, never votes, and keeps slashing protection on. */
class VoteWithholderTest {
    @Test
    void producesBlocksButNoVotes() throws Exception {
        Devnet.Config config = Devnet.Config.seeded("pos", 3, 1000, 5).withFfg(4).withStake(1000);
        List<Integer> proposers = new ArrayList<>();
        Devnet devnet = new Devnet(config, head -> proposers.add(head.proposerNode()),
                i -> i == 2 ? new VoteWithholder() : null);
        devnet.advance(12 * 4 * 1000);
        assertThat(proposers).contains(2);
        mvpos.state.FinalityState f = devnet.node(0).headFinality().orElseThrow();
        // Two of three equal stakes vote: finality goes on, and the withholder's inactivity shows in its stake.
        assertThat(f.finalized().epoch()).isPositive();
        assertThat(devnet.node(0).headState().account(devnet.keys().get(2).address()).stake())
                .isLessThan(devnet.node(0).headState().account(devnet.keys().get(0).address()).stake());
        assertThat(new VoteWithholder().slashingProtection()).isTrue();
    }
}
