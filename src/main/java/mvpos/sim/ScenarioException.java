package mvpos.sim;

/** A scenario that cannot run: the key at fault (dotted, with list indexes) and what is wrong with it. */
public final class ScenarioException extends Exception {
    private final String key;
    private final String problem;

    public ScenarioException(String key, String problem) {
        super(key.isEmpty() ? problem : key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
