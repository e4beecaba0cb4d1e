package io.batchwire.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** Where tenants' URLs may point: webhooks, result files, {@code http} records and collections. */
@ConfigMapping(prefix = "batchwire.outbound")
public interface OutboundConfig {

    /** Allow loopback addresses (127.0.0.0/8, ::1): for tests and local demos only, never in prod. */
    @WithDefault("false")
    boolean allowLoopback();

    /** Allow private, link-local, carrier-grade NAT and unique-local addresses (an internal deployment). */
    @WithDefault("false")
    boolean allowPrivate();

    /** Allow the cloud instance-metadata addresses (169.254.169.254 and its kin); almost never wanted. */
    @WithDefault("false")
    boolean allowMetadata();

    /**
     * Address ranges allowed whatever their kind (CIDR, e.g. {@code 10.1.2.3/32}): an internal receiver, without
     * opening every private address.
     */
    Optional<List<String>> allowedAddresses();

    /** Host names always refused: exact names or {@code *.suffix} patterns, case-insensitive. */
    Optional<List<String>> deniedHosts();

    /** If set, only these hosts (exact names or {@code *.suffix} patterns) are allowed. */
    Optional<List<String>> allowedHosts();

    /** Webhook and result-push answers are read up to this many bytes (decompressed); more fails the attempt. */
    @WithDefault("65536")
    int maxDeliveryResponseBytes();
}
