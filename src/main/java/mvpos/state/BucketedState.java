package mvpos.state;

import mvpos.chain.Account;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import mvpos.crypto.Address;
import mvpos.crypto.Sha256;

/**
 * An in-memory {@link State}: accounts spread over 4,096 buckets by the first 12 bits of their
 * address, and a binary Merkle tree over the bucket hashes whose top is the state root.
 *
 * <p>A bucket hashes as SHA-256 of its tag, its account count, then each account's address,
 * balance, nonce and stake in address order; when some of its accounts are slashed, followed by
 * their count and their addresses in address order. (A bucket without slashed accounts hashes as it
 * did before accounts could be slashed; the account count fixes where the entries end, so the
 * suffix cannot be mistaken for an entry.)
 *
 * <p>On a chain with Casper FFG the state also holds a {@link FinalityState}; the root is then SHA-256
 * of a tag, the accounts' root and the finality state's root (without one it is the accounts' root).
 *
 * <p>A new state shares every bucket it does not change with the one before (copy on write), so
 * applying a block costs the accounts it touches plus two arrays of references, not a copy of all
 * accounts; only the changed buckets and their paths to the root are hashed again.
 */
public final class BucketedState implements State {
    static final int BUCKET_BITS = 12;
    static final int BUCKETS = 1 << BUCKET_BITS;
    private static final byte[] BUCKET_TAG = "mvpos.state.bucket.v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte NODE_TAG = 1;

    private static final byte[] WITH_FINALITY_TAG = "mvpos.state.with-finality.v1"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final TreeMap<Address, Account>[] buckets;
    /** tree[1] is the accounts' root; tree[BUCKETS + i] is the hash of bucket i; tree[0] is unused. */
    private final byte[][] tree;
    private final FinalityState finality;
    private volatile byte[] root;

    private BucketedState(TreeMap<Address, Account>[] buckets, byte[][] tree, FinalityState finality) {
        this.buckets = buckets;
        this.tree = tree;
        this.finality = finality;
    }

