package mvpos.consensus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import mvpos.chain.Header;

/**
 * What {@link ConsensusEngine#seal} may change: the seal, and nothing else. The node builds the header
 * (its height, parent, time, slot, proposer, body and state roots, engine name and the claim's engine
 * data) and checks the sealed one against it before the block leaves the node; the conformance kit
 * checks every engine the same way.
 */
public final class SealCheck {
    private SealCheck() {
    }

    /** The fields other than the seal that differ between the header built and the one sealed, by name. */
    public static List<String> changedFields(Header unsealed, Header sealed) {
        List<String> changed = new ArrayList<>();
        if (!unsealed.chainId().equals(sealed.chainId())) {
            changed.add("chainId");
        }
        if (unsealed.height() != sealed.height()) {
            changed.add("height");
        }
        if (!Arrays.equals(unsealed.parentHash(), sealed.parentHash())) {
            changed.add("parentHash");
        }
        if (unsealed.timestamp() != sealed.timestamp()) {
            changed.add("timestamp");
        }
        if (unsealed.slot() != sealed.slot()) {
            changed.add("slot");
        }
        if (!unsealed.proposer().equals(sealed.proposer())) {
            changed.add("proposer");
        }
        if (!Arrays.equals(unsealed.bodyRoot(), sealed.bodyRoot())) {
            changed.add("bodyRoot");
        }
        if (!Arrays.equals(unsealed.stateRoot(), sealed.stateRoot())) {
            changed.add("stateRoot");
        }
        if (!unsealed.engine().equals(sealed.engine())) {
            changed.add("engine");
        }
        if (!Arrays.equals(unsealed.engineData(), sealed.engineData())) {
            changed.add("engineData");
        }
        return changed;
    }

    /** Why a sealed header may not leave the node ({@code engine} named), or empty when only its seal changed. */
    public static Optional<String> problem(String engine, Header unsealed, Header sealed) {
        List<String> changed = changedFields(unsealed, sealed);
        return changed.isEmpty() ? Optional.empty() : Optional.of("engine '" + engine + "' sealed a header with "
                + String.join(", ", changed) + " changed: seal() may change the seal only");
    }
}
