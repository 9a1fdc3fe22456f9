package dev.berth.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * A JSON document kept as text in a column the platform itself wrote (a job's effective security,
 * its decisions, its data), written into a response as it is. A view that only passes such a
 * document on need not parse it into a tree and serialise the tree again, which was a tenth of a
 * {@code GET /jobs/{id}} in the profile. Read it with {@link JsonColumns#tree(String)} to look inside.
 * A property of this type names the document's JSON type for the OpenAPI document itself.
 */
@JsonSerialize(using = StoredJson.Writer.class)
public record StoredJson(String text) {

    /** The column's document, or null for an empty column. */
    public static StoredJson of(String text) {
        return text == null ? null : new StoredJson(text);
    }

    /** The document itself, as templates print it. */
    @Override
    public String toString() {
        return text;
    }

    static final class Writer extends StdSerializer<StoredJson> {
        Writer() {
            super(StoredJson.class);
        }

        @Override
        public void serialize(StoredJson value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeRawValue(value.text());
        }
    }
}
