package dev.berth.api.console.readable;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's rows for an egress job: the mode, the effective list, the pinned names and what is always denied, not a JSON dump. */
class ReadableDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anEgressJobsSecurityShowsItsListPinnedNamesAndAlwaysDeniedNetworks() throws Exception {
        List<Fact> facts = ReadableDocument.of(JSON.readTree("""
                {"network": "egress", "egress": {
                  "allowed": [{"destination": "198.51.100.10", "ports": "8080", "protocol": "tcp"},
                              {"destination": "allowed.lab.test", "ports": "1-65535", "protocol": "udp"}],
                  "pinned": {"allowed.lab.test": ["198.51.100.10", "2001:db8::10"], "gone.lab.test": []},
                  "alwaysDenied": ["127.0.0.0/8", "169.254.0.0/16"]}}
                """));

        assertThat(facts).containsExactly(Fact.of("Network", "egress"),
                new Fact("Egress allowed", List.of("tcp 198.51.100.10 ports 8080", "udp allowed.lab.test ports 1-65535")),
                new Fact("Egress names pinned at start", List.of("allowed.lab.test → 198.51.100.10, 2001:db8::10",
                        "gone.lab.test → no address (unreachable)")),
                new Fact("Egress always denied", List.of("127.0.0.0/8", "169.254.0.0/16")));
    }

    @Test
    void aPlanShowsItsEgressListAndNothingForNetworkNone() throws Exception {
        assertThat(ReadableDocument.of(JSON.readTree("""
                {"network": "egress", "egress": [{"destination": "api.example.com", "ports": "443", "protocol": "tcp"}]}
                """))).containsExactly(Fact.of("Network", "egress"), new Fact("Egress allowed", List.of("tcp api.example.com ports 443")));
        assertThat(ReadableDocument.of(JSON.readTree("{\"network\": \"none\", \"egress\": []}"))).containsExactly(Fact.of("Network", "none"));
    }
}
