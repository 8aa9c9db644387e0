package mvpos.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mvpos.api.ReportPage;

/**
 * A simulation's report as a page a browser opens offline ({@code index.html} of {@code --out DIR}): the
 * verdict, then charts of the highest block over virtual time, each block's propagation to 50%, 90% and
 * 100% of the nodes, each validator's proposals against its stake share, the finality lag over time
 * (with finality), and the summary table. A campaign's page is the table of its seeds. Built from the
 * report and the metrics only (no clock), so the same seed gives the same bytes.
 */
public final class SimPage {
    private SimPage() {
    }

    /** The page of one run; {@code epochMillis}: an epoch's length in virtual time (for the finality lag). */
    public static ReportPage of(SimReport r, SimMetrics metrics, long epochMillis) {
        ReportPage page = ReportPage.titled("mvpos sim " + r.scenario() + ", seed " + r.seed())
                .paragraph(String.format(Locale.ROOT, "%d nodes (%d validators), engine %s%s, %s of virtual time.",
                        r.nodes(), r.validators(), r.engine(), r.finality().equals("ffg") ? " with FFG finality" : "",
                        SimOutput.duration(r.virtualMillis())))
                .paragraph(verdict(r));
        if (r.violated()) {
            for (String event : r.violation().recentEvents()) {
                page.paragraph("before: " + event);
            }
        }
        List<SimMetrics.Spread> blocks = new ArrayList<>();
        for (SimMetrics.Spread s : metrics.blocks().values()) {
            if (s.height > 0) {
                blocks.add(s); // in the order they were first added anywhere
            }
        }
        if (!blocks.isEmpty()) {
            page.chart(heightOverTime(blocks)).chart(propagation(blocks));
        }
        if (!r.shares().isEmpty()) {
            page.chart(proposals(r));
        }
        if (r.finality().equals("ffg") && !metrics.finalizedCheckpoints().isEmpty()) {
            page.chart(finalityLag(metrics, epochMillis));
        }
        return page.heading("Summary").table(List.of("quantity", "value"), summary(r));
    }

    /** The page of a campaign: one row a seed. */
    public static ReportPage campaign(String scenario, List<SimReport> reports) {
        long violations = reports.stream().filter(SimReport::violated).count();
        List<List<?>> rows = new ArrayList<>();
        for (SimReport r : reports) {
            rows.add(List.of(r.seed(), r.violated() ? "VIOLATION " + r.violation().invariant() + ": "
                    + r.violation().detail() : "ok", r.blocks(), percent(r.staleRate()), r.finalizedEpoch(), r.events()));
        }
        return ReportPage.titled("mvpos sim " + scenario + ", campaign of " + reports.size() + " seeds")
                .paragraph(reports.size() + " seeds, " + violations + " violating an invariant. Each seed replays "
                        + "with --seed N; its CSV files are validators-N.csv and blocks-N.csv.")
                .table(List.of("seed", "verdict", "blocks", "stale rate", "finalized epoch", "events"), rows);
    }

    private static String verdict(SimReport r) {
        return r.violated() ? String.format(Locale.ROOT, "VIOLATION of %s at %s: %s", r.violation().invariant(),
                SimOutput.duration(r.violation().timeMillis()), r.violation().detail()) : "Invariants: ok.";
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }

    /** The highest block any node had, stepping up at each new block's first appearance. */
    private static ReportPage.Chart heightOverTime(List<SimMetrics.Spread> blocks) {
        double[] x = new double[blocks.size()];
        double[] highest = new double[blocks.size()];
        long top = 0;
        for (int i = 0; i < blocks.size(); i++) {
            SimMetrics.Spread s = blocks.get(i);
            top = Math.max(top, s.height);
            x[i] = seconds(s.firstMillis - Devnet.SEEDED_START_MILLIS);
            highest[i] = top;
        }
        return new ReportPage.Chart("Highest block over virtual time", "virtual time (s)", "height", x,
                List.of(new ReportPage.Series("highest block", highest)));
    }

    /** For each block, in the order produced: ms from its first appearance to 50%, 90%, 100% of the nodes. */
    private static ReportPage.Chart propagation(List<SimMetrics.Spread> blocks) {
        double[] x = new double[blocks.size()];
        double[] half = new double[blocks.size()];
        double[] most = new double[blocks.size()];
        double[] all = new double[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) {
            SimMetrics.Spread s = blocks.get(i);
            x[i] = i + 1;
            half[i] = s.half < 0 ? Double.NaN : s.half;
            most[i] = s.most < 0 ? Double.NaN : s.most;
            all[i] = s.all < 0 ? Double.NaN : s.all;
        }
        return new ReportPage.Chart("Propagation of each block (a gap: never reached that share)",
                "block, in the order produced", "ms since first seen", x,
                List.of(new ReportPage.Series("to 50% of nodes", half), new ReportPage.Series("to 90% of nodes", most),
                        new ReportPage.Series("to 100% of nodes", all)));
    }

