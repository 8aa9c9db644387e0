package mvpos.adversary;

/**
 * An eclipse attacker (Heilman et al. 2015): it floods a victim's table of peer addresses with its own,
 * then waits for the victim to restart and pick its outbound peers from the table. If every outbound peer
 * is its own, the victim sees only the attacker's chain and accepts a payment the rest of the network
 * never will. Its addresses come from the few network groups (/16 prefixes) it controls.
 */
public final class Eclipser {
    private final int ownNodes;
    private final int flood;

    /**
     * @param ownNodes the attacker's nodes already in the victim's table
     * @param flood    addresses it adds to the table
     */
    public Eclipser(int ownNodes, int flood) {
        if (ownNodes < 0 || flood < 0) {
            throw new IllegalArgumentException("counts cannot be negative");
        }
        this.ownNodes = ownNodes;
        this.flood = flood;
    }

    /** The attacker's entries in the victim's table after the flood. */
    public int entries() {
        return ownNodes + flood;
    }

    /** Whether a victim whose outbound peers include {@code attackerPeers} of {@code outbound} is eclipsed. */
    public static boolean eclipsed(int attackerPeers, int outbound) {
        return outbound > 0 && attackerPeers == outbound;
    }
}
