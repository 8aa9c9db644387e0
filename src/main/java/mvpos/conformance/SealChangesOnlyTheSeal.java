package mvpos.conformance;

import static mvpos.conformance.ConformanceFailure.expect;

import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.SealCheck;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;

/**
 * {@code seal()} changes the seal only: for a header built from a claim the engine gives, the sealed
 * header differs in no other field, and its seal verifies (the node makes the same check on every
 * header it seals, and refuses one that fails it). For an engine whose blocks come from the rounds of its
 * protocol, the same holds for the head's header sealed again by its proposer.
 */
final class SealChangesOnlyTheSeal implements ConformanceCheck {
    /** Most proof-of-work candidates tried for one seal. */
    static final long ATTEMPTS = 5_000_000;

    @Override
    public String name() {
        return "seal-changes-only-the-seal";
    }

    @Override
    public String description() {
        return "a header sealed from the engine's own claim differs from the one built in its seal only, "
                + "and its seal verifies";
    }

    @Override
    public void run(EngineUnderTest engine) throws Exception {
        Devnet devnet = engine.devnet(7);
        devnet.run(4, 0);
        NodeCore node = devnet.node(0);
        ConsensusEngine configured = node.engine();
        BlockTree.Entry parent = node.tree().head();
        long start = devnet.events().millis();
        for (long at = start; at < start + 50 * EngineUnderTest.SLOT_MILLIS; at += EngineUnderTest.SLOT_MILLIS / 4) {
            for (KeyPair key : devnet.keys()) {
                Optional<ConsensusEngine.Claim> claim = configured.claim(node.tree(), parent.header(), at, key);
                if (claim.isEmpty()) {
                    continue;
                }
                Header unsealed = new Header(parent.header().chainId(), parent.height() + 1, parent.hash(),
                        Math.max(at, parent.header().timestamp() + 1), claim.get().slot(), key.address(),
                        Block.bodyRoot(java.util.List.of(), java.util.List.of()), parent.header().stateRoot(),
                        configured.name(), claim.get().engineData(), new byte[0]);
                Optional<Header> sealed = configured.seal(node.tree(), unsealed, key, new HashDrbg(at), ATTEMPTS);
                expect(sealed.isPresent(), "no seal found in " + ATTEMPTS + " attempts for a claim at " + at + " ms");
                Optional<String> problem = SealCheck.problem(configured.name(), unsealed, sealed.get());
                expect(problem.isEmpty(), problem.orElse(""));
                var rejection = configured.verifySeal(node.tree(), parent.header(), sealed.get(), at);
                expect(rejection.isEmpty(), "the engine refuses its own seal: " + rejection.map(Object::toString)
                        .orElse(""));
                return;
            }
        }
        if (configured.protocol(devnet.keys().get(0)).isPresent()) {
            resealHead(devnet, node, configured);
            return;
        }
        throw new ConformanceFailure("no validator could claim a block on the head within 50 slots");
    }

    /**
     * An engine whose blocks come from its protocol's rounds (no claim on a tick): the head's header, its
     * seal taken off, sealed again by its proposer, differs in the seal only and verifies on its parent.
     */
    private static void resealHead(Devnet devnet, NodeCore node, ConsensusEngine configured) throws Exception {
        Header head = node.head().header();
        expect(head.height() > 0, "the engine's protocol made no block");
        KeyPair proposer = devnet.keys().stream().filter(k -> k.address().equals(head.proposer())).findFirst()
                .orElseThrow(() -> new ConformanceFailure("the head's proposer is not a devnet validator"));
        Header unsealed = head.withSeal(new byte[0]);
        Optional<Header> sealed = configured.seal(node.tree(), unsealed, proposer, new HashDrbg(head.height()), ATTEMPTS);
        expect(sealed.isPresent(), "no seal found in " + ATTEMPTS + " attempts for the head");
        Optional<String> problem = SealCheck.problem(configured.name(), unsealed, sealed.get());
        expect(problem.isEmpty(), problem.orElse(""));
        Header parent = node.tree().header(head.parentHash()).orElseThrow();
        var rejection = configured.verifySeal(node.tree(), parent, sealed.get(), head.timestamp());
        expect(rejection.isEmpty(), "the engine refuses its own seal: " + rejection.map(Object::toString).orElse(""));
    }
}