    private static ReportPage.Chart proposals(SimReport r) {
        List<Devnet.ValidatorShare> shares = r.shares();
        double[] x = new double[shares.size()];
        double[] made = new double[shares.size()];
        double[] expected = new double[shares.size()];
        for (int i = 0; i < shares.size(); i++) {
            x[i] = shares.get(i).node();
            made[i] = shares.get(i).proposals();
            expected[i] = shares.get(i).expected();
        }
        return new ReportPage.Chart(String.format(Locale.ROOT,
                "Proposals against stake share (chi-square %.2f, %d degrees of freedom)", r.chiSquare(),
                r.degreesOfFreedom()), "validator (node)", "blocks on the final chain", x,
                List.of(new ReportPage.Series("proposals", made), new ReportPage.Series("expected", expected)));
    }

    /** Each checkpoint's first finalization: when, and how long after its epoch began. */
    private static ReportPage.Chart finalityLag(SimMetrics metrics, long epochMillis) {
        List<long[]> finalized = metrics.finalizedCheckpoints();
        double[] x = new double[finalized.size()];
        double[] lag = new double[finalized.size()];
        double[] epoch = new double[finalized.size()];
        for (int i = 0; i < finalized.size(); i++) {
            long[] f = finalized.get(i);
            x[i] = seconds(f[1] - Devnet.SEEDED_START_MILLIS);
            lag[i] = seconds(f[1] - Devnet.SEEDED_START_MILLIS - f[0] * epochMillis);
            epoch[i] = f[0];
        }
        return new ReportPage.Chart("Finality lag over virtual time", "virtual time (s)",
                "s since the checkpoint's epoch began / epoch", x,
                List.of(new ReportPage.Series("finality lag (s)", lag), new ReportPage.Series("finalized epoch", epoch)));
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    private static String ms(Long value) {
        return value == null || value < 0 ? "-" : value + " ms";
    }

    private static List<List<?>> summary(SimReport r) {
        List<List<?>> rows = new ArrayList<>();
        rows.add(List.of("scenario", r.scenario()));
        rows.add(List.of("seed", r.seed()));
        rows.add(List.of("engine", r.engine() + (r.finality().equals("ffg") ? " + ffg" : "")));
        rows.add(List.of("nodes (validators)", r.nodes() + " (" + r.validators() + ")"));
        rows.add(List.of("virtual time", SimOutput.duration(r.virtualMillis())));
        rows.add(List.of("blocks on node 0's chain", r.blocks()));
        rows.add(List.of("blocks produced", r.producedBlocks()));
        rows.add(List.of("stale rate", percent(r.staleRate())));
        long reorgs = r.reorgDepths().values().stream().mapToLong(Long::longValue).sum();
        rows.add(List.of("reorganisations", reorgs + (reorgs == 0 ? "" : " (by depth " + r.reorgDepths() + ")")));
        Map<String, Long> p = r.propagationMillis();
        rows.add(List.of("propagation to 50% / 90% / 100%, median", ms(p.get("p50")) + " / " + ms(p.get("p90"))
                + " / " + ms(p.get("p100"))));
        rows.add(List.of("propagation to 50% / 90% / 100%, worst", ms(p.get("p50_worst")) + " / "
                + ms(p.get("p90_worst")) + " / " + ms(p.get("p100_worst"))));
        if (r.finality().equals("ffg")) {
            rows.add(List.of("finalized epoch", r.finalizedEpoch()));
            rows.add(List.of("finality latency, median / max", ms(r.finalityLatencyMillis().get("median")) + " / "
                    + ms(r.finalityLatencyMillis().get("max"))));
        }
        rows.add(List.of("proposals against stake, chi-square",
                String.format(Locale.ROOT, "%.2f (%d degrees of freedom)", r.chiSquare(), r.degreesOfFreedom())));
        rows.add(List.of("transactions included", r.transactionsIncluded()));
        rows.add(List.of("events", r.events()));
        rows.add(List.of("messages delivered / dropped", r.messagesDelivered() + " / " + r.messagesDropped()));
        rows.add(List.of("nodes on the same head", r.nodesOnTheSameHead() + " of " + r.nodes()));
        if (!r.slashableValidators().isEmpty()) {
            rows.add(List.of("slashable stake proven", r.slashableStake() + " of " + r.totalStake() + ", validators "
                    + r.slashableValidators()));
        }
        rows.add(List.of("invariants", r.violated() ? "VIOLATION of " + r.violation().invariant() : "ok"));
        return rows;
    }
}
