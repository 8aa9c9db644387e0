package mvpos.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.stream.Collectors;

/**
 * JSON read the way a money API must: a number is a JSON number (not {@code "5"}), a whole number is
 * whole (not {@code 1.5}), a key appears once, an unknown key is refused; and why a body is refused,
 * in one line that names the field.
 */
public final class StrictJson {
    private StrictJson() {
    }

    /** The mapper the API reads and writes with. */
    public static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
                .maxNumberLength(32).build());
        // "kind": 1 is refused like "nonce": "1": no quiet conversion between strings and numbers either way.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /** The handler of the errors Jetty answers itself (414, 431, 400), in the API's JSON. */
    public static org.eclipse.jetty.server.handler.ErrorHandler jettyErrorHandler() {
        return new JsonErrorHandler();
    }

    /** One line saying what is wrong with a body, naming the field when there is one. */
    public static String describe(JsonProcessingException e) {
        String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field \"" + unknown.getPropertyName() + "\"";
        }
        if (first.startsWith("Duplicate field")) {
            return "duplicate key " + first.substring("Duplicate field".length()).trim().replace('\'', '"');
        }
        if (e instanceof InputCoercionException) {
            return "a number out of range: whole numbers go from -2^63 to 2^63-1";
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = mismatch.getPath().stream().map(ref -> ref.getFieldName() != null ? ref.getFieldName()
                    : "[" + ref.getIndex() + "]").collect(Collectors.joining("."));
            Class<?> target = mismatch.getTargetType();
            String wanted = target == null ? "of another type"
                    : target == long.class || target == int.class || target == Long.class || target == Integer.class
                    ? "a whole number (a JSON number without quotes or fraction)"
                    : target == String.class ? "a string (in quotes)" : "of another type";
            return "\"" + field + "\" must be " + wanted;
        }
        if (first.startsWith("No content to map")) {
            return "empty body";
        }
        return first;
    }
}
