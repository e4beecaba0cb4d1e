package io.batchwire.delivery;

import io.batchwire.job.ExportFormat;
import io.batchwire.outbound.OutboundPolicy;
import io.batchwire.result.export.Exporter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.file.OpenOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The job's result file, PUT to its {@code result_url} (a presigned storage URL). The file is written to a temporary
 * file first (memory stays flat whatever its size), then sent with its length.
 */
@ApplicationScoped
public class ResultPushSender implements DeliverySender {

    private final Exporter exporter;
    private final OutboundPolicy policy;
    private final DeliveryConfig config;
    private final Vertx vertx;
    private final WebClient client;

    public ResultPushSender(Exporter exporter, OutboundPolicy policy, DeliveryConfig config, Vertx vertx,
                            DeliveryClient client) {
        this.exporter = exporter;
        this.policy = policy;
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

    @Override
    public Uni<Integer> send(DeliveryStore.Due due, String payload) {
        ExportFormat format = ExportFormat.parse(due.format());
        return policy.checkBeforeSend(due.url())
                .chain(() -> vertx.fileSystem().createTempFile("batchwire-push-", "." + format.extension()))
                .chain(path -> writeFile(path, exporter.stream(due.jobId(), format))
                        .chain(() -> vertx.fileSystem().props(path))
                        .chain(props -> vertx.fileSystem().open(path, new OpenOptions().setRead(true))
                                .chain(file -> client.putAbs(due.url())
                                        .putHeader("Content-Type", format.mediaType())
                                        .putHeader("Content-Length", String.valueOf(props.size()))
                                        .timeout(config.pushTimeout().toMillis())
                                        .sendStream(file)
                                        .map(HttpResponse::statusCode)
                                        .eventually(file::close)))
                        .eventually(() -> vertx.fileSystem().delete(path).onFailure().recoverWithNull()));
    }

    private Uni<Void> writeFile(String path, Multi<Buffer> content) {
        return vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
                .chain(file -> content.onItem().transformToUniAndConcatenate(file::write)
                        .collect().last()
                        .eventually(file::close)
                        .replaceWithVoid());
    }
}
