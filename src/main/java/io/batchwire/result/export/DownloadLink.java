package io.batchwire.result.export;

import java.time.OffsetDateTime;

/** A signed link to a job's results file: {@code href} is {@code /v1/downloads/<token>}, usable without an API key. */
public record DownloadLink(String href, OffsetDateTime expiresAt) {
}
