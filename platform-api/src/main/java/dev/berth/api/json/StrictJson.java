package dev.berth.api.json;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.berth.api.problems.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * The one way Berth reads JSON that people and clients send: API request bodies and the console's
 * JSON fields. A document means exactly what RFC 8259 says it means or it is refused: a proxy or an
 * audit reader that sees the same bytes must never see a different request. So nothing is guessed
 * (no duplicate names, unknown fields, comments, trailing content, or a number where a string
 * belongs), and every refusal is a {@link ProblemException} 400 {@code malformed-request} that
 * names the field or the position ({@link MalformedJson}).
 *
 * <p>Reading is two steps on purpose: the syntax step sees the whole document (so an empty body,
 * JSON {@code null} or an array is told apart from a missing field, and a second document after the
 * first is caught), then the binding step maps the tree onto the request type.
 *
 * <p>Only what clients send is read this way. The application's shared {@link ObjectMapper} stays as
 * Quarkus configures it, because REST clients (the Keycloak admin client) and the JSON columns the
 * platform wrote itself must keep reading documents that a newer peer or an older release shaped.
 */
@ApplicationScoped
public class StrictJson {

    /**
     * Jackson quotes an unrecognised token back ({@code {"TOKEN": hunter2}}); two characters locate
     * a typo next to the line and column without echoing a value that may be a secret, or a huge one.
     */
    static final int QUOTED_TOKEN_CHARS = 2;

    private final ObjectReader reader;

    @Inject
    public StrictJson(ObjectMapper shared) {
        this.reader = strictReader(shared.copy());
    }

    /** The body as {@code type}; never null: an empty body or JSON {@code null} is refused. */
    public <T> T read(InputStream body, Type type) throws IOException {
        JsonNode tree;
        try {
            tree = reader.readTree(body);
        } catch (JsonProcessingException e) {
            throw MalformedJson.syntax(e);
        }
        return bind(tree, reader.getTypeFactory().constructType(type));
    }

    /** A JSON document typed into a form field, held to the same rules as a request body. */
    public <T> T read(String text, Class<T> type) {
        try {
            return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), type);
        } catch (IOException e) {
            throw new UncheckedIOException("an in-memory stream failed", e);
        }
    }

    private <T> T bind(JsonNode tree, JavaType type) throws IOException {
        if (!tree.isObject()) {
            throw MalformedJson.notAnObject(tree);
        }
        try {
            return reader.forType(type).readValue(tree);
        } catch (JsonProcessingException e) {
            throw MalformedJson.mismatch(e, tree);
        }
    }

    private static ObjectReader strictReader(ObjectMapper mapper) {
        mapper.getFactory().setErrorReportConfiguration(ErrorReportConfiguration.builder()
                .maxErrorTokenLength(QUOTED_TOKEN_CHARS).maxRawContentLength(0).build());
        // ["sh", null] or {"A": null}: a hole in a list or map is a mistake, not an absent value.
        mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        // "10" for a number, 1 for a string, "" or [] for an object: a value of the wrong kind is refused, never converted.
        mapper.setConfig(mapper.getDeserializationConfig().without(MapperFeature.ALLOW_COERCION_OF_SCALARS));
        for (CoercionInputShape scalar : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
        for (CoercionInputShape empty : new CoercionInputShape[] {CoercionInputShape.EmptyString, CoercionInputShape.EmptyArray, CoercionInputShape.EmptyObject}) {
            mapper.coercionConfigDefaults().setCoercion(empty, CoercionAction.Fail);
        }
        return mapper.reader()
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Every JsonReadFeature is a relaxation of RFC 8259 (comments, single quotes, NaN, leading zeros, trailing commas...).
                .withoutFeatures(JsonReadFeature.values())
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                        DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
                .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT,
                        DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                        DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS,
                        DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT,
                        DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT,
                        DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL,
                        DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE);
    }
}
