package mvpos.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * A simulation's report as people and plotting tools read it: a text summary, one JSON line, and with
 * {@code --out} CSV files (validators, blocks) and JSON lines. Nothing here reads a clock: the same
 * report gives the same bytes.
 */
public final class SimOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimOutput() {
    }

    public static String json(SimReport report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(SimReport r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "scenario %s  seed %d  engine %s%s  nodes %d (%d validators)%n",
                r.scenario(), r.seed(), r.engine(), r.finality().equals("ffg") ? "+ffg" : "", r.nodes(), r.validators()));
        out.append(String.format(Locale.ROOT, "virtual time %s  blocks %d  produced %d  stale rate %.2f%%%n",
                duration(r.virtualMillis()), r.blocks(), r.producedBlocks(), 100 * r.staleRate()));
        long reorgs = r.reorgDepths().values().stream().mapToLong(Long::longValue).sum();
        out.append(String.format(Locale.ROOT, "reorganisations %d (by depth: %s)%n", reorgs,
                r.reorgDepths().isEmpty() ? "none" : depths(r.reorgDepths())));
        Map<String, Long> p = r.propagationMillis();
        out.append(String.format(Locale.ROOT,
                "propagation to 50%% / 90%% / 100%% of nodes: median %s / %s / %s ms, worst %s / %s / %s ms%n",
                ms(p.get("p50")), ms(p.get("p90")), ms(p.get("p100")), ms(p.get("p50_worst")), ms(p.get("p90_worst")),
                ms(p.get("p100_worst"))));
        if (r.finality().equals("ffg")) {
            out.append(String.format(Locale.ROOT, "finality: epoch %d finalized; latency median %s ms, max %s ms%n",
                    r.finalizedEpoch(), ms(r.finalityLatencyMillis().get("median")),
                    ms(r.finalityLatencyMillis().get("max"))));
        }
        out.append(String.format(Locale.ROOT, "proposals against stake share: chi-square %.2f, %d degrees of freedom%n",
                r.chiSquare(), r.degreesOfFreedom()));
        out.append(String.format(Locale.ROOT, "transactions included %d  events %d  messages delivered %d, dropped %d%n",
                r.transactionsIncluded(), r.events(), r.messagesDelivered(), r.messagesDropped()));
        out.append(String.format(Locale.ROOT, "heads: %d of %d nodes on %s%n", r.nodesOnTheSameHead(), r.nodes(),
                r.head().isEmpty() ? "-" : r.head().substring(0, Math.min(16, r.head().length()))));
        if (!r.slashableValidators().isEmpty()) {
            out.append(String.format(Locale.ROOT, "slashable stake proven: %d of %d (%.1f%%), validators %s%n",
                    r.slashableStake(), r.totalStake(), 100.0 * r.slashableStake() / Math.max(1, r.totalStake()),
                    r.slashableValidators()));
        }
        if (r.violation() == null) {
            out.append("invariants: ok\n");
        } else {
            InvariantChecker.Violation v = r.violation();
            out.append(String.format(Locale.ROOT, "VIOLATION of %s at %s: %s%n", v.invariant(),
                    duration(v.timeMillis()), v.detail()));
            for (String event : v.recentEvents()) {
                out.append("  before: ").append(event).append('\n');
            }
        }
        return out.toString();
    }

    /** One line for a campaign's seed. */
    public static String line(SimReport r) {
        return String.format(Locale.ROOT, "seed %d: %s  blocks %d  stale %.2f%%  finalized epoch %d  events %d",
                r.seed(), r.violation() == null ? "ok" : "VIOLATION " + r.violation().invariant() + ": "
                        + r.violation().detail(), r.blocks(), 100 * r.staleRate(), r.finalizedEpoch(), r.events());
    }

    /** Writes {@code validators-SEED.csv}, {@code blocks-SEED.csv} and appends to {@code summary.jsonl}. */
    public static void write(Path dir, SimReport report, SimMetrics metrics) throws IOException {
        Files.createDirectories(dir);
        StringBuilder validators = new StringBuilder("node,address,stake,proposals,expected\n");
        for (Devnet.ValidatorShare v : report.shares()) {
            validators.append(String.format(Locale.ROOT, "%d,%s,%d,%d,%.4f%n", v.node(), v.address(), v.stake(),
                    v.proposals(), v.expected()));
        }
        Files.writeString(dir.resolve("validators-" + report.seed() + ".csv"), validators, StandardCharsets.UTF_8);
        StringBuilder blocks = new StringBuilder("hash,height,first_ms,to_50pct_ms,to_90pct_ms,to_100pct_ms\n");
        for (var entry : metrics.blocks().entrySet()) {
            SimMetrics.Spread s = entry.getValue();
            blocks.append(mvpos.crypto.Hex.encode(entry.getKey().bytes())).append(',').append(s.height).append(',')
                    .append(s.firstMillis - Devnet.SEEDED_START_MILLIS).append(',').append(s.half).append(',')
                    .append(s.most).append(',').append(s.all).append('\n');
        }
        Files.writeString(dir.resolve("blocks-" + report.seed() + ".csv"), blocks, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.jsonl"), json(report) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String duration(long millis) {
        if (millis < 1_000) {
            return millis + "ms";
        }
        long s = millis / 1_000;
        String rest = millis % 1_000 == 0 ? "" : String.format(Locale.ROOT, ".%03d", millis % 1_000);
        return s >= 60 ? (s / 60) + "m" + (s % 60) + rest + "s" : s + rest + "s";
    }

    private static String ms(Long value) {
        return value == null || value < 0 ? "-" : Long.toString(value);
    }

    private static String depths(Map<Integer, Long> depths) {
        StringBuilder out = new StringBuilder();
        depths.forEach((depth, count) -> out.append(out.isEmpty() ? "" : ", ").append(depth).append(": ").append(count));
        return out.toString();
    }
}
