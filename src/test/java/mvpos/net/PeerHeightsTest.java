package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a node believes of its peers' chains, in the loop's time (a Status claiming 2^62 was believed for ever). */
class PeerHeightsTest {
    private static final PeerId LIAR = new PeerId("127.0.0.2:40000");
    private static final PeerId HONEST = new PeerId("127.0.0.3:40000");
    private static final long LIE = 1L << 62;

    @Test
    void aClaimIsBelievedUntilItsBlocksFailToComeThenIgnoredForLongerEachTime() {
        PeerHeights heights = new PeerHeights();
        heights.shown(LIAR, 5, 0);
        heights.claim(LIAR, LIE, 0);
        assertThat(heights.highest()).isEqualTo(LIE);

        heights.refute(LIAR, 10_000);
        assertThat(heights.highest()).as("what it showed, not what it claimed").isEqualTo(5);
        heights.claim(LIAR, LIE, 10_001);
        assertThat(heights.believed(LIAR, 10_001)).as("a new claim within the ignore period").isEqualTo(5);
        long firstIgnore = 2 * Gossip.SYNC_TIMEOUT_MILLIS;
        assertThat(heights.believed(LIAR, 10_000 + firstIgnore)).as("after it").isEqualTo(LIE);

        heights.refute(LIAR, 20_000);
        assertThat(heights.believed(LIAR, 20_000 + firstIgnore)).isEqualTo(5);
        heights.claim(LIAR, LIE, 20_000 + 2 * firstIgnore);
        assertThat(heights.believed(LIAR, 20_000 + 2 * firstIgnore)).as("twice as long the second time")
                .isEqualTo(LIE);
        for (int i = 0; i < 40; i++) {
            heights.refute(LIAR, 30_000);
        }
        heights.claim(LIAR, LIE, 30_000 + PeerHeights.MAX_IGNORE_MILLIS - 1);
        assertThat(heights.believed(LIAR, 30_000 + PeerHeights.MAX_IGNORE_MILLIS - 1)).isEqualTo(5);
        assertThat(heights.believed(LIAR, 30_000 + PeerHeights.MAX_IGNORE_MILLIS)).as("never longer than the cap")
                .isEqualTo(LIE);
    }

    @Test
    void aPeerThatAnswersIsForgivenAndOneThatLeavesIsForgotten() {
        PeerHeights heights = new PeerHeights();
        heights.claim(HONEST, 100, 0);
        heights.refute(HONEST, 0);
        heights.refute(HONEST, 1);
        heights.answered(HONEST);
        heights.refute(HONEST, 100_000);
        heights.claim(HONEST, 200, 100_000 + 2 * Gossip.SYNC_TIMEOUT_MILLIS);
        assertThat(heights.believed(HONEST, 100_000 + 2 * Gossip.SYNC_TIMEOUT_MILLIS))
                .as("answered: its next refutation starts the backoff again").isEqualTo(200);

        long later = 200_000;
        heights.claim(LIAR, LIE, later);
        assertThat(heights.highest()).isEqualTo(LIE);
        assertThat(heights.mostAhead(150, later)).contains(LIAR);
        heights.forget(LIAR);
        assertThat(heights.highest()).isEqualTo(200);
        assertThat(heights.mostAhead(150, later)).contains(HONEST);
        assertThat(heights.mostAhead(200, later)).isEmpty();
    }
}
