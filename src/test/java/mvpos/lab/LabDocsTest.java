package mvpos.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every lab has its student's page, listed in the labs' index, and every image a page shows exists. */
class LabDocsTest {
    @Test
    void everyLabHasAPageListedInTheIndexWithItsOwnTitle() throws Exception {
        String index = Files.readString(Path.of("docs/labs/README.md"));
        for (String name : Labs.names()) {
            Path page = Path.of("docs/labs", name + ".md");
            assertThat(page).as("the page of lab %s", name).exists();
            assertThat(Files.readString(page).lines().findFirst().orElse(""))
                    .as("the title of %s", page).startsWith("# Lab: " + name + " ");
            assertThat(index).as("the index's row for %s", name).contains("[" + name + "](" + name + ".md)");
        }
    }

    @Test
    void everyImageALabPageShowsIsThere() throws Exception {
        Pattern image = Pattern.compile("!\\[[^\\]]*\\]\\(([^)]+)\\)");
        for (String name : Labs.names()) {
            Matcher m = image.matcher(Files.readString(Path.of("docs/labs", name + ".md")));
            while (m.find()) {
                assertThat(Path.of("docs/labs", m.group(1))).as("an image on the page of %s", name).exists();
            }
        }
    }
}
