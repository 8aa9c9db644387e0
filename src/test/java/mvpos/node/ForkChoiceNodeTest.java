package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Vote;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fork-choice rule genesis names, as a node runs it: with LMD-GHOST the on-time block of the slot is
 * boosted, and gossiped votes (their heads) move the head on the next tick; with the heaviest chain the
 * block seen first stays the head whatever the votes say.
 */
class ForkChoiceNodeTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long SLOT = 1_000;

    private record Chain(NodeCore core, List<Validator> validators, List<KeyPair> keys) {
    }

    private static Chain chain(String forkChoice) throws Exception {
        HashDrbg random = new HashDrbg(3);
        List<KeyPair> keys = new ArrayList<>();
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            KeyPair key = KeyPair.generate(random);
            keys.add(key);
            accounts.put(key.address(), new Account(1_000, 0, 1_000));
        }
        String authorities = String.join(",", accounts.keySet().stream().map(Address::toString).toList());
        Genesis genesis = new Genesis("fork-choice-node", T0, 0, SLOT, accounts, "poa", Map.of("authorities", authorities))
                .withFinality("ffg", Map.of("epochLength", "4")).withForkChoice(forkChoice, Map.of());
        NodeCore core = NodeCore.open(genesis, new MemoryChainStore());
        List<Validator> validators = new ArrayList<>();
        for (KeyPair key : keys) {
            validators.add(Validator.honest(core, key, SlashingProtection.inMemory(), new HashDrbg(9), 1));
        }
        return new Chain(core, validators, keys);
    }

    /** The block the slot's authority makes on {@code parent}, 10 ms into the slot (on time). */
    private static Block produce(Chain chain, BlockTree.Entry parent, long slot) throws Exception {
        for (Validator validator : chain.validators()) {
            Optional<Block> block = validator.produce(parent, T0 + slot * SLOT + 10);
            if (block.isPresent()) {
                return block.get();
            }
        }
        throw new AssertionError("no authority for slot " + slot);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lmd-ghost", "heaviest"})
    void theBoostAndTheVotesMoveTheHeadOnlyUnderLmdGhost(String rule) throws Exception {
        Chain chain = chain(rule);
        NodeCore core = chain.core();
        for (long slot = 1; slot <= 3; slot++) {
            produce(chain, core.tree().head(), slot);
        }
        BlockTree.Entry checkpoint = core.tree().head(); // the last block of epoch 0
        Block a = produce(chain, checkpoint, 4);
        Block b = produce(chain, checkpoint, 5); // a sibling, one slot later, on time in its slot
        boolean lmd = rule.equals("lmd-ghost");
        assertThat(core.head()).as("after the sibling").isEqualTo(lmd ? b : a);

        core.onTick(T0 + 6 * SLOT + 500); // the boost ends with its slot: a tie keeps the head
        assertThat(core.head()).isEqualTo(lmd ? b : a);

        byte[] genesisHash = core.blockAt(0).orElseThrow().hash();
        for (KeyPair voter : chain.keys().subList(0, 3)) {
            Vote vote = Vote.sign(voter, core.domain(), 0, genesisHash, 1, checkpoint.hash(), a.hash());
            assertThat(core.addVote(vote, T0 + 6 * SLOT + 600)).isInstanceOf(NodeCore.VoteAccepted.class);
        }
        core.onTick(T0 + 6 * SLOT + 700);
        assertThat(core.head()).as("three of four validators' latest messages name A").isEqualTo(a);
        assertThat(core.store().head().orElseThrow()).as("the head change is stored").isEqualTo(a);
    }
}
