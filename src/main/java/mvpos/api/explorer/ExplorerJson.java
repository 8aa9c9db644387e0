package mvpos.api.explorer;

import java.util.LinkedHashMap;
import java.util.Map;
import mvpos.api.ChainSnapshot;

/** The explorer's answers that are not plain records, as JSON-ready maps. */
final class ExplorerJson {
    private ExplorerJson() {
    }

    static Map<String, Object> finality(ChainSnapshot.FinalityView view) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("gadget", view.gadget());
        json.put("epochLength", view.epochLength());
        json.put("headEpoch", view.headEpoch());
        json.put("justified", view.justified().orElse(null));
        json.put("finalized", view.finalized().orElse(null));
        json.put("participation", view.participation());
        json.put("stalled", view.stalled());
        json.put("stalledSince", view.stalledSince());
        return json;
    }
}
