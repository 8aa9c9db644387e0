package mvpos.api.explorer;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus metrics of the nodes an explorer watches, labelled by node: the names Ethereum
 * consensus clients share ({@code beacon_head_slot}, {@code beacon_finalized_epoch},
 * {@code beacon_current_justified_epoch}, {@code beacon_reorgs_total}, {@code libp2p_peers}) and
 * mvpos's own. Gauges and counters read the views when scraped, so a scrape costs what it writes.
 */
public final class ChainMetrics {
    /** Upper bounds of the import-delay histogram, in seconds. */
    static final double[] DELAY_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram importDelay;

    ChainMetrics(List<NodeView> views, BlockCatalog catalog) {
        gauge("beacon_head_slot", "Slot of the node's head block.", views, v -> v.head().slot());
        gauge("beacon_finalized_epoch", "Epoch of the node's finalized checkpoint (0 without a finality gadget).",
                views, v -> v.finality().finalized().map(c -> c.epoch()).orElse(0L));
        gauge("beacon_current_justified_epoch", "Epoch of the node's latest justified checkpoint.", views,
                v -> v.finality().justified().map(c -> c.epoch()).orElse(0L));
        counter("beacon_reorgs_total", "Head changes that abandoned at least one block.", views, NodeView::reorgs);
        gauge("libp2p_peers", "Peers the node is connected to.", views, v -> v.network().connected());
        gauge("mvpos_head_height", "Height of the node's head block.", views, v -> v.head().height());
        counter("mvpos_blocks_imported_total", "Blocks that joined the node's canonical chain.", views,
                NodeView::blocksImported);
        gauge("mvpos_mempool_size", "Transactions waiting in the node's mempool.", views, NodeView::pendingTransactions);
        gauge("mvpos_finality_participation_ratio", "Share of the current dynasty's stake whose votes for the last "
                + "closed epoch the head's chain counted (1 without a finality gadget).", views, v -> v.finality().participation());
        gauge("mvpos_finality_stalled", "1 when the finalized checkpoint lags the head by more than "
                + mvpos.api.ChainSnapshot.STALLED_AFTER_EPOCHS + " epochs.", views, v -> v.finality().stalled() ? 1 : 0);
        CounterWithCallback.builder().name("mvpos_votes_total")
                .help("Finality votes the node was offered (outcome accepted or refused) and those the blocks it "
                        + "added carried (outcome in_blocks).")
                .labelNames("node", "outcome").callback(cb -> {
                    for (NodeView view : views) {
                        NodeView.Counters c = view.counters();
                        cb.call(c.votesAccepted(), view.name(), "accepted");
                        cb.call(c.votesRefused(), view.name(), "refused");
                        cb.call(c.votesInBlocks(), view.name(), "in_blocks");
                    }
                }).register(registry);
        CounterWithCallback.builder().name("mvpos_messages_received_total")
                .help("Messages the node received from its peers, by kind.")
                .labelNames("node", "kind").callback(cb -> {
                    for (NodeView view : views) {
                        view.counters().messages().forEach((kind, count) -> cb.call(count, view.name(), kind));
                    }
                }).register(registry);
        counter("mvpos_peer_bans_total", "Bans the node pronounced (a peer by its identity, or an address).", views,
                v -> v.counters().bans());
        GaugeWithCallback.builder().name("mvpos_explorer_blocks_known")
                .help("Blocks on every fork that the explorer holds.")
                .callback(cb -> cb.call(catalog.size())).register(registry);
        importDelay = Histogram.builder().name("mvpos_block_import_delay_seconds")
                .help("From a block's timestamp (when it was sealed) to the moment it joined the node's chain: "
                        + "propagation, verification, state transition and storage.")
                .labelNames("node").classicOnly().classicUpperBounds(DELAY_BOUNDS).register(registry);
    }

    private void gauge(String name, String help, List<NodeView> views, ToDoubleFunction<NodeView> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("node").callback(cb -> {
            for (NodeView view : views) {
                cb.call(value.applyAsDouble(view), view.name());
            }
        }).register(registry);
    }

    private void counter(String name, String help, List<NodeView> views, ToDoubleFunction<NodeView> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("node").callback(cb -> {
            for (NodeView view : views) {
                cb.call(value.applyAsDouble(view), view.name());
            }
        }).register(registry);
    }

    /** Records how long a block took from its timestamp to the node's chain. */
    void importDelay(NodeView view, double seconds) {
        importDelay.labelValues(view.name()).observe(Math.max(0, seconds));
    }

    /** The metrics in Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }
}
