package io.batchwire.tenant;

import io.batchwire.api.Ids;
import io.batchwire.api.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tenants, their keys and plans, for the admin API. A key is shown once, when it is made; only its hash is kept. */
@ApplicationScoped
public class TenantAdminService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final TenantDirectory directory;
    private final AdminAudit audit;

    public TenantAdminService(TenantDirectory directory, AdminAudit audit) {
        this.directory = directory;
        this.audit = audit;
    }

    public record CreatedTenant(Tenant tenant, String apiKey) {
    }

    @WithTransaction
    public Uni<CreatedTenant> create(String name, String plan) {
        if (name == null || name.isBlank() || name.length() > 200) {
            return Uni.createFrom().failure(ProblemException.validation("name", "'name' is required, at most 200 characters"));
        }
        String planName = plan == null ? "growth" : plan;
        return requirePlan(planName)
                .chain(p -> Tenant.<Tenant>find("name", name).firstResult())
                .chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().failure(new ProblemException(409, "tenant-exists", "Tenant exists",
                                "a tenant named '" + name + "' already exists", "name", null, null, Map.of()));
                    }
                    Tenant t = new Tenant();
                    t.id = Ids.uuid7();
                    t.name = name;
                    t.plan = planName;
                    t.createdAt = OffsetDateTime.now();
                    return t.<Tenant>persist().chain(saved -> newKey(saved)
                            .call(key -> audit.record("tenant.create", saved.id.toString(),
                                    Map.of("name", name, "plan", planName, "key_prefix", ApiKey.prefixOf(key))))
                            .map(key -> new CreatedTenant(saved, key)));
                });
    }

    @WithSession
    public Uni<List<Tenant>> list() {
        return Tenant.<Tenant>listAll(Sort.by("createdAt"));
    }

    @WithSession
    public Uni<Tenant> get(UUID id) {
        return Tenant.<Tenant>findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("tenant " + id));
    }

    @WithTransaction
    public Uni<Tenant> changePlan(UUID id, String plan) {
        return requirePlan(plan).chain(p -> Tenant.<Tenant>findById(id))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("tenant " + id))
                .invoke(t -> t.plan = plan)
                .call(t -> audit.record("tenant.plan", id.toString(), Map.of("plan", plan)))
                .invoke(directory::invalidate);
    }

    @WithTransaction
    public Uni<String> addKey(UUID id) {
        return Tenant.<Tenant>findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("tenant " + id))
                .chain(this::newKey)
                .call(key -> audit.record("tenant.key.add", id.toString(), Map.of("key_prefix", ApiKey.prefixOf(key))));
    }

    @WithTransaction
    public Uni<Void> revokeKey(UUID id, String prefix) {
        return ApiKey.update("revokedAt = ?1 where tenant.id = ?2 and prefix = ?3 and revokedAt is null",
                        OffsetDateTime.now(), id, prefix)
                .invoke(n -> {
                    if (n == 0) {
                        throw ProblemException.notFound("key " + prefix + " of tenant " + id);
                    }
                    directory.invalidate();
                })
                .call(n -> audit.record("tenant.key.revoke", id.toString(), Map.of("key_prefix", prefix)))
                .replaceWithVoid();
    }

    @WithSession
    public Uni<List<Plan>> plans() {
        return Plan.<Plan>listAll(Sort.by("name"));
    }

    @WithTransaction
    public Uni<Plan> putPlan(String name, Plan wanted) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            return Uni.createFrom().failure(ProblemException.validation("name", "a plan name is 1-63 of a-z, 0-9, _ and -"));
        }
        if (wanted.maxRecordsPerJob < 1 || wanted.maxRecordsPerJob > 1000 || wanted.maxConcurrentJobs < 1
                || wanted.maxQueuedRecords < 1 || wanted.retentionSeconds < 1
                || (wanted.defaultTimeoutSeconds != null && wanted.defaultTimeoutSeconds < 1)
                || wanted.weight < 1 || wanted.weight > 1000) {
            return Uni.createFrom().failure(ProblemException.validation(null,
                    "limits must be positive, max_records_per_job at most 1000, and weight from 1 to 1000"));
        }
        return Plan.<Plan>findById(name).chain(existing -> {
            Plan p = existing != null ? existing : new Plan();
            p.name = name;
            p.maxRecordsPerJob = wanted.maxRecordsPerJob;
            p.maxConcurrentJobs = wanted.maxConcurrentJobs;
            p.maxQueuedRecords = wanted.maxQueuedRecords;
            p.retentionSeconds = wanted.retentionSeconds;
            p.defaultTimeoutSeconds = wanted.defaultTimeoutSeconds;
            p.weight = wanted.weight;
            p.metered = wanted.metered;
            return (existing != null ? Uni.createFrom().item(p) : p.<Plan>persist())
                    .call(saved -> audit.record(existing != null ? "plan.change" : "plan.create", name, planDetail(p)));
        });
    }

    private static Map<String, Object> planDetail(Plan p) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("max_records_per_job", p.maxRecordsPerJob);
        d.put("max_concurrent_jobs", p.maxConcurrentJobs);
        d.put("max_queued_records", p.maxQueuedRecords);
        d.put("retention_seconds", p.retentionSeconds);
        d.put("default_timeout_seconds", p.defaultTimeoutSeconds);
        d.put("weight", p.weight);
        return d;
    }

    private Uni<Plan> requirePlan(String plan) {
        return Plan.<Plan>findById(plan).onItem().ifNull()
                .failWith(() -> ProblemException.validation("plan", "unknown plan '" + plan + "'"));
    }

    private Uni<String> newKey(Tenant tenant) {
        String key = generateKey();
        ApiKey k = new ApiKey();
        k.keyHash = ApiKey.hash(key);
        k.tenant = tenant;
        k.prefix = ApiKey.prefixOf(key);
        return k.persist().replaceWith(key);
    }

    static String generateKey() {
        StringBuilder sb = new StringBuilder("bw_");
        for (int i = 0; i < 40; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