    /** The state with no accounts. */
    @SuppressWarnings("unchecked")
    public static BucketedState empty() {
        TreeMap<Address, Account>[] buckets = new TreeMap[BUCKETS];
        byte[][] tree = new byte[2 * BUCKETS][];
        byte[] emptyBucket = hashBucket(new TreeMap<>());
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new TreeMap<>();
            tree[BUCKETS + i] = emptyBucket;
        }
        for (int node = BUCKETS - 1; node >= 1; node--) {
            tree[node] = hashNode(tree[2 * node], tree[2 * node + 1]);
        }
        return new BucketedState(buckets, tree, null);
    }

    /** A state holding exactly these accounts. */
    public static BucketedState of(Map<Address, Account> accounts) {
        return empty().with(accounts);
    }

    @Override
    public Account account(Address address) {
        return buckets[bucketOf(address)].getOrDefault(address, Account.EMPTY);
    }

    @Override
    public byte[] root() {
        byte[] r = root;
        if (r == null) {
            if (finality == null) {
                r = tree[1];
            } else {
                MessageDigest digest = Sha256.newDigest();
                digest.update(WITH_FINALITY_TAG);
                digest.update(tree[1]);
                digest.update(finality.root());
                r = digest.digest();
            }
            root = r;
        }
        return r.clone();
    }

    /** The root of the accounts alone. */
    public byte[] accountsRoot() {
        return tree[1].clone();
    }

    @Override
    public java.util.Optional<FinalityState> finality() {
        return java.util.Optional.ofNullable(finality);
    }

    @Override
    public BucketedState withFinality(FinalityState newFinality) {
        return new BucketedState(buckets, tree, java.util.Objects.requireNonNull(newFinality, "finality"));
    }

    @Override
    public BucketedState with(Map<Address, Account> changes) {
        if (changes.isEmpty()) {
            return this;
        }
        TreeMap<Address, Account>[] newBuckets = buckets.clone();
        // The touched buckets, each once, in increasing order: then the parents of one level of the tree
        // are in increasing order too, and a parent two children share comes twice in a row.
        int[] touched = new int[changes.size()];
        int count = 0;
        for (Map.Entry<Address, Account> change : changes.entrySet()) {
            int bucket = bucketOf(change.getKey());
            if (newBuckets[bucket] == buckets[bucket]) {
                newBuckets[bucket] = new TreeMap<>(buckets[bucket]);
                touched[count++] = bucket;
            }
            if (change.getValue().equals(Account.EMPTY)) {
                newBuckets[bucket].remove(change.getKey());
            } else {
                newBuckets[bucket].put(change.getKey(), change.getValue());
            }
        }
        java.util.Arrays.sort(touched, 0, count);
        byte[][] newTree = tree.clone();
        MessageDigest digest = Sha256.newDigest();
        int[] nodes = new int[count];
        for (int i = 0; i < count; i++) {
            newTree[BUCKETS + touched[i]] = hashBucket(newBuckets[touched[i]]);
            nodes[i] = BUCKETS + touched[i];
        }
        while (nodes[0] > 1) {
            int parents = 0;
            for (int i = 0; i < count; i++) {
                int parent = nodes[i] / 2;
                if (parents == 0 || nodes[parents - 1] != parent) {
                    nodes[parents++] = parent;
                    newTree[parent] = hashNode(digest, newTree[2 * parent], newTree[2 * parent + 1]);
                }
            }
            count = parents;
        }
        return new BucketedState(newBuckets, newTree, finality);
    }

    @Override
    public void forEachAccount(BiConsumer<Address, Account> visitor) {
        for (TreeMap<Address, Account> bucket : buckets) {
            bucket.forEach(visitor);
        }
    }

    static int bucketOf(Address address) {
        byte[] bytes = address.bytes();
        return ((bytes[0] & 0xff) << 4) | ((bytes[1] & 0xff) >>> 4);
    }

    private static final byte[] UNBONDING_MARKER = "unbonding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static byte[] hashBucket(TreeMap<Address, Account> bucket) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(BUCKET_TAG);
        java.nio.ByteBuffer entry = java.nio.ByteBuffer.allocate(Address.LENGTH + 3 * Long.BYTES);
        digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(bucket.size()).array());
        int slashed = 0;
        for (Map.Entry<Address, Account> e : bucket.entrySet()) {
            entry.clear();
            entry.put(e.getKey().bytes()).putLong(e.getValue().balance()).putLong(e.getValue().nonce())
                    .putLong(e.getValue().stake());
            digest.update(entry.array());
            slashed += e.getValue().slashed() ? 1 : 0;
        }
        if (slashed > 0) {
            digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(slashed).array());
            for (Map.Entry<Address, Account> e : bucket.entrySet()) {
                if (e.getValue().slashed()) {
                    digest.update(e.getKey().bytes());
                }
            }
        }
        long unbonding = bucket.values().stream().filter(a -> a.unbonding() > 0).count();
        if (unbonding > 0) {
            // Then, when some are unbonding: a marker, their count, and address, amount and release height each.
            digest.update(UNBONDING_MARKER);
            digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt((int) unbonding).array());
            for (Map.Entry<Address, Account> e : bucket.entrySet()) {
                if (e.getValue().unbonding() > 0) {
                    digest.update(e.getKey().bytes());
                    digest.update(java.nio.ByteBuffer.allocate(2 * Long.BYTES).putLong(e.getValue().unbonding())
                            .putLong(e.getValue().unbondingUntil()).array());
                }
            }
        }
        return digest.digest();
    }

    private static byte[] hashNode(byte[] left, byte[] right) {
        return hashNode(Sha256.newDigest(), left, right);
    }

    /** With a digest of the caller's ({@link MessageDigest#digest()} leaves it ready for the next). */
    private static byte[] hashNode(MessageDigest digest, byte[] left, byte[] right) {
        digest.update(NODE_TAG);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }
}
