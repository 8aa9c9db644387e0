package mvpos.bench;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets constants in the text of SimBlock's {@code SimulationConfiguration.java}, whose settings are
 * {@code public static final} fields: each named field's initial value is replaced by the one given. Only the
 * first uncommented declaration of each name is changed; a name with no declaration is an error.
 */
public final class SimBlockSettings {
    private SimBlockSettings() {
    }

    /** The source with each field named in {@code values} initialised to its value (Java source text). */
    public static String patch(String source, Map<String, String> values) {
        String patched = source;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            // a declaration at the start of a line (a line comment before it would not match)
            Pattern declaration = Pattern.compile("(?m)^(\\s*public\\s+static\\s+final\\s+[\\w\\[\\]]+\\s+"
                    + Pattern.quote(entry.getKey()) + "\\s*=\\s*)[^;]*;");
            Matcher m = declaration.matcher(patched);
            if (!m.find()) {
                throw new IllegalArgumentException("no setting " + entry.getKey() + " in SimulationConfiguration.java");
            }
            patched = patched.substring(0, m.start()) + m.group(1) + entry.getValue() + ";" + patched.substring(m.end());
        }
        return patched;
    }
}
