package mvpos.api;

import java.util.Locale;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;

/**
 * A transaction as the HTTP API reads and writes it: byte fields in lowercase hex, the kind by name
 * ({@code transfer}, {@code stake}, {@code unstake}, {@code slash}) or by its number as a string
 * ({@code "1"}). {@code data} (a slash's evidence) may be left out when empty.
 */
public record TransactionJson(String hash, String chainId, String from, String senderKey, long nonce, String kind,
                              String to, long amount, long fee, String data, String signature) {
    /** Hex digits of the longest data accepted: the longest slashing evidence. */
    private static final int MAX_DATA_HEX = 2 * SlashingEvidence.MAX_BYTES;

    public static TransactionJson of(Transaction tx) {
        String kind = TxKind.fromCode(tx.kind()).map(k -> k.name().toLowerCase(Locale.ROOT))
                .orElse(Integer.toString(tx.kind()));
        return new TransactionJson(tx.hashHex(), tx.chainId(), tx.sender().toString(), Hex.encode(tx.senderKey()),
                tx.nonce(), kind, tx.to().toString(), tx.amount(), tx.fee(), Hex.encode(tx.data()),
                Hex.encode(tx.signature()));
    }

    /** The transaction; throws {@link IllegalArgumentException} naming the field that is wrong. */
    public Transaction toTransaction() {
        if (chainId == null) {
            throw new IllegalArgumentException("\"chainId\" is missing");
        }
        return new Transaction(chainId, hex(senderKey, "senderKey", 256), nonce, kindCode(), to == null ? null
                : Address.parse(to), amount, fee, data == null ? new byte[0] : hex(data, "data", MAX_DATA_HEX),
                hex(signature, "signature", 256));
    }

    private int kindCode() {
        if (kind == null) {
            throw new IllegalArgumentException("\"kind\" is missing");
        }
        try {
            return TxKind.valueOf(kind.toUpperCase(Locale.ROOT)).code();
        } catch (IllegalArgumentException e) {
            try {
                return Integer.parseInt(kind);
            } catch (NumberFormatException n) {
                throw new IllegalArgumentException("\"kind\" must be transfer, stake, unstake, slash or a number");
            }
        }
    }

    private static byte[] hex(String value, String field, int maxDigits) {
        if (value == null || value.length() % 2 != 0 || value.length() > maxDigits || !value.matches("[0-9a-fA-F]*")) {
            throw new IllegalArgumentException("\"" + field + "\" must be hex of at most " + maxDigits + " digits");
        }
        return Hex.decode(value.toLowerCase(Locale.ROOT));
    }
}
