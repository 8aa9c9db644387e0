package mvpos.api.explorer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the lobby's lottery has treated each validator since the explorer started: the rounds it
 * entered (proposed in), its stake, how often it won, and how often its share of each round's stake
 * says it should have. Thread-safe.
 */
public final class LobbyStats {
    /** One validator's record. */
    public record Row(String address, long stake, long rounds, long won, double expected, Fairness fairness) {
    }

    private static final class Tally {
        long stake;
        long rounds;
        long won;
        double expected;
        double variance;
    }

    private final Map<String, Tally> tallies = new TreeMap<>();
    private long rounds;

    /** A round: every candidate's stake and the winner. */
    public synchronized void round(Map<String, Long> candidateStakes, String winner) {
        double total = candidateStakes.values().stream().mapToLong(Long::longValue).sum();
        if (total <= 0) {
            return;
        }
        rounds++;
        candidateStakes.forEach((address, stake) -> {
            Tally tally = tallies.computeIfAbsent(address, a -> new Tally());
            double p = stake / total;
            tally.stake = stake;
            tally.rounds++;
            tally.expected += p;
            tally.variance += p * (1 - p);
            if (address.equals(winner)) {
                tally.won++;
            }
        });
    }

    public synchronized long rounds() {
        return rounds;
    }

    public synchronized List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        tallies.forEach((address, t) -> rows.add(new Row(address, t.stake, t.rounds, t.won, t.expected,
                Fairness.ofDraws(t.won, t.expected, t.variance))));
        return rows;
    }
}
