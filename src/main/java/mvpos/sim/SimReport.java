package mvpos.sim;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one simulation, all of it from virtual time and the seed (so the same seed gives the
 * same report, byte for byte): the chain, the forks, propagation, finality, proposals against stake,
 * the network's traffic and the invariants' verdict.
 *
 * @param propagationMillis the median over blocks of the time to reach 50%, 90% and 100% of the nodes ({@code p50}, {@code p90}, {@code p100}), and the 90th percentile of each ({@code p50_p90}...)
 * @param finalityLatencyMillis median and maximum of (first finalized - start of the checkpoint's epoch)
 */
public record SimReport(String scenario, long seed, String engine, String finality, int nodes, int validators,
                        long virtualMillis, long blocks, long producedBlocks, double staleRate,
                        Map<Integer, Long> reorgDepths, Map<String, Long> propagationMillis, long finalizedEpoch,
                        Map<String, Long> finalityLatencyMillis, long transactionsIncluded, double chiSquare,
                        int degreesOfFreedom, List<Devnet.ValidatorShare> shares, long events, long messagesDelivered,
                        long messagesDropped, int nodesOnTheSameHead, String head, long slashableStake,
                        long totalStake, List<Integer> slashableValidators, InvariantChecker.Violation violation) {

    public boolean violated() {
        return violation != null;
    }
}
