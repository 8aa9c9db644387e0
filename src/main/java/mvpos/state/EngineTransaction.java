package mvpos.state;

import mvpos.crypto.Address;

/**
 * A transaction of the chain's consensus engine ({@link mvpos.chain.TxKind#ENGINE}), as the engine's
 * {@link EngineHooks#applyTransaction} sees it: who sent it (the fee is paid and the nonce checked
 * already), the address it names, and its data, which only the engine reads.
 */
public record EngineTransaction(Address sender, Address to, byte[] data) {
    public EngineTransaction {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
