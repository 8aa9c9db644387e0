package mvpos.lobby;

/** A chain that fails validation; the message names the block and the broken rule. */
public final class InvalidChainException extends Exception {
    public InvalidChainException(String message) {
        super(message);
    }
}
