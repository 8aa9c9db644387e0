package mvpos.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import mvpos.consensus.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that is on no class path of mvpos: its source compiled and packed into a jar while the test
 * runs, loaded at run time (as {@code MVPOS_CLASSPATH} adds a jar), found by name and put through the
 * conformance kit.
 */
class OutsideJarTest {
    private static final String SOURCE = """
            package outside;

            import java.math.BigInteger;
            import java.util.Map;
            import java.util.Optional;
            import java.util.TreeMap;
            import mvpos.chain.Genesis;
            import mvpos.chain.Header;
            import mvpos.consensus.*;
            import mvpos.crypto.KeyPair;
            import mvpos.crypto.RandomSource;

            /** Round-robin signing among every staker, in address order: proof of authority without a list. */
            public final class StakersInTurn implements ConsensusEngine {
                private final PoaEngine poa;

                public StakersInTurn() {
                    this(new PoaEngine());
                }

                private StakersInTurn(PoaEngine poa) {
                    this.poa = poa;
                }

                public String name() {
                    return "stakers-in-turn";
                }

                public Map<String, String> parameters() {
                    return Map.of();
                }

                public ConsensusEngine configure(Genesis genesis) {
                    TreeMap<String, String> params = new TreeMap<>();
                    params.put(PoaEngine.AUTHORITIES, String.join(",", genesis.accounts().entrySet().stream()
                            .filter(e -> e.getValue().stake() > 0).map(e -> e.getKey().toString()).toList()));
                    return new StakersInTurn(poa.configure(genesis.withEngine(PoaEngine.NAME, params)));
                }

                public long slotAt(long millis) {
                    return poa.slotAt(millis);
                }

                public Optional<Claim> claim(ChainView chain, Header parent, long now, KeyPair key) {
                    return poa.claim(chain, parent, now, key);
                }

                public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair key, RandomSource random,
                                             long attempts) {
                    return poa.seal(chain, unsealed, key, random, attempts);
                }

                public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long now) {
                    return poa.verifySeal(chain, parent, header, now);
                }

                public BigInteger weight(Header header) {
                    return poa.weight(header);
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void anEngineFromAJarLoadedAtRunTimePassesTheKit() throws Exception {
        Path src = dir.resolve("src/outside/StakersInTurn.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "--release", "21", "-cp", System.getProperty("java.class.path"),
                "-d", classes.toString(), src.toString());
        assertThat(status).as("the outside engine compiles against mvpos").isZero();
        Path jar = dir.resolve("stakers.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
            }
            out.putNextEntry(new JarEntry("META-INF/services/mvpos.consensus.ConsensusEngine"));
            out.write("outside.StakersInTurn\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Engines.names()).doesNotContain("stakers-in-turn");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, before)) {
            Thread.currentThread().setContextClassLoader(loader);
            assertThat(Engines.names()).contains("stakers-in-turn");
            ConformanceReport report = ConformanceSuite.standard().run("stakers-in-turn", Map.of());
            assertThat(report.passed()).as(report.results().stream().map(ConformanceReport.Result::line)
                    .collect(Collectors.joining("\n"))).isTrue();
            assertThat(report.results()).hasSize(6);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }
}
