package mvpos.chain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import mvpos.crypto.Address;

/**
 * What a chain starts from, read from a genesis file (JSON, or YAML when the name ends in .yaml or
 * .yml): the chain id, the initial accounts with their balances and stakes (the validators are the
 * accounts with stake), the block reward, the block time, the consensus engine with its
 * parameters, the finality gadget, and the fork-choice rule with its parameters.
 */
public record Genesis(String chainId, long timestamp, long blockReward, long blockTimeMillis,
                      SortedMap<Address, Account> accounts, String engine, Map<String, String> engineParams,
                      String finality, Map<String, String> finalityParams, String forkChoice,
                      Map<String, String> forkChoiceParams) {

    /** No finality gadget: the engine's fork choice alone decides. */
    public static final String NO_FINALITY = "none";
    /**
     * The fork-choice rule a genesis that names none runs: the heaviest chain. Genesis files and hashes
     * of chains that run it are the same as before fork choice could be chosen.
     */
    public static final String DEFAULT_FORK_CHOICE = "heaviest";

    /** A genesis with the default fork choice. */
    public Genesis(String chainId, long timestamp, long blockReward, long blockTimeMillis,
                   SortedMap<Address, Account> accounts, String engine, Map<String, String> engineParams,
                   String finality, Map<String, String> finalityParams) {
        this(chainId, timestamp, blockReward, blockTimeMillis, accounts, engine, engineParams, finality,
                finalityParams, DEFAULT_FORK_CHOICE, Map.of());
    }

    /** A genesis without a finality gadget. */
    public Genesis(String chainId, long timestamp, long blockReward, long blockTimeMillis,
                   SortedMap<Address, Account> accounts, String engine, Map<String, String> engineParams) {
        this(chainId, timestamp, blockReward, blockTimeMillis, accounts, engine, engineParams, NO_FINALITY, Map.of());
    }

    /** This genesis with a finality gadget ({@code "ffg"}) and its parameters. */
    public Genesis withFinality(String gadget, Map<String, String> params) {
        return new Genesis(chainId, timestamp, blockReward, blockTimeMillis, accounts, engine, engineParams, gadget,
                params, forkChoice, forkChoiceParams);
    }

    /** This genesis with a fork-choice rule (see {@code mvpos.consensus.ForkChoices}) and its parameters. */
    public Genesis withForkChoice(String rule, Map<String, String> params) {
        return new Genesis(chainId, timestamp, blockReward, blockTimeMillis, accounts, engine, engineParams, finality,
                finalityParams, rule, params);
    }

    /** This genesis with another engine and its parameters. */
    public Genesis withEngine(String name, Map<String, String> params) {
        return new Genesis(chainId, timestamp, blockReward, blockTimeMillis, accounts, name, params, finality,
                finalityParams, forkChoice, forkChoiceParams);
    }

    /** Whether this genesis runs the default fork choice (the heaviest chain, with no parameters). */
    public boolean defaultForkChoice() {
        return DEFAULT_FORK_CHOICE.equals(forkChoice) && forkChoiceParams.isEmpty();
    }

    /** The file format. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record File(String chainId, Long timestamp, Long blockReward, Long blockTimeMillis, Engine engine,
                       Engine finality, Engine forkChoice, List<FileAccount> accounts) {
    }

    public record Engine(String name, Map<String, String> params) {
    }

    public record FileAccount(String address, Long balance, Long stake) {
    }

    public Genesis {
        accounts = Collections.unmodifiableSortedMap(new TreeMap<>(accounts));
        engineParams = Map.copyOf(engineParams);
        finality = finality == null ? NO_FINALITY : finality;
        finalityParams = Map.copyOf(finalityParams);
        forkChoice = forkChoice == null ? DEFAULT_FORK_CHOICE : forkChoice;
        forkChoiceParams = Map.copyOf(forkChoiceParams == null ? Map.of() : forkChoiceParams);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads and checks a genesis file; every problem is one line naming the file. */
    public static Genesis load(Path path) throws GenesisException {
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        File file;
        try {
            if (Files.size(path) > 64L * 1024 * 1024) {
                throw new GenesisException(path + ": a genesis file larger than 64 MiB is refused");
            }
            file = mapper.readValue(path.toFile(), File.class);
        } catch (JsonProcessingException e) {
            throw new GenesisException(path + ": not a genesis file: " + e.getOriginalMessage().lines().findFirst()
                    .orElse("unreadable"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new GenesisException(path + ": no such file");
        } catch (IOException e) {
            throw new GenesisException(path + ": cannot read it (" + e.getMessage() + ")");
        }
        try {
            return fromFile(file);
        } catch (IllegalArgumentException e) {
            throw new GenesisException(path + ": " + e.getMessage());
        }
    }

    /** Checks a parsed file; throws {@link IllegalArgumentException} with the problem. */
    public static Genesis fromFile(File file) {
        if (file == null) {
            throw new IllegalArgumentException("the file is empty");
        }
        String chainId = file.chainId();
        if (chainId == null || !chainId.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("\"chainId\" must be 1 to 64 characters of a-z, 0-9 and '-'");
        }
        long timestamp = require(file.timestamp(), "timestamp");
        long reward = require(file.blockReward(), "blockReward");
        long blockTime = require(file.blockTimeMillis(), "blockTimeMillis");
        if (blockTime < 1) {
            throw new IllegalArgumentException("\"blockTimeMillis\" must be at least 1");
        }
        if (file.engine() == null || file.engine().name() == null || file.engine().name().isBlank()) {
            throw new IllegalArgumentException("\"engine\" needs a \"name\"");
        }
        if (file.accounts() == null || file.accounts().isEmpty()) {
            throw new IllegalArgumentException("\"accounts\" must list at least one account");
        }
        TreeMap<Address, Account> accounts = new TreeMap<>();
        long supply = 0;
        for (FileAccount account : file.accounts()) {
            if (account.address() == null) {
                throw new IllegalArgumentException("an account has no \"address\"");
            }
            Address address = Address.parse(account.address());
            long balance = account.balance() == null ? 0 : account.balance();
            long stake = account.stake() == null ? 0 : account.stake();
            if (balance < 0 || stake < 0) {
                throw new IllegalArgumentException("account " + address + " has a negative balance or stake");
            }
            try {
                supply = Math.addExact(supply, Math.addExact(balance, stake));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the total supply overflows a 64-bit integer");
            }
            if (accounts.put(address, new Account(balance, 0, stake)) != null) {
                throw new IllegalArgumentException("account " + address + " is listed twice");
            }
        }
        if (accounts.values().stream().noneMatch(a -> a.stake() > 0)) {
            throw new IllegalArgumentException("no account has stake, so there is no validator");
        }
        String finality = NO_FINALITY;
        Map<String, String> finalityParams = Map.of();
        if (file.finality() != null) {
            finality = file.finality().name() == null ? "" : file.finality().name();
            if (!NO_FINALITY.equals(finality) && !"ffg".equals(finality)) {
                throw new IllegalArgumentException("\"finality\" must be \"none\" or \"ffg\", not \"" + finality + "\"");
            }
            finalityParams = file.finality().params() == null ? Map.of() : file.finality().params();
        }
        String forkChoice = DEFAULT_FORK_CHOICE;
        Map<String, String> forkChoiceParams = Map.of();
        if (file.forkChoice() != null) {
            if (file.forkChoice().name() == null || file.forkChoice().name().isBlank()) {
                throw new IllegalArgumentException("\"forkChoice\" needs a \"name\"");
            }
            forkChoice = file.forkChoice().name();
            forkChoiceParams = file.forkChoice().params() == null ? Map.of() : file.forkChoice().params();
        }
        return new Genesis(chainId, timestamp, reward, blockTime, accounts, file.engine().name(),
                file.engine().params() == null ? Map.of() : file.engine().params(), finality, finalityParams,
                forkChoice, forkChoiceParams);
    }

    public File toFile() {
        List<FileAccount> list = new ArrayList<>();
        accounts.forEach((address, account) -> list.add(new FileAccount(address.toString(), account.balance(),
                account.stake())));
        return new File(chainId, timestamp, blockReward, blockTimeMillis, new Engine(engine, engineParams),
                NO_FINALITY.equals(finality) ? null : new Engine(finality, finalityParams),
                defaultForkChoice() ? null : new Engine(forkChoice, forkChoiceParams), list);
    }

    /** The genesis file as JSON. */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toFile()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The header of block 0: no proposer, no transactions, the genesis state's root, no seal; in
     * place of a parent hash, {@link #rulesHash()}, so that the genesis hash also commits to the block
     * reward, the block time and the engine's parameters (two chains with other rules never share a
     * genesis hash).
     */
    public Header header(byte[] stateRoot) {
        return new Header(chainId, 0, rulesHash(), timestamp, 0, new Address(new byte[Address.LENGTH]),
                Block.txRoot(List.of()), stateRoot, engine, new byte[0], new byte[0]);
    }

    /** SHA-256 of the canonical encoding of every rule of this genesis (parameters in name order). */
    public byte[] rulesHash() {
        mvpos.codec.CanonicalEncoder out = mvpos.codec.CanonicalEncoder.tagged("mvpos.genesis.rules.v1")
                .writeString(chainId).writeLong(timestamp).writeLong(blockReward).writeLong(blockTimeMillis)
                .writeString(engine).writeInt(engineParams.size());
        new TreeMap<>(engineParams).forEach((key, value) -> out.writeString(key).writeString(value));
        if (!NO_FINALITY.equals(finality)) {
            out.writeString(finality).writeInt(finalityParams.size());
            new TreeMap<>(finalityParams).forEach((key, value) -> out.writeString(key).writeString(value));
        }
        if (!defaultForkChoice()) {
            // Written only for another rule, so that the default keeps every genesis hash as it was.
            out.writeString("forkChoice").writeString(forkChoice).writeInt(forkChoiceParams.size());
            new TreeMap<>(forkChoiceParams).forEach((key, value) -> out.writeString(key).writeString(value));
        }
        return out.sha256();
    }

    private static long require(Long value, String field) {
        if (value == null || value < 0) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number, 0 or more");
        }
        return value;
    }

    /** A genesis file that cannot be used; the message names the file and the problem. */
    public static final class GenesisException extends Exception {
        public GenesisException(String message) {
            super(message);
        }
    }
}
