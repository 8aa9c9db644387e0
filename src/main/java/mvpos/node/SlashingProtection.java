package mvpos.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Header;
import mvpos.chain.SignedSeal;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.HashKey;
import mvpos.crypto.KeyPair;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * An honest validator's record of what it has signed, checked before it signs again (EIP-3076 in
 * spirit): it refuses a vote that would be slashable with a vote it signed before (a double or a
 * surround vote), and a second, different block for a slot it has signed a block for. Signing the
 * very same vote or block again is allowed.
 *
 * <p>With a directory, every record is written to RocksDB synchronously before the record call
 * returns, and read back on open, so a restarted validator still refuses. Keys: {@code 'v'}, the
 * validator's public key, the target epoch (8 bytes), the chain id (UTF-8) to the vote's encoding;
 * {@code 'b'}, the slot (8 bytes) to the block hash; {@code 's'}, the length and UTF-8 of an engine
 * statement's kind and its position (8 bytes) to the value signed. Without a directory (devnets, tests) the record lives in memory.
 *
 * <p>Thread-safe.
 */
public final class SlashingProtection implements AutoCloseable {
    private static final byte VOTE = 'v';
    private static final byte BLOCK = 'b';
    private static final byte STATEMENT = 's';
    /** How far back (in positions) statement records are kept: older ones can no longer be signed for. */
    static final long STATEMENT_WINDOW = 64L << 20;

    private final Path directory;
    private final RocksDB db;
    private final Options options;
    private final WriteOptions syncWrites;
    /** By chain and validator, by target epoch. */
    private final Map<Voter, TreeMap<Long, Vote>> votes = new HashMap<>();
    private final TreeMap<Long, byte[]> blocks = new TreeMap<>();
    /** Engine protocol statements (a BFT engine's votes): by kind, by position, the value signed. */
    private final Map<String, TreeMap<Long, byte[]>> statements = new HashMap<>();

    private SlashingProtection(Path directory, RocksDB db, Options options, WriteOptions syncWrites) {
        this.directory = directory;
        this.db = db;
        this.options = options;
        this.syncWrites = syncWrites;
    }

    /** A record kept in memory only: for devnets and tests, forgotten on exit. */
    public static SlashingProtection inMemory() {
        return new SlashingProtection(null, null, null, null);
    }

    /** Opens (or creates) the record in {@code directory}; a null directory gives {@link #inMemory()}. */
    public static SlashingProtection open(Path directory) throws IOException {
        if (directory == null) {
            return inMemory();
        }
        Files.createDirectories(directory);
        mvpos.chain.RocksNativeLibrary.load();
        Options options = new Options().setCreateIfMissing(true).setKeepLogFileNum(2);
        RocksDB db;
        try {
            db = RocksDB.open(options, directory.toString());
        } catch (RocksDBException e) {
            options.close();
            String message = String.valueOf(e.getMessage());
            throw new IOException(message.contains("lock") ? "slashing protection in " + directory
                    + " is in use by another process" : "cannot open slashing protection in " + directory + ": "
                    + message);
        }
        SlashingProtection protection = new SlashingProtection(directory, db, options,
                new WriteOptions().setSync(true));
        try {
            protection.load();
        } catch (IOException e) {
            protection.close();
            throw e;
        }
        return protection;
    }

