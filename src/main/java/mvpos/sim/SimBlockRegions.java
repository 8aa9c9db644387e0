package mvpos.sim;

/**
 * SimBlock's network of six regions, with its figures for 2019: the mean latency between regions, each
 * region's upload and download bandwidth, and how Bitcoin's nodes were spread over them.
 *
 * <p>Source: SimBlock (Aoki et al., "SimBlock: A Blockchain Network Simulator", IEEE INFOCOM Workshops
 * 2019), file {@code simulator/src/main/java/simblock/settings/NetworkConfiguration.java} of
 * github.com/dsg-titech/simblock: {@code LATENCY_2019}, {@code DOWNLOAD_BANDWIDTH_2019},
 * {@code UPLOAD_BANDWIDTH_2019} (the per-region lists) and {@code REGION_DISTRIBUTION_BITCOIN_2019}.
 */
public final class SimBlockRegions {
    public static final java.util.List<String> REGIONS = java.util.List.of("north-america", "europe",
            "south-america", "asia-pacific", "japan", "australia");

    /** Mean one-way latency from region i to region j, in ms. */
    static final long[][] LATENCY_MILLIS = {
        {32, 124, 184, 198, 151, 189},
        {124, 11, 227, 237, 252, 294},
        {184, 227, 88, 325, 301, 322},
        {198, 237, 325, 85, 58, 198},
        {151, 252, 301, 58, 12, 126},
        {189, 294, 322, 198, 126, 16},
    };

    /** Download bandwidth of a node in each region, bits per second. */
    static final long[] DOWNLOAD_BPS = {52_000_000, 40_000_000, 18_000_000, 22_800_000, 22_800_000, 29_900_000};

    /** Upload bandwidth of a node in each region, bits per second. */
    static final long[] UPLOAD_BPS = {19_200_000, 20_700_000, 5_800_000, 15_700_000, 10_200_000, 11_300_000};

    /** Share of Bitcoin's nodes in each region. */
    static final double[] BITCOIN_NODES = {0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195};

    private SimBlockRegions() {
    }

    /**
     * The region of each of {@code nodes} nodes, in the proportions of {@link #BITCOIN_NODES}: node i is
     * placed at quantile (i + 1/2)/n of the distribution, then the placement is shuffled by the seed.
     */
    static int[] assign(int nodes, mvpos.crypto.RandomSource random) {
        int[] region = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            double q = (i + 0.5) / nodes;
            double cumulative = 0;
            int r = 0;
            while (r < BITCOIN_NODES.length - 1 && q > cumulative + BITCOIN_NODES[r]) {
                cumulative += BITCOIN_NODES[r];
                r++;
            }
            region[i] = r;
        }
        for (int i = nodes - 1; i > 0; i--) {
            int j = (int) random.nextLong(i + 1);
            int t = region[i];
            region[i] = region[j];
            region[j] = t;
        }
        return region;
    }
}
