package mvpos.cli;

/**
 * Registers what a long-running command does when the JVM stops (Ctrl-C, SIGTERM). A signal can come
 * while the command is still starting: then the JVM refuses new hooks, and the command closes what it
 * opened itself and returns quietly instead of failing with a stack trace.
 */
final class ShutdownHook {
    private ShutdownHook() {
    }

    /** Registers {@code hook}; false when the JVM is already shutting down (the hook was not registered). */
    static boolean register(String name, Runnable hook) {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(hook, name));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