    /** True unless {@code vote} is slashable with a vote its validator has signed (a double or a surround vote). */
    public synchronized boolean maySignVote(Vote vote) {
        TreeMap<Long, Vote> signed = votes.get(Voter.of(vote));
        if (signed == null) {
            return true;
        }
        for (Vote earlier : signed.values()) {
            if (SlashingConditions.isSlashable(vote, earlier)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Records {@code vote} as signed, on disk before returning, if {@link #maySignVote} allows it.
     *
     * @return false, recording nothing, when the vote is refused
     */
    public synchronized boolean recordVote(Vote vote) throws IOException {
        if (!maySignVote(vote)) {
            return false;
        }
        byte[] chain = vote.chainId().getBytes(StandardCharsets.UTF_8);
        byte[] key = ByteBuffer.allocate(1 + vote.validatorKey().length + Long.BYTES + chain.length).put(VOTE)
                .put(vote.validatorKey()).putLong(vote.targetEpoch()).put(chain).array();
        write(key, vote.encode());
        remember(vote);
        return true;
    }

    /**
     * Checks, records and only then signs a vote: the vote, or empty when signing it could be slashed.
     */
    public synchronized Optional<Vote> signVoteIfSafe(KeyPair validator, mvpos.chain.ChainDomain domain,
                                                      long sourceEpoch, byte[] sourceHash, long targetEpoch,
                                                      byte[] targetHash) throws IOException {
        return signVoteIfSafe(validator, domain, sourceEpoch, sourceHash, targetEpoch, targetHash, targetHash);
    }

    /** As above, the vote naming {@code headHash} as the validator's head. */
    public synchronized Optional<Vote> signVoteIfSafe(KeyPair validator, mvpos.chain.ChainDomain domain,
                                                      long sourceEpoch, byte[] sourceHash, long targetEpoch,
                                                      byte[] targetHash, byte[] headHash) throws IOException {
        Vote unsigned = new Vote(domain.chainId(), validator.publicKey(), sourceEpoch, sourceHash, targetEpoch,
                targetHash, headHash, new byte[0]);
        if (!recordVote(unsigned)) {
            return Optional.empty();
        }
        return Optional.of(Vote.sign(validator, domain, sourceEpoch, sourceHash, targetEpoch, targetHash, headHash));
    }

    /**
     * The vote this validator signed for {@code targetEpoch} on chain {@code chainId}, if any (what it
     * signed before a restart, to be signed again identically rather than differently).
     */
    public synchronized Optional<Vote> signedFor(KeyPair validator, String chainId, long targetEpoch) {
        TreeMap<Long, Vote> signed = votes.get(new Voter(chainId, HashKey.of(validator.publicKey())));
        return signed == null ? Optional.empty() : Optional.ofNullable(signed.get(targetEpoch));
    }

    /** True when no block has been signed for {@code slot}. */
    public synchronized boolean maySignBlock(long slot) {
        return !blocks.containsKey(slot);
    }

    /** True when no block, or this very block, has been signed for {@code slot}. */
    public synchronized boolean maySignBlock(long slot, byte[] blockHash) {
        byte[] signed = blocks.get(slot);
        return signed == null || Arrays.equals(signed, blockHash);
    }

    /**
     * Records the block signed for {@code slot}, on disk before returning.
     *
     * @return false, recording nothing, when another block has been signed for the slot
     */
    public synchronized boolean recordBlock(long slot, byte[] blockHash) throws IOException {
        if (!maySignBlock(slot, blockHash)) {
            return false;
        }
        write(ByteBuffer.allocate(1 + Long.BYTES).put(BLOCK).putLong(slot).array(), blockHash);
        blocks.put(slot, blockHash.clone());
        return true;
    }

    /**
     * Seals a header with its proposer's signature ({@link SignedSeal}) unless another block has been
     * signed for its slot; the header is released only once its record is on disk.
     */
    public synchronized Optional<Header> signBlockIfSafe(KeyPair proposer, byte[] genesisHash, Header unsealed)
            throws IOException {
        Header sealed = SignedSeal.seal(proposer, genesisHash, unsealed);
        return recordBlock(unsealed.slot(), sealed.hash()) ? Optional.of(sealed) : Optional.empty();
    }

    /**
     * Signs an engine protocol's statement ({@link mvpos.chain.SignedStatement}: a BFT prevote, precommit or
     * proposal) unless a different value was signed for its kind and position; the record is on disk
     * before the signature is made. Signing the same value again is allowed. Records more than
     * {@link #STATEMENT_WINDOW} positions behind the newest of their kind are dropped.
     */
    public synchronized Optional<mvpos.chain.SignedStatement> signStatementIfSafe(KeyPair signer,
            mvpos.chain.ChainDomain domain, String kind, long position, byte[] value) throws IOException {
        TreeMap<Long, byte[]> ofKind = statements.computeIfAbsent(kind, k -> new TreeMap<>());
        byte[] signed = ofKind.get(position);
        if (signed != null && !Arrays.equals(signed, value)) {
            return Optional.empty();
        }
        if (signed == null) {
            if (!ofKind.isEmpty() && position < ofKind.lastKey() - STATEMENT_WINDOW) {
                return Optional.empty(); // older than the record reaches: it cannot tell, so it refuses
            }
            write(statementKey(kind, position), value);
            ofKind.put(position, value.clone());
            long cutoff = ofKind.lastKey() - STATEMENT_WINDOW;
            if (ofKind.firstKey() < cutoff) {
                ofKind.headMap(cutoff).clear();
                deleteRange(statementKey(kind, 0), statementKey(kind, cutoff));
            }
        }
        return Optional.of(mvpos.chain.SignedStatement.sign(signer, domain, kind, position, value));
    }

    /** The values signed for {@code kind} at positions in [from, to), by position (copies). */
    public synchronized java.util.SortedMap<Long, byte[]> statementsSigned(String kind, long from, long to) {
        TreeMap<Long, byte[]> copy = new TreeMap<>();
        TreeMap<Long, byte[]> ofKind = statements.get(kind);
        if (ofKind != null && from < to) {
            ofKind.subMap(from, to).forEach((position, value) -> copy.put(position, value.clone()));
        }
        return copy;
    }

    private static byte[] statementKey(String kind, long position) {
        byte[] name = kind.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + name.length + Long.BYTES).put(STATEMENT).put((byte) name.length).put(name)
                .putLong(position).array();
    }

    @Override
    public synchronized void close() {
        if (db != null) {
            db.close();
            syncWrites.close();
            options.close();
        }
    }

    private void write(byte[] key, byte[] value) throws IOException {
        if (db == null) {
            return;
        }
        try {
            db.put(syncWrites, key, value);
        } catch (RocksDBException e) {
            throw new IOException("cannot write slashing protection in " + directory + ": " + e.getMessage());
        }
    }

    private void deleteRange(byte[] from, byte[] to) throws IOException {
        if (db == null) {
            return;
        }
        try {
            db.deleteRange(syncWrites, from, to);
        } catch (RocksDBException e) {
            throw new IOException("cannot prune slashing protection in " + directory + ": " + e.getMessage());
        }
    }

    private void load() throws IOException {
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (key.length == 1 + Long.BYTES && key[0] == BLOCK) {
                    blocks.put(ByteBuffer.wrap(key, 1, Long.BYTES).getLong(), it.value());
                } else if (key.length > 1 + Long.BYTES && key[0] == VOTE) {
                    remember(decodeVote(it.value()));
                } else if (key.length >= 2 + Long.BYTES && key[0] == STATEMENT
                        && key.length == 2 + (key[1] & 0xff) + Long.BYTES) {
                    String kind = new String(key, 2, key[1] & 0xff, StandardCharsets.UTF_8);
                    long position = ByteBuffer.wrap(key, key.length - Long.BYTES, Long.BYTES).getLong();
                    statements.computeIfAbsent(kind, k -> new TreeMap<>()).put(position, it.value());
                } else {
                    throw new IOException("slashing protection in " + directory + " has an unknown record");
                }
            }
        }
    }

    private void remember(Vote vote) {
        votes.computeIfAbsent(Voter.of(vote), k -> new TreeMap<>()).put(vote.targetEpoch(), vote);
    }

    /** Votes can only conflict on one chain, by one validator. */
    private record Voter(String chainId, HashKey validatorKey) {
        static Voter of(Vote vote) {
            return new Voter(vote.chainId(), HashKey.of(vote.validatorKey()));
        }
    }

    private Vote decodeVote(byte[] bytes) throws IOException {
        try {
            return Vote.decode(bytes);
        } catch (MalformedEncodingException e) {
            throw new IOException("slashing protection in " + directory + " has a corrupt vote: " + e.getMessage());
        }
    }
}
