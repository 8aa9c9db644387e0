package mvpos.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import mvpos.chain.Transaction;
import mvpos.crypto.Address;
import mvpos.chain.Account;
import mvpos.state.Rejection;
import mvpos.state.State;
import mvpos.state.StateTransition;

/**
 * Transactions waiting for a block. Each is checked once on arrival (chain id, signature, nonce,
 * what its sender can pay), kept in nonce order per sender, and dropped when a new head makes it
 * invalid. The pool is bounded; a full pool refuses new transactions rather than growing.
 *
 * <p>Not thread-safe: the node calls it from its event loop.
 */
public final class Mempool {
    /** How far ahead of its account's nonce a sender may queue transactions. */
    public static final int MAX_PENDING_PER_SENDER = 64;

    /** Whether a transaction got in, and if not, why. */
    public sealed interface Admission permits Accepted, Refused {
    }

    public record Accepted(String txHash) implements Admission {
    }

    /**
     * Not admitted, and why. {@code forged}: no honest node would have sent it (another chain's, or not
     * signed by its sender), as opposed to a transaction that is merely late, early or unpaid.
     */
    public record Refused(String reason, boolean forged) implements Admission {
        public Refused(String reason) {
            this(reason, false);
        }
    }

    /** Every transaction in the pool had its signature verified on arrival; it is never verified again here. */
    private static final StateTransition.SignatureCheck ALREADY_VERIFIED = tx -> true;

    private final StateTransition rules;
    private final int capacity;
    /** Senders in order of first arrival (so blocks are filled deterministically), each by nonce. */
    private final Map<Address, TreeMap<Long, Transaction>> bySender = new LinkedHashMap<>();
    private final Set<String> hashes = new HashSet<>();
    private int size;

    public Mempool(StateTransition rules, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.rules = rules;
        this.capacity = capacity;
    }

    /** The height of the next block, at which pending transactions are checked (unbonding releases). */
    private long nextHeight = 1;

    /** Checks pending transactions as in the block at {@code height} from now on. */
    public void atHeight(long height) {
        this.nextHeight = height;
    }

    /**
     * Checks a transaction against the head state and the sender's other pending transactions.
     * {@code signatures} should remember what it verified, so block import does not verify again.
     */
    public Admission add(Transaction tx, State head, StateTransition.SignatureCheck signatures) {
        String hash = tx.hashHex();
        if (hashes.contains(hash)) {
            return new Refused("already pending");
        }
        if (size >= capacity) {
            return new Refused("the mempool is full (" + capacity + " transactions); try again after the next block");
        }
        if (!rules.chainId().equals(tx.chainId())) {
            return new Refused(Rejection.Reason.WRONG_CHAIN_ID + ": for chain '" + tx.chainId() + "'", true);
        }
        if (!signatures.isValid(tx)) {
            return new Refused(Rejection.Reason.BAD_SIGNATURE + ": not signed by the sender's key", true);
        }
        Address sender = tx.sender();
        Account account = head.account(sender);
        if (tx.nonce() < account.nonce()) {
            return new Refused(Rejection.Reason.WRONG_NONCE + ": nonce " + tx.nonce() + " is already used (next is "
                    + account.nonce() + ")");
        }
        if (tx.nonce() >= account.nonce() + MAX_PENDING_PER_SENDER) {
            return new Refused(Rejection.Reason.WRONG_NONCE + ": nonce " + tx.nonce() + " is too far ahead (next is "
                    + account.nonce() + ")");
        }
        TreeMap<Long, Transaction> pending = bySender.getOrDefault(sender, new TreeMap<>());
        if (pending.containsKey(tx.nonce())) {
            return new Refused(Rejection.Reason.WRONG_NONCE + ": another transaction with nonce " + tx.nonce()
                    + " is pending");
        }
        TreeMap<Long, Transaction> withNew = new TreeMap<>(pending);
        withNew.put(tx.nonce(), tx);
        // The sender must be able to pay for everything it has queued, this one included, in nonce order.
        Optional<Rejection> unpaid = rules.checkSequence(head, nextHeight, gapFreeRun(head, sender, withNew), ALREADY_VERIFIED);
        if (unpaid.isPresent()) {
            return new Refused(unpaid.get().reason() + ": " + unpaid.get().detail());
        }
        bySender.put(sender, withNew);
        hashes.add(hash);
        size++;
        return new Accepted(hash);
    }

