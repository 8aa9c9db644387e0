package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/**
 * After a run the devnet prints each validator's stake and proposals against what its share expects,
 * the forks and reorganisations it went through, and whether the proposals fit the shares.
 */
class DevnetSummaryTest {
    private static final Pattern ROW = Pattern.compile("node(\\d+)\\s+(\\d+)\\s+([0-9.]+)%\\s+(\\d+)\\s+([0-9.]+)");

    @Test
    void theSummaryListsEveryValidatorsStakeAndProposalsAndTheForks() throws Exception {
        CliRun run = CliRun.run("devnet", "--engine", "pos", "--validators", "4", "--slot", "100ms", "--blocks", "60",
                "--seed", "5");
        assertThat(run.exitCode()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).anyMatch(l -> l.matches("forks: \\d+ blocks were a head but are not on the chain; \\d+ "
                + "reorganisations.*"));
        // The same devnet, read directly: the stakes and the proposals on the final chain.
        Devnet devnet = new Devnet(Devnet.Config.seeded("pos", 4, 100, 5), head -> { });
        devnet.run(60, 0);
        Devnet.ChainSummary chain = devnet.chainSummary();
        long proposals = 0;
        int rows = 0;
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                Devnet.ValidatorShare v = chain.validators().get(Integer.parseInt(m.group(1)));
                assertThat(Long.parseLong(m.group(2))).isEqualTo(v.stake());
                assertThat(Long.parseLong(m.group(4))).isEqualTo(v.proposals());
                proposals += v.proposals();
                rows++;
            }
        }
        assertThat(rows).isEqualTo(4);
        assertThat(proposals).isEqualTo(chain.blocks()).isEqualTo(60);
        assertThat(lines).anyMatch(l -> l.startsWith("proposals against shares: chi-square ")
                && l.contains("with 3 degrees of freedom"));
    }
}
