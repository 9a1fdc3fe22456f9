package dev.berth.policy.egress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Address literals and networks: parsed without DNS, printed as nftables prints them, contained exactly. */
class CidrTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "203.0.113.7", "0.0.0.0/0", "2001:db8::/32", "::/0", "fd00:ec2::254", "::ffff:0.0.0.0/96"})
    void aWellFormedNetworkPrintsAsWritten(String text) {
        assertThat(Cidr.parse(text)).hasValueSatisfying(cidr -> assertThat(cidr.toString()).isEqualTo(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1/8", "10.0.0.0/33", "10.0.0", "010.0.0.1", "256.1.1.1", "10.0.0.0/", "10.0.0.0/08",
            "2001:db8::1/32", "2001:db8::/129", "1:2:3:4:5:6:7:8:9", "example.com", "", "10.0.0.0/8/8", " 10.0.0.1"})
    void anythingElseIsNotANetwork(String text) {
        assertThat(Cidr.parse(text)).isEmpty();
    }

    @Test
    void containmentIsByPrefixAndFamily() {
        Cidr ten = Cidr.parse("10.0.0.0/8").orElseThrow();
        assertThat(ten.contains(Cidr.parse("10.1.2.0/24").orElseThrow())).isTrue();
        assertThat(ten.contains(Cidr.parse("11.0.0.0/24").orElseThrow())).isFalse();
        assertThat(Cidr.parse("10.1.2.0/24").orElseThrow().contains(ten)).isFalse();
        assertThat(Cidr.parse("::/0").orElseThrow().contains(Cidr.parse("10.0.0.1").orElseThrow())).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").orElseThrow().contains(Cidr.parse("2001:db8:1::5").orElseThrow())).isTrue();
    }

    @Test
    void theAlwaysDeniedSetCoversLoopbackAndMetadataButNotTheInternet() {
        assertThat(AlwaysDenied.covers(Cidr.parse("169.254.169.254").orElseThrow())).isTrue();
        assertThat(AlwaysDenied.covers(Cidr.parse("127.0.0.0/8").orElseThrow())).isTrue();
        assertThat(AlwaysDenied.covers(Cidr.parse("fd00:ec2::254").orElseThrow())).isTrue();
        assertThat(AlwaysDenied.covers(Cidr.parse("0.0.0.0/0").orElseThrow())).isFalse();
        assertThat(AlwaysDenied.covers(Cidr.parse("198.51.100.10").orElseThrow())).isFalse();
    }

    @Test
    void portRanges() {
        assertThat(PortRange.parse("443")).contains(new PortRange(443, 443));
        assertThat(PortRange.parse("8000-8100")).contains(new PortRange(8000, 8100));
        assertThat(PortRange.parse("0")).isEmpty();
        assertThat(PortRange.parse("65536")).isEmpty();
        assertThat(PortRange.parse("90-80")).isEmpty();
        assertThat(PortRange.parse("+80")).isEmpty();
        assertThat(PortRange.parse("080")).isEmpty();
        assertThat(PortRange.ALL.contains(new PortRange(1, 65_535))).isTrue();
        assertThat(new PortRange(80, 90).contains(new PortRange(79, 80))).isFalse();
    }
}