    /**
     * Up to {@code max} transactions that apply in order on {@code head}: for each sender (in
     * arrival order), its pending transactions from its current nonce on, without gaps.
     *
     * <p>Each sender's run is checked on its own, then the whole selection once more, because one
     * sender's transaction can make another's invalid (two slashes of one offender, a slash before its
     * offender's stake or unstake): the first that fails, and its sender's later ones, are left out.
     */
    public List<Transaction> selectForBlock(State head, int max) {
        List<Transaction> selected = new ArrayList<>();
        for (Map.Entry<Address, TreeMap<Long, Transaction>> entry : bySender.entrySet()) {
            List<Transaction> run = gapFreeRun(head, entry.getKey(), entry.getValue());
            // Keep only the prefix that still applies, and no more than fits.
            int valid = validPrefix(head, entry.getKey(), entry.getValue());
            selected.addAll(run.subList(0, Math.min(valid, max - selected.size())));
            if (selected.size() >= max) {
                break;
            }
        }
        Optional<Rejection> conflict;
        while ((conflict = rules.checkSequence(head, nextHeight, selected, ALREADY_VERIFIED)).isPresent()) {
            Transaction first = selected.get(conflict.get().txIndex());
            Address sender = first.sender();
            selected.removeIf(tx -> tx.sender().equals(sender) && tx.nonce() >= first.nonce());
        }
        return selected;
    }

    /** After a new head: drops what it included or made invalid (used nonces, what can no longer be paid). */
    public void onNewHead(State head) {
        Iterator<Map.Entry<Address, TreeMap<Long, Transaction>>> senders = bySender.entrySet().iterator();
        while (senders.hasNext()) {
            Map.Entry<Address, TreeMap<Long, Transaction>> entry = senders.next();
            TreeMap<Long, Transaction> pending = entry.getValue();
            long next = head.account(entry.getKey()).nonce();
            for (Transaction stale : new ArrayList<>(pending.headMap(next, false).values())) {
                remove(pending, stale);
            }
            int valid = validPrefix(head, entry.getKey(), pending);
            List<Transaction> ordered = new ArrayList<>(pending.values());
            // A transaction that can no longer be paid, and everything queued after it, is dropped.
            int firstInvalid = valid;
            if (firstInvalid < ordered.size() && ordered.get(firstInvalid).nonce() == next + firstInvalid) {
                for (Transaction dropped : ordered.subList(firstInvalid, ordered.size())) {
                    remove(pending, dropped);
                }
            }
            if (pending.isEmpty()) {
                senders.remove();
            }
        }
    }

    /** The nonce a sender's next transaction should carry: after its account's nonce and its pending run. */
    public long nextNonce(Address sender, State head) {
        TreeMap<Long, Transaction> pending = bySender.get(sender);
        long next = head.account(sender).nonce();
        return pending == null ? next : next + gapFreeRun(head, sender, pending).size();
    }

    public int size() {
        return size;
    }

    public boolean contains(String txHash) {
        return hashes.contains(txHash);
    }

    private void remove(TreeMap<Long, Transaction> pending, Transaction tx) {
        pending.remove(tx.nonce());
        hashes.remove(tx.hashHex());
        size--;
    }

    /** How many of a sender's transactions, from its next nonce on and without gaps, apply in order. */
    private int validPrefix(State head, Address sender, TreeMap<Long, Transaction> pending) {
        List<Transaction> run = gapFreeRun(head, sender, pending);
        return rules.checkSequence(head, nextHeight, run, ALREADY_VERIFIED).map(Rejection::txIndex).orElse(run.size());
    }

    private static List<Transaction> gapFreeRun(State head, Address sender, TreeMap<Long, Transaction> pending) {
        long next = head.account(sender).nonce();
        List<Transaction> run = new ArrayList<>();
        for (Transaction tx : pending.tailMap(next, true).values()) {
            if (tx.nonce() != next) {
                break;
            }
            run.add(tx);
            next++;
        }
        return run;
    }

    /** For tests and the API: pending transactions by sender. */
    public Map<Address, List<Transaction>> pendingBySender() {
        Map<Address, List<Transaction>> copy = new HashMap<>();
        bySender.forEach((sender, txs) -> copy.put(sender, List.copyOf(txs.values())));
        return copy;
    }
}
