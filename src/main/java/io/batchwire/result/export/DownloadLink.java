package io.batchwire.result.export;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.batchwire.api.AbsoluteLink;
import java.time.OffsetDateTime;

/** A signed link to a job's results file: {@code href} is {@code /v1/downloads/<token>}, usable without an API key. */
public record DownloadLink(@JsonSerialize(using = AbsoluteLink.class) String href, OffsetDateTime expiresAt) {
}
