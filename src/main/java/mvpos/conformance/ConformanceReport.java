package mvpos.conformance;

import java.util.List;
import java.util.Map;

/** What a conformance run found: one result per check, and whether the engine passed them all. */
public record ConformanceReport(String engine, Map<String, String> params, List<Result> results) {

    /** One check's outcome; {@code failure} says what did not hold (null when it passed). */
    public record Result(String check, String description, boolean passed, String failure, long millis) {
        /** One line: PASS or FAIL, the check, and what failed. */
        public String line() {
            return String.format("%s  %-28s %6d ms%s", passed ? "PASS" : "FAIL", check, millis,
                    passed ? "" : "  " + failure);
        }
    }

    public ConformanceReport {
        params = Map.copyOf(params);
        results = List.copyOf(results);
    }

    public boolean passed() {
        return results.stream().allMatch(Result::passed);
    }

    public long failures() {
        return results.stream().filter(r -> !r.passed()).count();
    }

    /** The closing line of a report. */
    public String summary() {
        return passed()
                ? "engine '" + engine + "' passed all " + results.size() + " conformance checks"
                : "engine '" + engine + "' failed " + failures() + " of " + results.size() + " conformance checks";
    }
}
