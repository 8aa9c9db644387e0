package mvpos.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import mvpos.chain.Clock;
import mvpos.chain.Genesis;
import mvpos.consensus.PoaEngine;
import mvpos.crypto.KeyFile;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;

/**
 * The single-node development chain of {@code mvpos node --dev}: a developer key that is both the
 * prefunded account and the one validator, and a genesis naming them. Both are written to the data
 * directory on first start ({@code dev.key}, {@code genesis.json}) and read back on later starts, so
 * a dev chain can be stopped and resumed.
 */
public record DevChain(Genesis genesis, KeyPair devKey, Path keyFile, Path genesisFile) {
    public static final String CHAIN_ID = "mvpos-dev";
    public static final long DEV_BALANCE = 1_000_000_000_000L;
    public static final long DEV_STAKE = 1_000_000L;
    public static final long BLOCK_REWARD = 10;
    /** Slots per finality epoch of a dev chain with {@code --finality ffg}. */
    public static final long FFG_EPOCH_SLOTS = 4;

    /** Reads the dev chain of {@code data}, or creates it there. */
    public static DevChain prepare(Path data, long blockTimeMillis, Clock clock, RandomSource random)
            throws DevChainException {
        return prepare(data, blockTimeMillis, Genesis.NO_FINALITY, clock, random);
    }

    /**
     * Reads the dev chain of {@code data}, or creates it there with this finality gadget ({@code none}
     * or {@code ffg}, epochs of {@link #FFG_EPOCH_SLOTS} slots); an existing chain keeps its own.
     */
    public static DevChain prepare(Path data, long blockTimeMillis, String finality, Clock clock, RandomSource random)
            throws DevChainException {
        return prepare(data, blockTimeMillis, finality, mvpos.consensus.EngineChoice.of(PoaEngine.NAME), clock, random);
    }

    /**
     * Reads the dev chain of {@code data}, or creates it there with this finality gadget and this engine
     * and fork choice (the developer key the only validator: poa's authority, pos's staker, pow's miner);
     * an existing chain keeps its own.
     *
     * @throws IllegalArgumentException for a choice the engine or the rules refuse (one line), before
     *                                  anything is written
     */
    public static DevChain prepare(Path data, long blockTimeMillis, String finality,
                                   mvpos.consensus.EngineChoice choice, Clock clock, RandomSource random)
            throws DevChainException {
        Path keyFile = data.resolve("dev.key");
        Path genesisFile = data.resolve("genesis.json");
        try {
            Files.createDirectories(data);
            if (Files.exists(keyFile) && Files.exists(genesisFile)) {
                KeyPair key = KeyFile.read(Files.readString(keyFile, StandardCharsets.UTF_8), null);
                return new DevChain(Genesis.load(genesisFile), key, keyFile, genesisFile);
            }
            if (Files.exists(keyFile) != Files.exists(genesisFile)) {
                throw new DevChainException(data + " has only one of dev.key and genesis.json; remove it or use another --data");
            }
            KeyPair key = KeyPair.generate(random);
            Map<String, String> defaults = switch (choice.engine()) {
                case PoaEngine.NAME -> Map.of(PoaEngine.AUTHORITIES, key.address().toString());
                case mvpos.consensus.PowEngine.NAME -> Map.of(mvpos.consensus.PowEngine.DIFFICULTY,
                        Long.toString(TestnetGenesis.powDifficulty(1)));
                default -> Map.of();
            };
            Genesis genesis = new Genesis(CHAIN_ID, clock.millis(), BLOCK_REWARD, blockTimeMillis,
                    new java.util.TreeMap<>(Map.of(key.address(), new mvpos.chain.Account(DEV_BALANCE, 0, DEV_STAKE))),
                    choice.engine(), defaults);
            if (!Genesis.NO_FINALITY.equals(finality)) {
                genesis = genesis.withFinality(finality, Map.of(mvpos.state.CasperFfg.EPOCH_LENGTH,
                        Long.toString(FFG_EPOCH_SLOTS)));
            }
            genesis = choice.applyTo(genesis, defaults);
            Files.writeString(genesisFile, genesis.toJson(), StandardCharsets.UTF_8);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, KeyFile.write(key, null, random), StandardCharsets.UTF_8);
            return new DevChain(genesis, key, keyFile, genesisFile);
        } catch (KeyFile.KeyFileException e) {
            throw new DevChainException(keyFile + ": " + e.getMessage());
        } catch (Genesis.GenesisException e) {
            throw new DevChainException(e.getMessage());
        } catch (IOException e) {
            throw new DevChainException("cannot prepare the dev chain in " + data + ": " + e.getMessage());
        }
    }

    /** Something in the data directory prevents the dev chain from starting; one line. */
    public static final class DevChainException extends Exception {
        public DevChainException(String message) {
            super(message);
        }
    }

}
