package io.batchwire.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What kind of address an outbound call would reach. IPv6 forms that carry an IPv4 address (IPv4-compatible
 * {@code ::a.b.c.d}, IPv4-mapped {@code ::ffff:a.b.c.d}, NAT64 {@code 64:ff9b::/96} and {@code 64:ff9b:1::/48},
 * 6to4 {@code 2002::/16}, Teredo {@code 2001::/32}) are judged by that IPv4 address as well: an address is as closed as
 * the most closed of what it carries.
 */
final class Addresses {

    /** From most to least open. */
    enum Kind {
        PUBLIC, PRIVATE, LOOPBACK, METADATA, RESERVED
    }

    private Addresses() {
    }

    static Kind kind(InetAddress a) {
        Kind k = own(a);
        for (Inet4Address embedded : embedded(a)) {
            Kind e = own(embedded);
            if (e.ordinal() > k.ordinal()) {
                k = e;
            }
        }
        return k;
    }

    private static Kind own(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            int b2 = b[2] & 0xff;
            int b3 = b[3] & 0xff;
            if (b0 == 169 && b1 == 254 && b2 == 169 && b3 == 254) {
                return Kind.METADATA; // the cloud providers' instance metadata service
            }
            if (b0 == 100 && b1 == 100 && b2 == 100 && b3 == 200) {
                return Kind.METADATA; // Alibaba Cloud's
            }
            if (b0 == 127) {
                return Kind.LOOPBACK;
            }
            if (b0 == 0 || b0 >= 224 || (b0 == 192 && b1 == 0 && b2 == 0) || (b0 == 192 && b1 == 0 && b2 == 2)
                    || (b0 == 198 && (b1 == 18 || b1 == 19)) || (b0 == 198 && b1 == 51 && b2 == 100)
                    || (b0 == 203 && b1 == 0 && b2 == 113)) {
                return Kind.RESERVED; // "this network", multicast, 240/4, broadcast, IETF, documentation, benchmarking
            }
            if (b0 == 10 || (b0 == 172 && b1 >= 16 && b1 < 32) || (b0 == 192 && b1 == 168)
                    || (b0 == 169 && b1 == 254) || (b0 == 100 && b1 >= 64 && b1 < 128)) {
                return Kind.PRIVATE; // RFC 1918, link-local, carrier-grade NAT
            }
            return Kind.PUBLIC;
        }
        if (a.isLoopbackAddress()) {
            return Kind.LOOPBACK;
        }
        if (isMetadata6(b)) {
            return Kind.METADATA;
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress() || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8)) {
            return Kind.RESERVED; // unspecified, multicast, documentation 2001:db8::/32
        }
        if ((b[0] & 0xfe) == 0xfc || a.isLinkLocalAddress() || a.isSiteLocalAddress()) {
            return Kind.PRIVATE; // unique local fc00::/7, link-local fe80::/10, site-local fec0::/10
        }
        return Kind.PUBLIC;
    }

    /** AWS's IPv6 metadata endpoint, fd00:ec2::254. */
    private static boolean isMetadata6(byte[] b) {
        return (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                && allZero(b, 4, 14) && (b[14] & 0xff) == 0x02 && (b[15] & 0xff) == 0x54;
    }

    /** The IPv4 addresses an IPv6 address carries, by the transition forms that embed one. */
    static List<Inet4Address> embedded(InetAddress a) {
        List<Inet4Address> out = new ArrayList<>(2);
        if (!(a instanceof Inet6Address)) {
            return out;
        }
        byte[] b = a.getAddress();
        if (isIpv4Compatible(b) || isIpv4Mapped(b)) {
            add(out, b, 12);
        }
        // NAT64 well-known prefix 64:ff9b::/96, and the local-use 64:ff9b:1::/48 (RFC 8215; IPv4 in the last 32 bits)
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            add(out, b, 12);
        }
        // 6to4 2002:AABB:CCDD::/48
        if (b[0] == 0x20 && b[1] == 0x02) {
            add(out, b, 2);
        }
        // Teredo 2001:0000:<server IPv4>:<flags>:<port>:<client IPv4 xor ffffffff>
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            add(out, b, 4);
            byte[] client = new byte[4];
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~b[12 + i];
            }
            add(out, client, 0);
        }
        return out;
    }

    private static boolean isIpv4Compatible(byte[] b) {
        return allZero(b, 0, 12) && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1));
    }

    private static boolean isIpv4Mapped(byte[] b) {
        return allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void add(List<Inet4Address> out, byte[] b, int at) {
        try {
            out.add((Inet4Address) InetAddress.getByAddress(new byte[]{b[at], b[at + 1], b[at + 2], b[at + 3]}));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
