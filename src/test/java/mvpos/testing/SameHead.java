package mvpos.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import mvpos.cli.CommonHead;

/**
 * Waits until running nodes agree on one block at one height (see {@link CommonHead}): the way to
 * say "the nodes are on the same chain" that holds however slowly the nodes are asked, since it
 * compares blocks at a height every node has reached rather than heads read one after the other.
 */
public final class SameHead {
    private static final Duration POLL = Duration.ofMillis(200);

    private SameHead() {
    }

    /**
     * Reads the nodes until they agree and {@code condition} holds on the reading (for example a
     * minimum height or a finalized epoch); returns that reading. Fails after {@code wait} with the
     * last reading and {@code diagnostics} (for example the nodes' last log lines).
     */
    public static CommonHead.Reading await(List<Integer> nodes, CommonHead.Probe probe,
            Predicate<CommonHead.Reading> condition, Duration wait, String what, Supplier<String> diagnostics)
            throws Exception {
        CommonHead.Reading[] last = new CommonHead.Reading[1];
        return Eventually.value(() -> {
            Optional<CommonHead.Reading> reading = CommonHead.read(nodes, probe);
            reading.ifPresent(r -> last[0] = r);
            return reading.filter(r -> r.agree() && condition.test(r));
        }, wait, POLL, () -> what + "; last reading: " + last[0] + diagnostics.get());
    }

    /** Reads the statuses of {@code nodes} until {@code condition} holds on them (every node answering). */
    public static List<com.fasterxml.jackson.databind.JsonNode> awaitStatuses(List<Integer> nodes,
            CommonHead.Probe probe, Predicate<List<com.fasterxml.jackson.databind.JsonNode>> condition, Duration wait,
            String what, Supplier<String> diagnostics) throws Exception {
        Object[] last = new Object[1];
        return Eventually.value(() -> {
            List<com.fasterxml.jackson.databind.JsonNode> statuses = new java.util.ArrayList<>();
            for (int node : nodes) {
                probe.get(node, "/status").ifPresent(statuses::add);
            }
            last[0] = statuses;
            return statuses.size() == nodes.size() && condition.test(statuses) ? Optional.of(statuses)
                    : Optional.empty();
        }, wait, POLL, () -> what + "; last statuses: " + last[0] + diagnostics.get());
    }
}
