package mvpos.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.ChainStore;
import mvpos.chain.Genesis;
import mvpos.codec.MalformedEncodingException;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.crypto.Address;
import mvpos.crypto.HashKey;
import mvpos.state.BucketedState;
import mvpos.state.FinalityState;
import mvpos.state.State;
import mvpos.state.ValidatorRegistry;

/**
 * A chain as a restarted node finds it in its store: the head's accounts, each canonical block's undo
 * record and, with finality, each block's finality record and the registries they name. Rebuilds the
 * block tree of the last {@link ChainView#STATE_HISTORY} blocks, checking each state against its
 * block's state root.
 */
final class StoredChain {
    private static final byte FINALITY = 'f';
    private static final byte REGISTRY = 'r';

    private final ChainStore store;
    private final Genesis genesis;
    private final ChainDomain domain;
    private final boolean finality;
    private final Map<HashKey, ValidatorRegistry> registries = new HashMap<>();

    StoredChain(ChainStore store, Genesis genesis, ChainDomain domain, boolean finality) {
        this.store = store;
        this.genesis = genesis;
        this.domain = domain;
        this.finality = finality;
    }

    /** The store key of a block's finality record. */
    static byte[] finalityKey(byte[] blockHash) {
        return prefixed(FINALITY, blockHash);
    }

    /** The store key of a validator registry, by its root. */
    static byte[] registryKey(byte[] registryRoot) {
        return prefixed(REGISTRY, registryRoot);
    }

    private static byte[] prefixed(byte prefix, byte[] hash) {
        byte[] key = new byte[hash.length + 1];
        key[0] = prefix;
        System.arraycopy(hash, 0, key, 1, hash.length);
        return key;
    }

    /**
     * The block tree of a node on {@code store}: genesis committed to a new store, or the stored chain,
     * checked to start from this genesis, rebuilt from its undo (and finality) records.
     */
    static BlockTree open(ChainStore store, mvpos.state.GenesisState genesisState, boolean finality,
                          ConsensusEngine engine, BlockTree.SignatureVerifier verifier, CanonicalWriter writer)
            throws ChainStore.StoreException {
        Genesis genesis = genesisState.genesis();
        Block genesisBlock = genesisState.block();
        Optional<Block> stored = store.head();
        if (stored.isEmpty()) {
            store.commit(new ChainStore.HeadChange(List.of(new ChainStore.CanonicalBlock(genesisBlock, Map.of())),
                    genesis.accounts(), writer.finalityRecords(genesisBlock.hash(), genesisState.state())));
            return new BlockTree(genesis, genesisState.domain(), genesisBlock, genesisState.state(), verifier);
        }
        Block first = store.blockAt(0).orElseThrow(() -> new ChainStore.StoreException("the stored chain has no block 0"));
        if (!Arrays.equals(first.hash(), genesisBlock.hash())) {
            throw new ChainStore.StoreException("the stored chain starts from another genesis (chain "
                    + first.header().chainId() + ", genesis " + mvpos.crypto.Hex.encode(first.hash()) + ")");
        }
        return new StoredChain(store, genesis, genesisState.domain(), finality).rebuild(stored.get(), engine, verifier);
    }

    /** Steps back from the head through the undo records, then adds the recent blocks again in order. */
    BlockTree rebuild(Block head, ConsensusEngine engine, BlockTree.SignatureVerifier verifier)
            throws ChainStore.StoreException {
        return rebuild(head, engine, verifier, head.height() - ChainView.STATE_HISTORY, head.height());
    }

    /**
     * A tree of the canonical blocks from height {@code from} (its root; genesis at the lowest) up to
     * {@code upTo}, their states rebuilt by stepping back from the head through the undo records.
     */
    BlockTree rebuild(Block head, ConsensusEngine engine, BlockTree.SignatureVerifier verifier, long from, long upTo)
            throws ChainStore.StoreException {
        State accounts = BucketedState.of(store.accounts());
        State headState = withFinality(accounts, head);
        if (!Arrays.equals(headState.root(), head.header().stateRoot())) {
            throw new ChainStore.StoreException("the stored state does not match the head block's state root");
        }
        List<Block> recent = new ArrayList<>();
        List<State> states = new ArrayList<>();
        List<Map<Address, Account>> befores = new ArrayList<>();
        Block block = head;
        State state = headState;
        while (block.height() > 0 && block.height() > from) {
            Map<Address, Account> before = store.accountsBefore(block.hash()).orElseThrow(
                    () -> new ChainStore.StoreException("the stored chain has no undo record for a recent block"));
            recent.add(block);
            states.add(state);
            befores.add(before);
            long parentHeight = block.height() - 1;
            Block parent = store.blockAt(parentHeight).orElseThrow(() -> new ChainStore.StoreException(
                    "the stored chain misses block " + parentHeight));
            accounts = accounts.with(before);
            state = withFinality(accounts, parent);
            block = parent;
            if (!Arrays.equals(state.root(), block.header().stateRoot())) {
                throw new ChainStore.StoreException("the undo record of block " + (parentHeight + 1)
                        + " does not give its parent's state");
            }
        }
        BlockTree rebuilt = new BlockTree(genesis, domain, block, state, verifier);
        for (int i = recent.size() - 1; i >= 0; i--) {
            Block b = recent.get(i);
            if (b.height() > upTo) {
                break;
            }
            rebuilt.add(b, b.hash(), states.get(i), befores.get(i), engine.weight(b.header()));
        }
        return rebuilt;
    }

    /** The state of a block: its accounts and, with finality, its finality record. */
    private State withFinality(State accounts, Block block) throws ChainStore.StoreException {
        if (!finality) {
            return accounts;
        }
        byte[] record = store.stateRecord(finalityKey(block.hash())).orElseThrow(() -> new ChainStore.StoreException(
                "the stored chain has no finality record for block " + block.height()));
        try {
            FinalityState f = FinalityState.decodeRecord(record, this::registry);
            return accounts.withFinality(f);
        } catch (MalformedEncodingException | UncheckedStoreException e) {
            throw new ChainStore.StoreException("the finality record of block " + block.height() + " is unreadable: "
                    + e.getMessage());
        }
    }

    private Optional<ValidatorRegistry> registry(HashKey root) {
        ValidatorRegistry known = registries.get(root);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            Optional<ValidatorRegistry> read = store.stateRecord(registryKey(root.bytes())).map(ValidatorRegistry::decode);
            read.ifPresent(r -> registries.put(root, r));
            return read;
        } catch (ChainStore.StoreException e) {
            throw new UncheckedStoreException(e.getMessage());
        }
    }

    private static final class UncheckedStoreException extends RuntimeException {
        UncheckedStoreException(String message) {
            super(message);
        }
    }
}
