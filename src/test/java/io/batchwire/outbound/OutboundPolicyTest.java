package io.batchwire.outbound;

import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundPolicyTest {

    /** A policy's configuration, as a test sets it. */
    record Config(boolean allowLoopback, boolean allowPrivate, boolean allowMetadata, Optional<List<String>> allowedAddresses,
                  Optional<List<String>> deniedHosts, Optional<List<String>> allowedHosts, int maxDeliveryResponseBytes)
            implements OutboundConfig {
        static Config strict() {
            return new Config(false, false, false, Optional.empty(), Optional.empty(), Optional.empty(), 65536);
        }
    }

    /** Answers the addresses given, in turn, one list per lookup; counts the lookups. */
    static final class Scripted implements Resolver {
        final List<List<String>> answers = new ArrayList<>();
        final AtomicInteger lookups = new AtomicInteger();

        Scripted then(String... addresses) {
            answers.add(List.of(addresses));
            return this;
        }

        @Override
        public Uni<List<InetAddress>> resolve(String host) {
            List<String> next = answers.get(Math.min(lookups.getAndIncrement(), answers.size() - 1));
            List<InetAddress> out = new ArrayList<>();
            for (String a : next) {
                try {
                    out.add(InetAddress.getByName(a));
                } catch (Exception e) {
                    throw new IllegalArgumentException(e);
                }
            }
            return Uni.createFrom().item(out);
        }
    }

    private static String refusal(OutboundPolicy p, String url) {
        try {
            p.checkGiven(url, "webhook_url");
            return null;
        } catch (ProblemException e) {
            return e.getMessage();
        }
    }

    @Test
    void everyFormOfAnInsideAddressIsRefused() {
        OutboundPolicy p = new OutboundPolicy(Config.strict(), new Scripted());
        for (String url : List.of(
                "http://127.0.0.1/", "http://[::1]/", "http://0.0.0.0/", "http://10.1.2.3/", "http://172.16.0.1/",
                "http://192.168.1.1/", "http://100.64.0.1/", "http://169.254.1.1/", "http://169.254.169.254/",
                "http://[fd00:ec2::254]/", "http://[fc00::1]/", "http://[fe80::1]/", "http://224.0.0.1/",
                "http://[::127.0.0.1]/",                  // IPv4-compatible
                "http://[::ffff:169.254.169.254]/",       // IPv4-mapped
                "http://[::ffff:a9fe:a9fe]/",             // the same, in hex
                "http://[64:ff9b::a9fe:a9fe]/",           // NAT64 well-known prefix
                "http://[64:ff9b:1::7f00:1]/",            // NAT64 local-use prefix
                "http://[2002:a9fe:a9fe::1]/",            // 6to4 of 169.254.169.254
                "http://[2002:7f00:1::1]/",               // 6to4 of 127.0.0.1
                "http://[2001:0:7f00:1::ffff:fffe]/")) {  // Teredo, server 127.0.0.1
            assertThat(refusal(p, url)).as(url).isNotNull();
        }
        assertThat(refusal(p, "http://[::ffff:169.254.169.254]/")).contains("metadata");
        assertThat(refusal(p, "http://[2002:7f00:1::1]/")).contains("loopback");
    }

    @Test
    void publicAddressesAndNamesPass() {
        OutboundPolicy p = new OutboundPolicy(Config.strict(), new Scripted());
        for (String url : List.of("https://hooks.example.com/bw", "http://93.184.216.34/x", "http://[2606:4700::1111]/",
                "http://[64:ff9b::5db8:d822]/", "http://[2002:5db8:d822::1]/")) {
            assertThat(refusal(p, url)).as(url).isNull();
        }
        assertThat(refusal(p, "ftp://example.com/")).contains("http or https");
        assertThat(refusal(p, "https://user:pw@example.com/")).contains("credentials");
    }

    @Test
    void hostListsTakeSuffixPatternsAndAddressRangesOpenExactlyThemselves() {
        OutboundPolicy p = new OutboundPolicy(new Config(false, false, false, Optional.of(List.of("10.1.2.3/32")),
                Optional.of(List.of("*.evil.example")), Optional.of(List.of("*.example.com", "example.org")), 65536), new Scripted());
        assertThat(refusal(p, "https://api.example.com/")).isNull();
        assertThat(refusal(p, "https://example.com/")).as("a suffix pattern is sub-domains only").contains("not allowed");
        assertThat(refusal(p, "https://example.org/")).isNull();
        assertThat(refusal(p, "https://x.evil.example/")).contains("denied");
        assertThat(refusal(p, "https://other.net/")).contains("not allowed");
        OutboundPolicy ranges = new OutboundPolicy(new Config(false, false, false, Optional.of(List.of("10.1.2.3/32", "fd00::/8")),
                Optional.empty(), Optional.empty(), 65536), new Scripted());
        assertThat(refusal(ranges, "http://10.1.2.3/")).isNull();
        assertThat(refusal(ranges, "http://10.1.2.4/")).isNotNull();
        assertThat(refusal(ranges, "http://[fd00::2]/")).isNull();
    }

    @Test
    void aNameIsResolvedOnceAndTheCallPinnedToTheCheckedAddress() {
        // a rebinding name: a public address first, the metadata service the next time
        Scripted rebinding = new Scripted().then("93.184.216.34").then("169.254.169.254");
        OutboundPolicy p = new OutboundPolicy(Config.strict(), rebinding);
        OutboundPolicy.Target t = p.target("https://rebind.example/hook?x=1", null).await().atMost(Duration.ofSeconds(5));
        assertThat(rebinding.lookups.get()).isOne();
        assertThat(t.address().getHostAddress()).isEqualTo("93.184.216.34");
        assertThat(t.host()).isEqualTo("rebind.example");
        assertThat(t.port()).isEqualTo(443);
        assertThat(t.ssl()).isTrue();
        assertThat(t.pathAndQuery()).isEqualTo("/hook?x=1");
        // the next call looks up again, sees the inside address, and is refused
        assertThatThrownBy(() -> p.target("https://rebind.example/hook", null).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(OutboundPolicy.DeniedException.class).hasMessageContaining("metadata");
        // a name with one inside address among public ones is refused as a whole
        OutboundPolicy mixed = new OutboundPolicy(Config.strict(), new Scripted().then("93.184.216.34", "10.0.0.1"));
        assertThatThrownBy(() -> mixed.target("http://mixed.example/", null).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(OutboundPolicy.DeniedException.class).hasMessageContaining("private");
    }
}
