package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.Test;

/** The round-robin proof-of-authority engine, rule by rule. */
class PoaEngineTest {
    private static final long T0 = 1_000_000;
    private static final long SLOT = 1_000;
    private final HashDrbg random = new HashDrbg(17);
    private final List<KeyPair> authorities = List.of(KeyPair.generate(random), KeyPair.generate(random),
            KeyPair.generate(random));
    private final KeyPair outsider = KeyPair.generate(random);
    private final Genesis genesis = genesis(String.join(",", authorities.stream().map(k -> k.address().toString()).toList()));
    private final PoaEngine engine = new PoaEngine().configure(genesis);
    private final TestChainView chain = new TestChainView(genesis);

    private static Genesis genesis(String list) {
        return new Genesis("poa-test", T0, 0, SLOT, new TreeMap<>(Map.of(new Address(new byte[20]), new Account(1, 0, 1))),
                "poa", Map.of(PoaEngine.AUTHORITIES, list));
    }

    private Header block(Header parent, long slot, KeyPair by) {
        Header unsealed = new Header("poa-test", parent.height() + 1, parent.hash(), T0 + slot * SLOT + 5, slot,
                by.address(), Block.txRoot(List.of()), new byte[32], "poa", new byte[0], new byte[0]);
        return engine.seal(chain, unsealed, by, random, 1).orElseThrow();
    }

    @Test
    void eachSlotBelongsToOneAuthorityInTurnAndOnlyItMayClaimIt() {
        Header parent = chain.genesisHeader();
        for (long slot = 1; slot <= 9; slot++) {
            KeyPair owner = authorities.get((int) (slot % 3));
            assertThat(engine.authorityOf(slot)).isEqualTo(owner.address());
            long now = T0 + slot * SLOT + 1;
            for (KeyPair key : authorities) {
                Optional<ConsensusEngine.Claim> claim = engine.claim(chain, parent, now, key);
                assertThat(claim.isPresent()).as("slot %d, %s", slot, key.address()).isEqualTo(key == owner);
            }
            assertThat(engine.claim(chain, parent, now, outsider)).isEmpty();
            Header next = block(parent, slot, owner);
            assertThat(engine.verifySeal(chain, parent, next, now)).isEmpty();
            chain.add(next, null);
            parent = next;
            // Once the slot is filled, nobody may claim it again.
            assertThat(engine.claim(chain, parent, now, owner)).isEmpty();
        }
        assertThat(engine.weight(parent)).isEqualTo(BigInteger.ONE);
    }

    @Test
    void eachBrokenRuleIsATypedRejection() {
        Header parent = chain.genesisHeader();
        long now = T0 + 10 * SLOT;
        KeyPair owner2 = authorities.get(2);
        Header good = block(parent, 2, owner2);
        assertThat(engine.verifySeal(chain, parent, good, now)).isEmpty();

        assertThat(reason(parent, block(parent, 2, authorities.get(1)), now)).isEqualTo(SealRejection.Reason.NOT_PROPOSER);
        assertThat(reason(parent, block(parent, 2, outsider), now)).isEqualTo(SealRejection.Reason.NOT_PROPOSER);
        assertThat(reason(good, block(good, 2, owner2), now)).isEqualTo(SealRejection.Reason.WRONG_SLOT);
        assertThat(reason(parent, block(parent, 50, authorities.get(50 % 3)), now))
                .isEqualTo(SealRejection.Reason.FUTURE_SLOT);
        byte[] seal = good.seal();
        seal[40] ^= 1;
        assertThat(reason(parent, good.withSeal(seal), now)).isEqualTo(SealRejection.Reason.BAD_SIGNATURE);
        assertThat(reason(parent, good.withSeal(new byte[3]), now)).isEqualTo(SealRejection.Reason.MALFORMED_SEAL);
        Header wrongTime = new Header("poa-test", 1, parent.hash(), T0 + 5 * SLOT, 2, owner2.address(),
                Block.txRoot(List.of()), new byte[32], "poa", new byte[0], new byte[0]);
        assertThat(reason(parent, engine.seal(chain, wrongTime, owner2, random, 1).orElseThrow(), now))
                .isEqualTo(SealRejection.Reason.BAD_TIMESTAMP);
    }

    private SealRejection.Reason reason(Header parent, Header header, long now) {
        return engine.verifySeal(chain, parent, header, now).orElseThrow().reason();
    }

    @Test
    void badAuthorityListsAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> new PoaEngine().configure(genesis(""))).hasMessageContaining("engine.params.authorities");
        assertThatThrownBy(() -> new PoaEngine().configure(genesis("zz"))).hasMessageContaining("engine.params.authorities");
        String twice = authorities.get(0).address() + "," + authorities.get(0).address();
        assertThatThrownBy(() -> new PoaEngine().configure(genesis(twice))).hasMessageContaining("twice");
    }
}
