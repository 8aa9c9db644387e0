package mvpos.consensus.forkchoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Genesis;
import mvpos.crypto.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fork-choice rule in genesis: the default leaves files and hashes as they were; another is named and kept. */
class ForkChoiceGenesisTest {
    @TempDir
    Path dir;

    private static Genesis base() {
        return new Genesis("fc-genesis", 1_000, 10, 1_000, new TreeMap<>(Map.of(new Address(new byte[20]),
                new Account(5, 0, 5))), "poa", Map.of("authorities", new Address(new byte[20]).toString()));
    }

    @Test
    void theDefaultRuleKeepsTheGenesisFileAndHashAndAnotherRuleChangesTheHash() throws Exception {
        Genesis plain = base();
        Genesis heaviest = plain.withForkChoice("heaviest", Map.of());
        assertThat(heaviest.rulesHash()).isEqualTo(plain.rulesHash());
        assertThat(heaviest.toJson()).isEqualTo(plain.toJson()).doesNotContain("forkChoice");
        Genesis lmd = plain.withForkChoice("lmd-ghost", Map.of("proposerBoost", "30"));
        assertThat(lmd.rulesHash()).isNotEqualTo(plain.rulesHash());
        assertThat(lmd.withForkChoice("lmd-ghost", Map.of("proposerBoost", "40")).rulesHash())
                .isNotEqualTo(lmd.rulesHash());
        Path file = dir.resolve("genesis.json");
        Files.writeString(file, lmd.toJson());
        Genesis loaded = Genesis.load(file);
        assertThat(loaded.forkChoice()).isEqualTo("lmd-ghost");
        assertThat(loaded.forkChoiceParams()).isEqualTo(Map.of("proposerBoost", "30"));
        assertThat(loaded.rulesHash()).isEqualTo(lmd.rulesHash());
        assertThat(ForkChoices.forGenesis(loaded)).isInstanceOf(LmdGhost.class);
        assertThat(ForkChoices.forGenesis(plain)).isSameAs(HeaviestChain.INSTANCE);
        assertThat(ForkChoices.forGenesis(plain.withForkChoice("longest", Map.of()))).isSameAs(HeaviestChain.INSTANCE);
    }

    @Test
    void anUnknownRuleOrParameterOrBadValueIsOneLineListingWhatIsAccepted() {
        assertThatThrownBy(() -> ForkChoices.check("casper-cbc", Map.of())).hasMessage(
                "unknown fork choice 'casper-cbc'; available: heaviest, longest, ghost, lmd-ghost");
        assertThatThrownBy(() -> ForkChoices.check("ghost", Map.of("proposerBoost", "40"))).hasMessage(
                "fork choice 'ghost' has no parameter 'proposerBoost'; it takes none");
        assertThatThrownBy(() -> ForkChoices.check("lmd-ghost", Map.of("boost", "40"))).hasMessage(
                "fork choice 'lmd-ghost' has no parameter 'boost'; accepted: proposerBoost");
        assertThatThrownBy(() -> ForkChoices.check("lmd-ghost", Map.of("proposerBoost", "-1"))).hasMessageContaining(
                "must be a whole number of percent from 0 to 1000, not '-1'");
    }
}
