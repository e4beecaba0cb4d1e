package io.batchwire.result.export;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "batchwire.downloads")
public interface DownloadsConfig {

    /**
     * The HMAC-SHA256 key that signs download links: at least 32 characters, the same on every replica. Required;
     * changing it invalidates the links already handed out.
     */
    String signingKey();

    /** How long a signed download link works. */
    @WithDefault("15m")
    Duration linkTtl();

    /** Most records read from the database in one step of a download. */
    @WithDefault("200")
    int pageSize();

    /**
     * About how many bytes of record bodies one step reads and writes: pages shrink below {@link #pageSize()} when
     * bodies are large, so a download holds about this much at a time (or one record, if a record is larger).
     */
    @WithDefault("1048576")
    int pageBytes();

    /** Most {@code result.<key>} columns in CSV and XLSX; beyond it each result goes whole into one column. */
    @WithDefault("500")
    int maxResultColumns();
}
