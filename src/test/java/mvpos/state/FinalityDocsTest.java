package mvpos.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The constants table of docs/finality.md is the code's: every constant, with its value, and nothing else. */
class FinalityDocsTest {
    @Test
    void theDocsConstantsTableMatchesFfgConstants() throws Exception {
        Map<String, Long> code = new LinkedHashMap<>();
        for (Field field : FfgConstants.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Modifier.isPublic(field.getModifiers())) {
                code.put(field.getName(), ((Number) field.get(null)).longValue());
            }
        }
        String doc = Files.readString(Path.of("docs/finality.md"));
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| ([0-9]+) \\|").matcher(doc);
        Map<String, Long> documented = new LinkedHashMap<>();
        while (row.find()) {
            documented.put(row.group(1), Long.parseLong(row.group(2)));
        }
        assertThat(documented).isEqualTo(code);
    }
}
