package mvpos.codec;

/** Bytes that are not a valid canonical encoding; the message says what is wrong. */
public final class MalformedEncodingException extends RuntimeException {
    public MalformedEncodingException(String message) {
        super(message);
    }
}
