package mvpos.consensus;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;

/**
 * Proof of authority, round robin (like Aura): a fixed list of authorities in genesis; time is cut
 * into slots of genesis's block time; slot {@code s} belongs to authority {@code s mod n}, who
 * signs the block. A block from anyone else is invalid. The longest chain wins.
 *
 * <p>An authority slashed for sealing two blocks in one slot is ejected: its slots stay empty.
 *
 * <p>Genesis: {@code engine: {name: poa, params: {authorities: "addr1,addr2,..."}}}.
 */
public final class PoaEngine implements ConsensusEngine {
    public static final String NAME = "poa";
    public static final String AUTHORITIES = "authorities";

    private final List<Address> authorities;
    private final Slots slots;

    /** The unconfigured engine that {@link java.util.ServiceLoader} makes. */
    public PoaEngine() {
        this(List.of(), 0, 1);
    }

    private PoaEngine(List<Address> authorities, long genesisMillis, long slotMillis) {
        this.authorities = List.copyOf(authorities);
        this.slots = new Slots(genesisMillis, slotMillis);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of(AUTHORITIES, "the authorities' addresses, comma-separated, in turn order");
    }

    @Override
    public PoaEngine configure(Genesis genesis) {
        String list = genesis.engineParams().get(AUTHORITIES);
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("the poa engine needs engine.params." + AUTHORITIES
                    + " (comma-separated addresses)");
        }
        List<Address> parsed = new ArrayList<>();
        java.util.Set<Address> seen = new java.util.HashSet<>();
        for (String item : list.split(",")) {
            Address address;
            try {
                address = Address.parse(item.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("engine.params." + AUTHORITIES + ": " + e.getMessage());
            }
            if (!seen.add(address)) {
                throw new IllegalArgumentException("engine.params." + AUTHORITIES + " lists " + address + " twice");
            }
            parsed.add(address);
        }
        return new PoaEngine(parsed, genesis.timestamp(), genesis.blockTimeMillis());
    }

    /** The authority whose turn slot {@code slot} is. */
    public Address authorityOf(long slot) {
        return authorities.get((int) Math.floorMod(slot, (long) authorities.size()));
    }

    @Override
    public long slotAt(long millis) {
        return slots.slotAt(millis);
    }

    @Override
    public Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator) {
        long slot = slotAt(nowMillis);
        if (slot <= parent.slot() || !authorityOf(slot).equals(validator.address())
                || isEjected(chain, parent, validator.address())) {
            return Optional.empty();
        }
        return Optional.of(new Claim(slot, new byte[0]));
    }

    @Override
    public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random,
                                 long attempts) {
        return Optional.of(ProposerSignature.seal(chain, validator, unsealed));
    }

    @Override
    public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis) {
        Optional<SealRejection> timing = slots.checkSlot(parent, header, nowMillis);
        if (timing.isPresent()) {
            return timing;
        }
        if (header.engineData().length != 0) {
            return SealRejection.reject(SealRejection.Reason.MALFORMED_SEAL, "poa headers carry no engine data");
        }
        Address expected = authorityOf(header.slot());
        if (!header.proposer().equals(expected)) {
            return SealRejection.reject(SealRejection.Reason.NOT_PROPOSER, "slot " + header.slot() + " belongs to " + expected
                    + ", not " + header.proposer());
        }
        if (isEjected(chain, parent, expected)) {
            return SealRejection.reject(SealRejection.Reason.NOT_PROPOSER, "authority " + expected
                    + " has been slashed: its slots stay empty");
        }
        return ProposerSignature.check(chain, header);
    }

    /**
     * Whether an authority has been slashed on the chain ending at {@code parent}: a slashed authority
     * is ejected, and its slots stay empty (a parent whose state is not known counts as not ejected).
     */
    public static boolean isEjected(ChainView chain, Header parent, Address authority) {
        return chain.stateAfter(parent.hash()).map(state -> state.account(authority).slashed()).orElse(false);
    }

    @Override
    public BigInteger weight(Header header) {
        return BigInteger.ONE;
    }

}
