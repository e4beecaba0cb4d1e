package io.batchwire.dialect;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** The seed documents' dialects: each a thin mapping onto the one engine, each switchable. */
@ConfigMapping(prefix = "batchwire.dialects")
public interface DialectsConfig {

    ApiOne apione();

    Tasks tasks();

    Collections collections();

    interface Collections {
        /** Serve {@code /v1/async/collections}; off, those paths answer 404. */
        @WithDefault("true")
        boolean enabled();

        /** The scheme a request's {@code url} gets when it has none ({@code www.example.com}). */
        @WithDefault("https")
        String defaultScheme();
    }

    interface ApiOne {
        /** Serve {@code /api/v1/async/...}; off, those paths answer 404. */
        @WithDefault("true")
        boolean enabled();

        /** A completion webhook whose results are bigger than this carries a signed link to them instead. */
        @WithDefault("1048576")
        int webhookMaxResultsBytes();
    }

    interface Tasks {
        /** Serve {@code /v1/tasks}; off, those paths answer 404. */
        @WithDefault("true")
        boolean enabled();

        /** Waits between the attempts of a task's webhook (the seed's 5 attempts at ~2, 4, 8, 16 minutes). */
        @WithDefault("2m,4m,8m,16m")
        List<Duration> webhookRetrySchedule();
    }
}
