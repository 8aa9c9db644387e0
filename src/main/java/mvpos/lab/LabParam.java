package mvpos.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * A parameter a lab accepts: its name, its default (as a user would type it), what it means, and its
 * kind, which says which values are accepted. A list kind is a sweep: values separated by commas,
 * strictly increasing.
 */
public record LabParam(String name, String defaultValue, String description, Kind kind, double min, double max) {

    /** What a value may be. */
    public enum Kind {
        /** One number. */
        NUMBER,
        /** One whole number. */
        INTEGER,
        /** A sweep of numbers, comma separated, increasing. */
        NUMBERS,
        /** A sweep of whole numbers, comma separated, increasing. */
        INTEGERS
    }

    public static LabParam share(String name, String defaultValue, String description) {
        return new LabParam(name, defaultValue, description, Kind.NUMBER, 0, 1);
    }

    public static LabParam shares(String name, String defaultValue, String description) {
        return new LabParam(name, defaultValue, description, Kind.NUMBERS, 0, 1);
    }

    /** A sweep of numbers from {@code min} to {@code max}. */
    public static LabParam numbers(String name, String defaultValue, String description, double min, double max) {
        return new LabParam(name, defaultValue, description, Kind.NUMBERS, min, max);
    }

    public static LabParam integer(String name, String defaultValue, String description, long min, long max) {
        return new LabParam(name, defaultValue, description, Kind.INTEGER, min, max);
    }

    public static LabParam integers(String name, String defaultValue, String description, long min, long max) {
        return new LabParam(name, defaultValue, description, Kind.INTEGERS, min, max);
    }

    /** The values {@code text} stands for, or an {@link IllegalArgumentException} whose message says what is accepted. */
    public List<Double> parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > 1 && (kind == Kind.NUMBER || kind == Kind.INTEGER)) {
            throw bad(text, "one value");
        }
        List<Double> values = new ArrayList<>();
        for (String part : parts) {
            double value;
            try {
                value = Double.parseDouble(part.strip());
            } catch (NumberFormatException e) {
                throw bad(text, expected());
            }
            boolean whole = kind == Kind.INTEGER || kind == Kind.INTEGERS;
            if (Double.isNaN(value) || Double.isInfinite(value) || whole && value != Math.rint(value)) {
                throw bad(text, expected());
            }
            if (value < min || value > max) {
                throw bad(text, expected());
            }
            if (!values.isEmpty() && value <= values.get(values.size() - 1)) {
                throw bad(text, "a sweep in increasing order, " + expected());
            }
            values.add(value);
        }
        return List.copyOf(values);
    }

    private String expected() {
        String range = kind == Kind.INTEGER || kind == Kind.INTEGERS
                ? "whole numbers from " + (long) min + " to " + (long) max
                : "numbers from " + trim(min) + " to " + trim(max);
        return (kind == Kind.NUMBERS || kind == Kind.INTEGERS ? "comma-separated " : "") + range;
    }

    private IllegalArgumentException bad(String text, String expected) {
        return new IllegalArgumentException("parameter " + name + "=" + text + " is not accepted: expected "
                + expected + " (e.g. " + name + "=" + defaultValue + ")");
    }

    static String trim(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
