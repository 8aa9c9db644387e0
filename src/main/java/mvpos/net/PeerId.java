package mvpos.net;

/** A peer, as the network names it (a devnet node's index, a TCP peer's address). */
public record PeerId(String name) {
    public PeerId {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a peer needs a name");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
