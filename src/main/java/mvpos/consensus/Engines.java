package mvpos.consensus;

import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The engines on the class path, by name, found with {@link ServiceLoader}: an engine registers
 * itself with one line in {@code META-INF/services/mvpos.consensus.ConsensusEngine}.
 */
public final class Engines {
    private Engines() {
    }

    /** The engine called {@code name}; an unknown name is an error listing the available ones. */
    public static ConsensusEngine named(String name) {
        ConsensusEngine engine = all().get(name);
        if (engine == null) {
            throw new IllegalArgumentException("unknown engine '" + name + "'; available: " + String.join(", ", names()));
        }
        return engine;
    }

    /** The names of the available engines, in order. */
    public static List<String> names() {
        return List.copyOf(all().keySet());
    }

    private static TreeMap<String, ConsensusEngine> all() {
        TreeMap<String, ConsensusEngine> engines = new TreeMap<>();
        java.util.Iterator<ConsensusEngine> found = ServiceLoader.load(ConsensusEngine.class).iterator();
        for (int failures = 0; failures < 100; ) {
            try {
                if (!found.hasNext()) {
                    break;
                }
                ConsensusEngine engine = found.next();
                engines.putIfAbsent(engine.name(), engine);
            } catch (java.util.ServiceConfigurationError | RuntimeException e) {
                failures++;
                // An engine on the class path that cannot be loaded or made is left out (the loader goes on
                // to the next): the others still run, and asking for it by name says it is unknown.
            }
        }
        return engines;
    }
}
