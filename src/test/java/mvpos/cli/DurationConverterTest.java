package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({
        "500ms,  500",
        "2s,     2000",
        "1m,     60000",
        "1h,     3600000",
        "1m30s,  90000",
        "1h1m1s1ms, 3661001",
        "1ms,    1",
        "90s,    90000",
        "0s5ms,  5",
    })
    void parsesDurationsAsPeopleWriteThem(String text, long millis) {
        assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofMillis(millis));
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(DurationConverter.parse(" 2s\t")).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "2x", "2", "s", "-1s", "+1s", "1.5s", "2 s", "1m 30s", "ms", "1sm"})
    void rejectsTextThatIsNotADuration(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("is not a duration")
                .hasMessageContaining("500ms"); // the message shows how to write one
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "0h0m0s0ms", "000m"})
    void rejectsZero(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("positive");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "99999999999999999999s",                     // does not fit a long
        "9223372036854775807h",                      // fits a long, but not a Duration in hours
        "9223372036854775807s9223372036854775807s",  // each part fits, their sum does not
        "153722867280912931m",                       // just past Long.MAX_VALUE seconds in minutes
    })
    void rejectsHugeDurations(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("too long");
    }

    @Test
    void largestDurationsThatFitAreAccepted() {
        assertThat(DurationConverter.parse("9223372036854775807s")).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(DurationConverter.parse("9223372036854775807ms")).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    }

    /** DurationFormat writes every positive whole-millisecond duration in a form the converter reads back. */
    @Property(tries = 500)
    void formatAndParseRoundTrip(@ForAll @LongRange(min = 1) long millis) {
        Duration d = Duration.ofMillis(millis);
        assertThat(DurationConverter.parse(DurationFormat.of(d))).isEqualTo(d);
    }

    @Test
    void formatPicksTheLargestExactUnit() {
        assertThat(DurationFormat.of(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(DurationFormat.of(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationFormat.of(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationFormat.of(Duration.ofHours(1))).isEqualTo("1h");
    }

    @Test
    void converterIsUsableByPicocli() {
        class Options {
            @CommandLine.Option(names = "--every", converter = DurationConverter.class)
            Duration every;
        }
        Options options = new Options();
        new CommandLine(options).parseArgs("--every", "1m30s");
        assertThat(options.every).isEqualTo(Duration.ofSeconds(90));

        assertThatThrownBy(() -> new CommandLine(new Options()).parseArgs("--every", "1.5s"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("1.5s");
    }
}
