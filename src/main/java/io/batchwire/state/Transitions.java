package io.batchwire.state;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The allowed moves of one state machine, and the SQL that follows from them. Each machine has one table (built once,
 * in its {@code ...Transitions} class); every conditional update that moves a state takes its {@code WHERE state IN
 * (...)} list from here, so the rule and the SQL cannot drift apart. A state's name in SQL is its wire name, which
 * must be a plain lower-case word (so quoting it is safe).
 *
 * @param <S> the states
 */
public final class Transitions<S extends Enum<S>> {

    private static final Pattern WIRE = Pattern.compile("[a-z][a-z_]*");

    private final Class<S> type;
    private final Map<S, Set<S>> next;
    private final Function<S, String> wire;
    /** The states by wire name: read on every outcome and row (issue 17). */
    private final Map<String, S> byWire = new HashMap<>();

    private Transitions(Class<S> type, Map<S, Set<S>> next, Function<S, String> wire) {
        this.type = type;
        this.next = next;
        this.wire = wire;
        for (S s : type.getEnumConstants()) {
            byWire.put(wire.apply(s), s);
        }
    }

    /** Starts the table of {@code type}, whose states are spelled {@code wire} in the database and on the wire. */
    public static <S extends Enum<S>> Builder<S> of(Class<S> type, Function<S, String> wire) {
        return new Builder<>(type, wire);
    }

    public static final class Builder<S extends Enum<S>> {
        private final Class<S> type;
        private final Function<S, String> wire;
        private final Map<S, EnumSet<S>> next;

        private Builder(Class<S> type, Function<S, String> wire) {
            this.type = type;
            this.wire = wire;
            this.next = new EnumMap<>(type);
            for (S s : type.getEnumConstants()) {
                if (!WIRE.matcher(wire.apply(s)).matches()) {
                    throw new IllegalArgumentException("state " + s + " has a wire name unfit for SQL: " + wire.apply(s));
                }
                next.put(s, EnumSet.noneOf(type));
            }
        }

        /** {@code from} may move to each of {@code to}. */
        @SafeVarargs
        public final Builder<S> allow(S from, S... to) {
            for (S t : to) {
                next.get(from).add(t);
            }
            return this;
        }

        public Transitions<S> build() {
            Map<S, Set<S>> frozen = new EnumMap<>(type);
            next.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSet(EnumSet.copyOf(v))));
            return new Transitions<>(type, Collections.unmodifiableMap(frozen), wire);
        }
    }

    public boolean allowed(S from, S to) {
        return next.get(from).contains(to);
    }

    /** {@code to}, if {@code from} may move there; otherwise an {@link IllegalStateException}. */
    public S move(S from, S to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException(type.getSimpleName() + " " + wire.apply(from) + " cannot move to " + wire.apply(to));
        }
        return to;
    }

    /** The states {@code from} may move to. */
    public Set<S> next(S from) {
        return next.get(from);
    }

    /** A state with no move out of it. */
    public boolean isFinal(S state) {
        return next.get(state).isEmpty();
    }

    /** The states that may move to {@code to}. */
    public Set<S> statesThatMayMoveTo(S to) {
        Set<S> out = EnumSet.noneOf(type);
        next.forEach((from, targets) -> {
            if (targets.contains(to)) {
                out.add(from);
            }
        });
        return out;
    }

    /** {@code from} and every state reachable from it by allowed moves. */
    public Set<S> reachableFrom(S from) {
        Set<S> out = EnumSet.of(from);
        ArrayDeque<S> todo = new ArrayDeque<>(out);
        while (!todo.isEmpty()) {
            for (S to : next.get(todo.poll())) {
                if (out.add(to)) {
                    todo.add(to);
                }
            }
        }
        return out;
    }

    /** The states with no move out. */
    public Set<S> finalStates() {
        Set<S> out = EnumSet.noneOf(type);
        next.forEach((s, targets) -> {
            if (targets.isEmpty()) {
                out.add(s);
            }
        });
        return out;
    }

    /** The states with a move out. */
    public Set<S> openStates() {
        Set<S> out = EnumSet.allOf(type);
        out.removeAll(finalStates());
        return out;
    }

    /** One state as an SQL literal: {@code 'accepted'}. */
    public String sql(S state) {
        return "'" + wire.apply(state) + "'";
    }

    /** States as the inside of an SQL {@code IN (...)} list, in declaration order: {@code 'accepted', 'processing'}. */
    public String sql(Set<S> states) {
        if (states.isEmpty()) {
            throw new IllegalArgumentException("an empty IN list matches nothing; no rule needs one");
        }
        return EnumSet.copyOf(states).stream().map(this::sql).collect(Collectors.joining(", "));
    }

    /** {@link #statesThatMayMoveTo} as an SQL {@code IN} list. */
    public String sqlStatesThatMayMoveTo(S to) {
        return sql(statesThatMayMoveTo(to));
    }

    /** {@link #openStates} as an SQL {@code IN} list. */
    public String sqlOpenStates() {
        return sql(openStates());
    }

    /** {@link #finalStates} as an SQL {@code IN} list. */
    public String sqlFinalStates() {
        return sql(finalStates());
    }

    public String wire(S state) {
        return wire.apply(state);
    }

    /** The state spelled {@code value}; an {@link IllegalArgumentException} if there is none. */
    public S fromWire(String value) {
        S s = value == null ? null : byWire.get(value);
        if (s == null) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + ": " + value);
        }
        return s;
    }
}
