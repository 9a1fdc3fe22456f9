package dev.berth.policy.egress;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IPv4 or IPv6 network: an address and a prefix length, host bits zero. Parsed from a literal
 * only ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address); parsing never asks DNS.
 */
public record Cidr(byte[] address, int prefix) {

    public Cidr {
        address = address.clone();
        if ((address.length != 4 && address.length != 16) || prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("not a network: " + address.length + " bytes /" + prefix);
        }
    }

    /** A literal address or network, or empty when {@code text} is neither (a host name, or malformed). */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        String literal = slash < 0 ? text : text.substring(0, slash);
        Optional<byte[]> address = literal(literal);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            Optional<Integer> given = prefixLength(text.substring(slash + 1));
            if (given.isEmpty() || given.get() > bits) {
                return Optional.empty();
            }
            prefix = given.get();
        }
        Cidr network = new Cidr(address.get(), prefix);
        return network.hostBitsZero() ? Optional.of(network) : Optional.empty();
    }

    /** Whether {@code text} looks like an address literal (digits and dots, or contains a colon), well-formed or not. */
    public static boolean looksLikeAddress(String text) {
        String literal = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
        return literal.contains(":") || literal.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    public static Cidr of(InetAddress address) {
        return new Cidr(address.getAddress(), address.getAddress().length * 8);
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    public boolean contains(Cidr other) {
        return other.address.length == address.length && other.prefix >= prefix && masked(other.address, prefix).equals(masked(address, prefix));
    }

    /** Whether the two networks share any address. */
    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefix == that.prefix && java.util.Arrays.equals(address, that.address);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(address) * 31 + prefix;
    }

    /**
     * As nftables prints it: the address alone for a single host, otherwise {@code address/prefix};
     * IPv6 compressed (RFC 5952), IPv4-mapped addresses in mixed notation.
     */
    @Override
    public String toString() {
        String text;
        try {
            if (isIpv4()) {
                text = InetAddress.getByAddress(address).getHostAddress();
            } else if (isIpv4Mapped()) {
                text = "::ffff:" + InetAddress.getByAddress(java.util.Arrays.copyOfRange(address, 12, 16)).getHostAddress();
            } else {
                text = compressIpv6(Inet6Address.getByAddress(null, address, -1).getHostAddress());
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return prefix == address.length * 8 ? text : text + "/" + prefix;
    }

    private boolean isIpv4Mapped() {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    private boolean hostBitsZero() {
        return masked(address, prefix).equals(new BigInteger(1, address));
    }

    private static BigInteger masked(byte[] address, int prefix) {
        int bits = address.length * 8;
        BigInteger value = new BigInteger(1, address);
        return value.shiftRight(bits - prefix).shiftLeft(bits - prefix);
    }

    private static Optional<Integer> prefixLength(String digits) {
        if (digits.isEmpty() || digits.length() > 3 || (digits.length() > 1 && digits.charAt(0) == '0')
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(digits));
    }

    private static Optional<byte[]> literal(String text) {
        if (text.contains(":")) {
            // A colon makes InetAddress treat the text as an IPv6 literal: it never resolves it.
            if (!text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0) || text.length() > 45) {
                return Optional.empty();
            }
            try {
                byte[] bytes = InetAddress.getByName(text).getAddress();
                return bytes.length == 16 ? Optional.of(bytes) : Optional.of(mappedIpv4(bytes));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return Optional.of(bytes);
    }

    /** Java reads {@code ::ffff:a.b.c.d} as an IPv4 address; the rule means the IPv6 one. */
    private static byte[] mappedIpv4(byte[] ipv4) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        return bytes;
    }

    /** RFC 5952: the longest run of two or more zero groups becomes {@code ::}. */
    private static String compressIpv6(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
