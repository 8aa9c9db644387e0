package mvpos.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mvpos.api.explorer.DevnetFeed;
import mvpos.api.explorer.Explorer;
import mvpos.api.explorer.ExplorerServer;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer of a devnet with a fork, in a real browser: what a person would check. Four pos
 * validators with Casper FFG finalize, then a partition splits them two against two (each side builds
 * its own branch, and finality stalls), then the network heals and one branch wins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ExplorerBrowserTest {
    private static final long SLOT = 1_000;
    private static final long EPOCH = 4;

    private Devnet devnet;
    private Explorer explorer;
    private ExplorerServer server;
    private Browser browser;
    private String base;

    @BeforeAll
    void startDevnetWithAForkAndTheBrowser() throws Exception {
        Browser.assumeInstalled();
        devnet = new Devnet(Devnet.Config.seeded("pos", 4, SLOT, 7).withFfg(EPOCH), head -> { });
        explorer = DevnetFeed.attach(devnet, StrictJson.mapper(), System::currentTimeMillis);
        server = ExplorerServer.start(explorer, "127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port() + "/";
        devnet.advance(6 * EPOCH * SLOT);
        devnet.network().partition(new int[]{0, 0, 1, 1});
        devnet.advance(8 * SLOT);
        devnet.network().heal();
        devnet.advance(3 * EPOCH * SLOT);
        browser = Browser.open();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser.driver, Duration.ofSeconds(seconds));
    }

    private void open(String path) {
        browser.driver.get(base + path);
        waitUpTo(20).until(d -> !d.findElements(By.cssSelector("#page > *")).isEmpty());
    }

    @Test
    @Order(1)
    void theTreeShowsBothBranchesMarksTheCanonicalOneAndAFinalizedCheckpoint() throws Exception {
        open("#/");
        waitUpTo(20).until(d -> !d.findElements(By.cssSelector("#tree-0 .block.stale")).isEmpty());
        // Read in one script, so that a redraw between two reads cannot leave a stale element behind.
        @SuppressWarnings("unchecked")
        List<String> heights = (List<String>) browser.driver.executeScript("return Array.from(document"
                + ".querySelectorAll('#tree-0 .block')).map(b => b.getAttribute('data-height'));");
        Map<String, Integer> perHeight = new HashMap<>();
        for (String height : heights) {
            perHeight.merge(height, 1, Integer::sum);
        }
        assertThat(perHeight.values()).as("a height with two blocks: both branches drawn").anyMatch(n -> n >= 2);
        assertThat(browser.driver.findElements(By.cssSelector("#tree-0 .block.canonical"))).isNotEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("#tree-0 .block.stale"))).isNotEmpty();
        String head = (String) browser.driver.executeScript(
                "return document.querySelector('#tree-0 .block.canonical').getAttribute('data-hash');");
        assertThat(head).hasSize(64);
        waitUpTo(10).until(d -> !d.findElements(By.cssSelector("#tree-0 .block.finalized")).isEmpty());
        String finalized = (String) browser.driver.executeScript(
                "return document.querySelector('#tree-0 .block.finalized').getAttribute('data-hash');");
        assertThat(explorer.views().get(0).checkpoints()).containsEntry(finalized, "finalized");
        assertThat(browser.driver.findElement(By.id("finality-banner")).getText()).contains("finalized epoch");
        assertThat(browser.driver.findElements(By.cssSelector("#reorgs li"))).isNotEmpty();
        browser.screenshot("explorer-tree");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void aNewBlockAppearsWithoutReloading() throws Exception {
        open("#/");
        waitUpTo(20).until(d -> !d.findElements(By.cssSelector("#tree-0 .block.canonical")).isEmpty());
        long before = highestDrawn();
        browser.driver.executeScript("window.mvposMarker = 'same page';");
        devnet.advance(3 * SLOT);
        long head = explorer.views().get(0).head().height();
        assertThat(head).isGreaterThan(before);
        waitUpTo(10).until(d -> highestDrawn() >= head);
        assertThat(browser.driver.executeScript("return window.mvposMarker;")).as("not reloaded").isEqualTo("same page");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private long highestDrawn() {
        Object highest = browser.driver.executeScript("return Math.max(-1, ...Array.from(document"
                + ".querySelectorAll('#tree-0 .block.canonical')).map(b => Number(b.getAttribute('data-height'))));");
        return ((Number) highest).longValue();
    }

    @Test
    @Order(3)
    void theValidatorsTableListsEveryValidator() throws Exception {
        open("#/validators");
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("#validators tbody tr")).size() == 4);
        String table = browser.driver.findElement(By.id("validators")).getText();
        for (var key : devnet.keys()) {
            assertThat(table).contains(key.address().toString().substring(0, 12));
        }
        waitUpTo(10).until(d -> !d.findElements(By.cssSelector("#fairness-chart canvas")).isEmpty());
        browser.screenshot("explorer-validators");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(4)
    void aBlockAndItsProposersAccountOpenFromTheTree() throws Exception {
        open("#/");
        waitUpTo(20).until(d -> !d.findElements(By.cssSelector("#tree-0 .block.canonical")).isEmpty());
        // Found and clicked in one script, so that a redraw in between cannot leave a stale element behind.
        String hash = (String) browser.driver.executeScript("const b = document.querySelectorAll("
                + "'#tree-0 .block.canonical')[1]; b.dispatchEvent(new MouseEvent('click', {bubbles: true}));"
                + " return b.getAttribute('data-hash');");
        waitUpTo(10).until(d -> !d.findElements(By.id("block-hash")).isEmpty());
        assertThat(browser.driver.findElement(By.id("block-hash")).getText()).isEqualTo(hash);
        browser.screenshot("explorer-block");
        browser.driver.findElement(By.cssSelector("table.kv a[href^='#/account/']")).click();
        waitUpTo(10).until(d -> !d.findElements(By.id("account-address")).isEmpty());
        assertThat(browser.driver.getPageSource()).contains("blocks proposed on this chain");
        browser.screenshot("explorer-account");
        for (String page : List.of("#/evidence", "#/network")) {
            open(page);
            browser.screenshot("explorer-" + page.substring(2));
        }
        open("#/");
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("node-select"))).selectByValue("all");
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("svg.tree")).size() == 4
                && !d.findElements(By.cssSelector("#tree-3 .block")).isEmpty());
        browser.screenshot("explorer-side-by-side");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    @Order(5)
    void unknownThingsAreNotFoundAndHostileTextIsShownAsText() throws Exception {
        String hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";
        open("#/account/" + hostile);
        WebElement message = browser.driver.findElement(By.id("not-found"));
        assertThat(message.getText()).contains("<img src=x onerror=alert(1)>");
        assertThat(browser.driver.findElements(By.cssSelector("#page img, #page script"))).isEmpty();
        assertNoAlert();
        browser.screenshot("explorer-hostile-account");

        open("#/block/" + "ab".repeat(32));
        assertThat(browser.driver.findElement(By.id("not-found")).getText()).contains("no known block");
        open("#/no-such-page");
        assertThat(browser.driver.findElement(By.id("not-found")).getText()).contains("There is no page");

        browser.driver.get(base + "no/such/" + hostile);
        assertThat(browser.driver.findElement(By.id("not-found")).getText()).contains("<script>alert(2)</script>");
        assertThat(browser.driver.findElements(By.cssSelector("main img, main script"))).isEmpty();
        assertNoAlert();
        browser.screenshot("explorer-not-found");
    }

    private void assertNoAlert() {
        try {
            browser.driver.switchTo().alert();
            throw new AssertionError("the page ran a script from its input");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }
}
