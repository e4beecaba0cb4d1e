package io.batchwire.testing;

import io.batchwire.outbound.OutboundPolicy;
import io.batchwire.outbound.Resolver;
import io.batchwire.outbound.SystemResolver;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The resolver of every {@code @QuarkusTest} (it takes the place of the default {@link SystemResolver}): names under
 * {@code .rebind.test} answer what a test scripted for them, with no DNS involved; every other name is looked up as
 * usual. Each lookup of a scripted name takes the next answer; the last one repeats.
 */
@ApplicationScoped
public class ScriptedResolver implements Resolver {

    public static final String SUFFIX = ".rebind.test";

    private final SystemResolver system = new SystemResolver();
    private final Map<String, Deque<List<String>>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    /** {@code host} (ending in {@link #SUFFIX}) answers these address literals, one list per lookup in turn. */
    @SafeVarargs
    public final void script(String host, List<String>... answersInTurn) {
        if (!host.endsWith(SUFFIX)) {
            throw new IllegalArgumentException("only names under " + SUFFIX + " can be scripted");
        }
        answers.put(host, new ArrayDeque<>(List.of(answersInTurn)));
    }

    /** How many times {@code host} was looked up. */
    public int lookups(String host) {
        return lookups.getOrDefault(host, new AtomicInteger()).get();
    }

    @Override
    public Uni<List<InetAddress>> resolve(String host) {
        if (!host.endsWith(SUFFIX)) {
            return system.resolve(host);
        }
        lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        Deque<List<String>> turns = answers.get(host);
        if (turns == null) {
            return Uni.createFrom().failure(new OutboundPolicy.DeniedException("host '" + host + "' does not resolve"));
        }
        List<String> now;
        synchronized (turns) {
            now = turns.size() > 1 ? turns.poll() : turns.peek();
        }
        return Uni.createFrom().item(() -> now.stream().map(ScriptedResolver::literal).toList());
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
