package io.batchwire.delivery;

import io.batchwire.job.ExportFormat;
import io.batchwire.outbound.OutboundClient;
import io.batchwire.outbound.OutboundConfig;
import io.batchwire.outbound.OutboundPolicy;
import io.batchwire.result.export.Exporter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The job's result file, PUT to its {@code result_url} (a presigned storage URL). */
@ApplicationScoped
public class ResultPushSender implements DeliverySender {

    private final Exporter exporter;
    private final OutboundPolicy policy;
    private final OutboundConfig outbound;
    private final DeliveryConfig config;
    private final Vertx vertx;
    private final OutboundClient client;

    public ResultPushSender(Exporter exporter, OutboundPolicy policy, OutboundConfig outbound, DeliveryConfig config,
                            Vertx vertx, DeliveryClient client) {
        this.exporter = exporter;
        this.policy = policy;
        this.outbound = outbound;
        this.config = config;
        this.vertx = vertx;
        this.client = client.get();
    }

    @Override
    public DeliveryKind kind() {
        return DeliveryKind.PUSH;
    }

    @Override
    public Uni<String> payload(DeliveryStore.Due due) {
        return Uni.createFrom().nullItem();
    }

    /**
     * Writes the file to a temporary file (memory stays flat whatever its size), then PUTs it with its length. An Azure
     * blob URL gets the {@code x-ms-blob-type: BlockBlob} it requires.
     */
    @Override
    public Uni<Integer> send(DeliveryStore.Due due, String payload) {
        ExportFormat format = ExportFormat.parse(due.format());
        return policy.target(due.url(), null)
                .chain(target -> vertx.fileSystem().createTempFile("batchwire-push-", "." + format.extension())
                        .chain(path -> writeFile(path, exporter.stream(due.jobId(), format))
                                .chain(() -> vertx.fileSystem().props(path))
                                .chain(props -> vertx.fileSystem().open(path, new OpenOptions().setRead(true))
                                        .chain(file -> client.send(OutboundClient.Request.streaming(target, HttpMethod.PUT,
                                                                headers(target, format, props.size()), file.getDelegate()),
                                                        outbound.maxDeliveryResponseBytes(), config.pushTimeout())
                                                .map(OutboundClient.Response::status)
                                                .eventually(file::close)))
                                .eventually(() -> vertx.fileSystem().delete(path).onFailure().recoverWithNull())));
    }

    private static Map<String, String> headers(OutboundPolicy.Target target, ExportFormat format, long size) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("User-Agent", DeliveryClient.USER_AGENT);
        h.put("Content-Type", format.mediaType());
        h.put("Content-Length", String.valueOf(size));
        if (target.host().toLowerCase(Locale.ROOT).endsWith(".blob.core.windows.net")) {
            h.put("x-ms-blob-type", "BlockBlob");
        }
        return h;
    }

    private Uni<Void> writeFile(String path, Multi<Buffer> content) {
        return vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
                .chain(file -> content.onItem().transformToUniAndConcatenate(file::write)
                        .collect().last()
                        .eventually(file::close)
                        .replaceWithVoid());
    }
}
