package mvpos.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SimBlockRun} without SimBlock: its checks of the checkout and of the JDK, and a build and run of a
 * stand-in checkout of three tiny files shaped like SimBlock's (same paths, same settings class, a main that
 * prints its settings and SimBlock's kind of output), so no network and no real checkout are needed.
 */
class SimBlockRunTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryOrOneWithoutSimBlocksSourcesIsNamed() throws Exception {
        assertThatThrownBy(() -> SimBlockRun.checkCheckout(dir.resolve("absent")))
                .isInstanceOf(SimBlockRun.Unusable.class).hasMessageContaining("no such directory");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> SimBlockRun.checkCheckout(dir.resolve("empty")))
                .isInstanceOf(SimBlockRun.Unusable.class)
                .hasMessageContaining("not a SimBlock checkout (no " + SimBlockRun.SETTINGS + ")");
    }

    @Test
    void javacIsFoundBesideTheRunningJavaElseInJavaHomeElseTheTriedPlacesAreNamed() throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Path javac = Files.createFile(jdk.resolve("javac"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path jre = Files.createDirectories(dir.resolve("jre/bin"));

        assertThat(SimBlockRun.findJavac(Optional.of(jdk.resolve("java").toString()), null)).isEqualTo(javac);
        assertThat(SimBlockRun.findJavac(Optional.of(jre.resolve("java").toString()), dir.resolve("jdk").toString()))
                .isEqualTo(javac);
        assertThatThrownBy(() -> SimBlockRun.findJavac(Optional.of(jre.resolve("java").toString()), null))
                .isInstanceOf(SimBlockRun.Unusable.class)
                .hasMessageContaining(jre.resolve("javac").toString()).hasMessageContaining("needs a JDK");
    }

    @Test
    void aBuildThatNeedsALibraryNamesIt() throws Exception {
        Path checkout = standIn("import org.json.JSONObject;\n", "");
        SimBlockRun run = SimBlockRun.prepare(checkout);

        assertThatThrownBy(() -> run.run(5, 2, List.of()))
                .isInstanceOf(SimBlockRun.Unusable.class).hasMessageContaining("package org.json");
    }

    @Test
    void theCopyIsBuiltWithTheGivenSettingsRunAndMeasuredAndTheCheckoutIsLeftAlone() throws Exception {
        Path checkout = standIn("", """
                    java.net.URI out = ClassLoader.getSystemResource("simulator.conf").toURI().resolve("../output/");
                    StringBuilder list = new StringBuilder();
                    for (int h = 1; h <= END_BLOCK_HEIGHT; h++) {
                      list.append("OnChain : ").append(h).append(" : b").append(h).append('\\n');
                    }
                    list.append("Orphan : 2 : x\\n");
                    java.nio.file.Files.writeString(java.nio.file.Path.of(out.resolve("./blockList.txt")), list);
                    System.out.println("nodes " + NUM_OF_NODES);
                    System.out.println();
                    System.out.println(NUM_OF_NODES * 10 + END_BLOCK_HEIGHT);
                """);
        String before = Files.readString(checkout.resolve(SimBlockRun.SETTINGS));

        SimBlockRun.Result result = SimBlockRun.prepare(checkout).run(7, 4, List.of("-Xmx64m"));

        assertThat(result.nodes()).isEqualTo(7);
        assertThat(result.blocks()).isEqualTo(4);
        assertThat(result.reportedMillis()).isEqualTo(74); // the patched constants reached the compiled program
        assertThat(result.chainBlocks()).isEqualTo(4);
        assertThat(result.outputBytes()).as("its blockList.txt")
                .isEqualTo(4 * "OnChain : 1 : b1\n".length() + "Orphan : 2 : x\n".length());
        assertThat(result.wallSeconds()).isPositive();
        assertThat(Files.readString(checkout.resolve(SimBlockRun.SETTINGS))).isEqualTo(before);
    }

    /** A checkout with SimBlock's layout whose Main has {@code imports} and runs {@code body}. */
    private Path standIn(String imports, String body) throws Exception {
        Path checkout = dir.resolve("checkout");
        Path settings = checkout.resolve(SimBlockRun.SETTINGS);
        Files.createDirectories(settings.getParent());
        Files.writeString(settings, """
                package simblock.settings;
                public class SimulationConfiguration {
                  public static final int NUM_OF_NODES = 300;//600;
                  //public static final int END_BLOCK_HEIGHT = 100;
                  public static final int END_BLOCK_HEIGHT = 3;
                }
                """);
        Path main = checkout.resolve(SimBlockRun.MAIN);
        Files.createDirectories(main.getParent());
        Files.writeString(main, "package simblock.simulator;\n" + imports
                + "import static simblock.settings.SimulationConfiguration.*;\n"
                + "public class Main {\n  public static void main(String[] args) throws Exception {\n" + body
                + "  }\n}\n");
        Path conf = Files.createDirectories(checkout.resolve(SimBlockRun.CONF));
        Files.writeString(conf.resolve("simulator.conf"), "# Do not remove this file.\n");
        return checkout;
    }
}
