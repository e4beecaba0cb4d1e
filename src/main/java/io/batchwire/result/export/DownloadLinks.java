package io.batchwire.result.export;

import io.batchwire.job.ExportFormat;
import io.batchwire.job.Job;
import io.batchwire.job.StatusExtras;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Hands out signed download links, valid for {@code batchwire.downloads.link-ttl} from now. */
@ApplicationScoped
public class DownloadLinks implements StatusExtras.DownloadLinks {

    public static final String PATH = "/v1/downloads/";

    private final DownloadTokens tokens;
    private final DownloadsConfig config;

    public DownloadLinks(DownloadTokens tokens, DownloadsConfig config) {
        this.tokens = tokens;
        this.config = config;
    }

    /** A link to the job's results in its own format. */
    @Override
    public String href(Job job) {
        return linkFor(job, ExportFormat.parse(job.format)).href();
    }

    public DownloadLink linkFor(Job job, ExportFormat format) {
        Instant expiresAt = Instant.now().plus(config.linkTtl()).truncatedTo(ChronoUnit.SECONDS);
        String token = tokens.sign(new DownloadGrant(job.id, job.tenantId, format, expiresAt));
        return new DownloadLink(PATH + token, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
    }
}
