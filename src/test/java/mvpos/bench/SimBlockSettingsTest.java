package mvpos.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The patcher of SimBlock's settings on a fixture shaped like its SimulationConfiguration.java. */
class SimBlockSettingsTest {
    private static final String FIXTURE = """
            package simblock.settings;
            public class SimulationConfiguration {
              public static final int NUM_OF_NODES = 300;//600;//800;//6000;
              // public static final int NUM_OF_NODES = 600;//600;//800;//6000;
              public static final long INTERVAL = 1000 * 60 * 10;//1000*60;
              //public static final int END_BLOCK_HEIGHT = 100;
              public static final int END_BLOCK_HEIGHT = 3;
              public static final float[] DISTRIBUTION = {0.1f, 0.2f};
            }
            """;

    @Test
    void setsTheDeclaredValueAndLeavesCommentsAndOtherSettingsAlone() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("NUM_OF_NODES", "10000");
        values.put("END_BLOCK_HEIGHT", "100");

        String patched = SimBlockSettings.patch(FIXTURE, values);

        assertThat(patched).isEqualTo(FIXTURE
                .replace("int NUM_OF_NODES = 300;//600", "int NUM_OF_NODES = 10000;//600")
                .replace("  public static final int END_BLOCK_HEIGHT = 3;",
                        "  public static final int END_BLOCK_HEIGHT = 100;"));
        assertThat(patched).contains("// public static final int NUM_OF_NODES = 600;")
                .contains("//public static final int END_BLOCK_HEIGHT = 100;");
    }

    @Test
    void aNameThatIsOnlyACommentOrAPrefixIsNotASetting() {
        assertThatThrownBy(() -> SimBlockSettings.patch(FIXTURE, Map.of("NUM_OF", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no setting NUM_OF");
        String onlyCommented = "  //public static final int END_BLOCK_HEIGHT = 100;\n";
        assertThatThrownBy(() -> SimBlockSettings.patch(onlyCommented, Map.of("END_BLOCK_HEIGHT", "5")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anArraySettingIsReplacedWhole() {
        assertThat(SimBlockSettings.patch(FIXTURE, Map.of("DISTRIBUTION", "{1f}")))
                .contains("float[] DISTRIBUTION = {1f};").doesNotContain("0.2f");
    }
}
