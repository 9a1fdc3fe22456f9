package dev.berth.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stored document is written into the response as the same JSON its tree would have given. */
class StoredJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    record View(String id, StoredJson security, List<StoredJson> more, StoredJson missing, int after) {
    }

    @Test
    void itIsWrittenAsTheDocumentItHolds() throws Exception {
        String security = "{\"uidMappings\":[{\"containerId\":0,\"hostId\":100000,\"size\":65536}],\"capabilities\":[],\"note\":\"a \\\"quoted\\\" word\"}";
        View view = new View("j1", StoredJson.of(security), List.of(StoredJson.of("[1,2]"), StoredJson.of("\"x\"")), StoredJson.of(null), 7);

        JsonNode written = mapper.readTree(mapper.writeValueAsString(view));

        assertThat(written.get("security")).isEqualTo(mapper.readTree(security));
        assertThat(written.get("more")).isEqualTo(mapper.readTree("[[1,2],\"x\"]"));
        assertThat(written.get("missing").isNull()).isTrue();
        assertThat(written.get("after").asInt()).isEqualTo(7);
        assertThat(StoredJson.of(security).toString()).isEqualTo(security);
    }
}
