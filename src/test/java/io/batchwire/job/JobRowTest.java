package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plain-SQL read of a job ({@link Job#SELECT}, {@link Job#of}) and the Hibernate mapping it repeats read the same
 * job alike, field by field, so a column added to one and not the other fails here.
 */
@QuarkusTest
class JobRowTest {

    @Inject
    JobStore store;

    @Test
    void thePlainReadAndTheMappingAgreeOnEveryField() throws Throwable {
        Db.meteredPlan("t-job-row", 20);
        Api api = new Api(Db.newTenant("t-job-row"));
        api.grant(100);
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.req().body(Map.of("type", "company", "timeout_seconds", 120,
                        "metadata", Map.of("batch", "row-" + k, "n", 3),
                        "records", Api.records(3, i -> Map.of("domain", "delay-2000-" + k + "-" + i))))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(200);
        api.awaitFinal(id, Duration.ofSeconds(30));
        UUID jobId = UUID.fromString(id);

        Job plain = VertxContextSupport.subscribeAndAwait(() -> store.load(api.tenant().id(), jobId));
        Job mapped = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> Job.<Job>findById(jobId)));

        List<String> compared = new ArrayList<>();
        for (Field f : Job.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.getName().startsWith("$$")) {
                continue;
            }
            f.setAccessible(true);
            assertThat(f.get(plain)).as(f.getName()).isEqualTo(f.get(mapped));
            compared.add(f.getName());
        }
        assertThat(compared).hasSize(25);
        // the job sets the columns most likely to be read wrongly: jsonb text, a converted state, the ledger's sums
        assertThat(plain.state).isEqualTo(JobState.CANCELLED);
        assertThat(plain.metadata).contains("row-" + k);
        assertThat(plain.timeoutSeconds).isEqualTo(120);
        assertThat(plain.creditsCharged).isEqualTo(3);
        assertThat(plain.creditsRefunded).isPositive();
        assertThat(plain.finishedAt).isNotNull();
        assertThat(plain.tenantId).isEqualTo(api.tenant().id());

        assertThat(VertxContextSupport.subscribeAndAwait(() -> store.load(Db.newTenant().id(), jobId)))
                .as("another tenant's job is not found").isNull();
        assertThat(VertxContextSupport.subscribeAndAwait(() -> store.loadAny(jobId)).id).isEqualTo(jobId);
        assertThatThrownBy(() -> store.load(null, jobId)).as("no tenant is not any tenant")
                .isInstanceOf(NullPointerException.class);
    }
}
