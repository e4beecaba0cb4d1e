package io.batchwire.result.export;

import io.batchwire.job.ExportFormat;
import java.time.Instant;
import java.util.UUID;

/** What a signed download link grants: one job's results, of one tenant, in one format, until a time. */
public record DownloadGrant(UUID jobId, UUID tenantId, ExportFormat format, Instant expiresAt) {
}
