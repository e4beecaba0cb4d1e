package io.batchwire.outbound;

import io.smallrye.mutiny.Uni;

import java.net.InetAddress;
import java.util.List;

/** Resolves host names for outbound calls; the policy checks what it returns, and the call connects to exactly that. */
public interface Resolver {

    /** Every address of {@code host}; fails when it does not resolve. */
    Uni<List<InetAddress>> resolve(String host);
}
