package mvpos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A report written to a folder opens offline in a browser, with its charts drawn and its text escaped. */
@Timeout(120)
class ReportPageTest {
    private static final String HOSTILE = "</script><script>alert(1)</script>";

    @TempDir
    Path dir;

    private static ReportPage report() {
        double[] x = {0, 1, 2, 3, 4};
        return ReportPage.titled("Forks " + HOSTILE)
                .paragraph("a paragraph with " + HOSTILE)
                .chart(new ReportPage.Chart("head height", "seconds", "height", x, List.of(
                        new ReportPage.Series("node0", new double[]{0, 1, 2, 3, 4}),
                        new ReportPage.Series("node1 " + HOSTILE, new double[]{0, 1, Double.NaN, 2, 4}))))
                .table(List.of("node", "forks"), List.of(List.of("node0", 2), List.of(HOSTILE, 3)))
                .chart(new ReportPage.Chart("finality lag", "epoch", "epochs", new double[]{1, 2}, List.of(
                        new ReportPage.Series("lag", new double[]{2, 3}))));
    }

    @Test
    void theFolderHoldsThePageAndTheLibraryAndNoTextBreaksOut() throws Exception {
        Path index = report().write(dir);
        assertThat(index).isEqualTo(dir.resolve("index.html"));
        assertThat(dir.resolve("uPlot.iife.min.js")).isNotEmptyFile();
        assertThat(dir.resolve("report.js")).isNotEmptyFile();
        String html = Files.readString(index);
        assertThat(html).doesNotContain(HOSTILE).doesNotContain("http://").doesNotContain("https://");
        assertThat(html.split("<script", -1)).as("only the page's own three scripts").hasSize(4);
    }

    @Test
    void aSeriesOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> new ReportPage.Chart("c", "x", "y", new double[]{1, 2},
                List.of(new ReportPage.Series("s", new double[]{1})))).hasMessageContaining("has 1 values for 2");
    }

    @Test
    void aBrowserDrawsEveryChartOfflineWithoutErrors() throws Exception {
        Browser.assumeInstalled();
        Path index = report().write(dir);
        try (Browser browser = Browser.open()) {
            browser.driver.get(index.toUri().toString());
            new WebDriverWait(browser.driver, Duration.ofSeconds(20))
                    .until(d -> d.findElements(By.cssSelector(".chart canvas")).size() == 2);
            assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Forks " + HOSTILE);
            assertThat(browser.driver.findElement(By.tagName("table")).getText()).contains(HOSTILE);
            assertThat(browser.driver.getPageSource()).contains("node1 ");
            browser.screenshot("report-page");
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }
}
