package io.batchwire.outbound;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.util.List;

/**
 * The JVM's resolver (and its cache, {@code networkaddress.cache.ttl}), off the event loop: a lookup may block.
 * Tests put a resolver of their own in its place.
 */
@ApplicationScoped
@DefaultBean
public class SystemResolver implements Resolver {

    @Override
    public Uni<List<InetAddress>> resolve(String host) {
        return Uni.createFrom().item(() -> {
            try {
                return List.of(InetAddress.getAllByName(host));
            } catch (Exception e) {
                throw new OutboundPolicy.DeniedException("host '" + host + "' does not resolve");
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
