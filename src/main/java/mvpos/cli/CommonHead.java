package mvpos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether running nodes agree on their chain, read through their HTTP APIs without depending on when
 * each one is asked: every node reports its status, then every node is asked for its canonical block
 * at the lowest height any of them reported. The nodes agree when they all name the same block
 * there. Asking for a head instead ({@code /status} one node after the other) fails whenever a new
 * block lands between two of the questions, which on a loaded machine is most of the time.
 */
public final class CommonHead {
    /** How to ask node {@code node} for {@code path} ({@code /status}, {@code /blocks/7}): the JSON, or empty. */
    @FunctionalInterface
    public interface Probe {
        Optional<JsonNode> get(int node, String path) throws Exception;
    }

    /**
     * One reading: the nodes' statuses (in the order asked), the height compared, and each node's
     * block hash at that height (absent for a node that did not answer).
     */
    public record Reading(List<Integer> nodes, List<JsonNode> statuses, long height, Map<Integer, String> hashes) {
        /** Whether every node answered and named one block at {@link #height()}. */
        public boolean agree() {
            return hashes.size() == nodes.size() && hashes.values().stream().distinct().count() == 1;
        }

        /** The block most nodes named at {@link #height()}, or "-" when none answered. */
        public String majorityHash() {
            Map<String, Integer> votes = votes();
            return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("-");
        }

        /** How many nodes named {@link #majorityHash()}. */
        public int agreeing() {
            return votes().values().stream().max(Integer::compare).orElse(0);
        }

        private Map<String, Integer> votes() {
            Map<String, Integer> votes = new LinkedHashMap<>();
            hashes.values().forEach(hash -> votes.merge(hash, 1, Integer::sum));
            return votes;
        }

        /** The status node {@code node} reported. */
        public JsonNode status(int node) {
            return statuses.get(nodes.indexOf(node));
        }

        @Override
        public String toString() {
            return "height " + height + ": " + hashes + "; statuses " + statuses;
        }
    }

    private CommonHead() {
    }

    /**
     * Reads every node once; empty when some node did not report its status. The reading may show
     * disagreement: the caller asks again (a fork is resolved, or a late block arrives, meanwhile).
     */
    public static Optional<Reading> read(List<Integer> nodes, Probe probe) throws Exception {
        List<JsonNode> statuses = new ArrayList<>();
        long lowest = Long.MAX_VALUE;
        for (int node : nodes) {
            Optional<JsonNode> status = probe.get(node, "/status");
            if (status.isEmpty()) {
                return Optional.empty();
            }
            statuses.add(status.get());
            lowest = Math.min(lowest, status.get().get("height").asLong());
        }
        Map<Integer, String> hashes = new LinkedHashMap<>();
        for (int node : nodes) {
            Optional<JsonNode> block = probe.get(node, "/blocks/" + lowest);
            if (block.isPresent() && block.get().has("hash")) {
                hashes.put(node, block.get().get("hash").asText());
            }
        }
        return Optional.of(new Reading(List.copyOf(nodes), List.copyOf(statuses), lowest, hashes));
    }
}
