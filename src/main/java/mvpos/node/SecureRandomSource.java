package mvpos.node;

import java.security.SecureRandom;
import mvpos.crypto.RandomSource;

/** Unpredictable randomness from the operating system, for runs without {@code --seed}. */
public final class SecureRandomSource implements RandomSource {
    private final SecureRandom random = new SecureRandom();

    @Override
    public synchronized long nextLong() {
        return random.nextLong();
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
        random.nextBytes(out);
    }
}
