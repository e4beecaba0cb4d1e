package io.batchwire.console;

import io.batchwire.api.Ids;
import io.batchwire.api.Page;
import io.batchwire.api.ProblemException;
import io.batchwire.console.ConsoleViews.DeliveriesPage;
import io.batchwire.console.ConsoleViews.DeliveryRow;
import io.batchwire.console.ConsoleViews.Download;
import io.batchwire.console.ConsoleViews.Frame;
import io.batchwire.console.ConsoleViews.JobPage;
import io.batchwire.console.ConsoleViews.JobRow;
import io.batchwire.console.ConsoleViews.JobsPage;
import io.batchwire.console.ConsoleViews.Login;
import io.batchwire.console.ConsoleViews.Option;
import io.batchwire.console.ConsoleViews.PlanRow;
import io.batchwire.console.ConsoleViews.ResultRow;
import io.batchwire.console.ConsoleViews.StateCount;
import io.batchwire.console.ConsoleViews.Step;
import io.batchwire.console.ConsoleViews.TenantRow;
import io.batchwire.console.ConsoleViews.TenantsPage;
import io.batchwire.console.ConsoleViews.UpstreamRow;
import io.batchwire.console.ConsoleViews.UpstreamsPage;
import io.batchwire.credit.CreditLedger;
import io.batchwire.delivery.DeliveryKind;
import io.batchwire.delivery.DeliveryStore;
import io.batchwire.delivery.SecretSealer;
import io.batchwire.job.ExportFormat;
import io.batchwire.job.Job;
import io.batchwire.job.JobAdmission;
import io.batchwire.job.JobFilter;
import io.batchwire.job.JobService;
import io.batchwire.job.JobState;
import io.batchwire.job.JobStatus;
import io.batchwire.job.RecordState;
import io.batchwire.messaging.DeadLetterStore;
import io.batchwire.result.RecordView;
import io.batchwire.result.ResultPages;
import io.batchwire.result.export.DownloadLinks;
import io.batchwire.tenant.AdminKey;
import io.batchwire.tenant.ApiKey;
import io.batchwire.tenant.Plan;
import io.batchwire.tenant.Tenant;
import io.batchwire.tenant.TenantAdminService;
import io.batchwire.tenant.TenantDirectory;
import io.batchwire.upstream.UpstreamRegistry;
import io.batchwire.upstream.UpstreamResource;
import io.batchwire.upstream.UpstreamViews;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operator console: server-side pages (Qute, rendered from {@link Uni}s, never blocking) over the services the API
 * uses, and the actions of the API behind forms (cancel, redeliver). The operator (admin key) sees every tenant and may
 * act; a tenant (its API key) sees only its own jobs and deliveries, read-only. Sessions: {@link ConsoleAuthFilter}.
 * The live figures come by Server-Sent Events ({@link ConsoleLive}); every page is readable without JavaScript.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    static final String LIVE_PATH = "/console/live";
    private static final String HTML = MediaType.TEXT_HTML + ";charset=UTF-8";
    /** Scripts, styles and images from the console itself only; no inline script or style, no framing. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance login(Login page);

        static native TemplateInstance jobs(JobsPage page);

        static native TemplateInstance job(JobPage page);

        static native TemplateInstance upstreams(UpstreamsPage page);

        static native TemplateInstance deliveries(DeliveriesPage page);

        static native TemplateInstance tenants(TenantsPage page);

        static native TemplateInstance deadLetters(ConsoleViews.DeadLettersPage page);

        static native TemplateInstance deadLetter(ConsoleViews.DeadLetterPage page);
    }

    /** The most of a dead letter's payload a page shows. */
    private static final int PAYLOAD_SHOWN = 64 * 1024;

    private final ConsoleConfig config;
    private final ConsoleCookies cookies;
    private final ConsoleUser user;
    private final ConsoleLive live;
    private final SecretSealer sealer;
    private final AdminKey adminKey;
    private final TenantDirectory directory;
    private final TenantAdminService tenants;
    private final JobService jobs;
    private final JobAdmission admission;
    private final ResultPages results;
    private final DownloadLinks downloads;
    private final DeliveryStore deliveries;
    private final UpstreamViews upstreams;
    private final UpstreamRegistry registry;
    private final CreditLedger credits;
    private final DeadLetterStore deadLetters;
    private final Pool pool;

    public ConsoleResource(ConsoleConfig config, ConsoleCookies cookies, ConsoleUser user, ConsoleLive live,
                           SecretSealer sealer, AdminKey adminKey, TenantDirectory directory, TenantAdminService tenants,
                           JobService jobs, JobAdmission admission, ResultPages results, DownloadLinks downloads,
                           DeliveryStore deliveries, UpstreamViews upstreams, UpstreamRegistry registry,
                           CreditLedger credits, DeadLetterStore deadLetters, Pool pool) {
        this.config = config;
        this.cookies = cookies;
        this.user = user;
        this.live = live;
        this.sealer = sealer;
        this.adminKey = adminKey;
        this.directory = directory;
        this.tenants = tenants;
        this.jobs = jobs;
        this.admission = admission;
        this.results = results;
        this.downloads = downloads;
        this.deliveries = deliveries;
        this.upstreams = upstreams;
        this.registry = registry;
        this.credits = credits;
        this.deadLetters = deadLetters;
        this.pool = pool;
    }

    // ---- login and logout

    @GET
    public Response home() {
        return Response.seeOther(URI.create("/console/jobs")).build();
    }

    @GET
    @Path("/login")
    public Uni<Response> loginForm() {
        return login(200, null);
    }

    /**
     * The admin key opens an operator's session, a tenant's API key a read-only session of that tenant; a wrong key
     * shows the form again with the error and sets no session (200: the form page itself is fine, and a browser
     * logs any 4xx page as an error). The form's CSRF token must match its cookie (403 otherwise).
     */
    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> login(@FormParam("key") String key, @FormParam("csrf") String csrf,
                               @CookieParam(ConsoleCookies.LOGIN) String loginToken) {
        if (csrf == null || loginToken == null || loginToken.isEmpty()
                || !java.security.MessageDigest.isEqual(csrf.getBytes(), loginToken.getBytes())) {
            return Uni.createFrom().item(forbidden("The login form expired or was not sent from this console: reload it."));
        }
        Instant expires = Instant.now().plus(config.sessionTtl());
        if (key == null || key.isBlank() || key.length() > 512) {
            return login(200, "Enter the admin key or an API key.");
        }
        if (adminKey.matches(key)) {
            return Uni.createFrom().item(loggedIn(ConsoleSession.admin(key, expires)));
        }
        return directory.byKey(key).chain(found -> found.isEmpty()
                ? login(200, "That key is not valid.")
                : Uni.createFrom().item(loggedIn(ConsoleSession.tenant(found.get().id(), ApiKey.hash(key), expires))));
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@FormParam("csrf") String csrf) {
        user.requireCsrf(csrf);
        return Response.seeOther(URI.create(ConsoleCookies.LOGIN_PATH)).cookie(cookies.clearSession()).build();
    }

    private Response loggedIn(ConsoleSession session) {
        return Response.seeOther(URI.create("/console/jobs"))
                .cookie(cookies.session(session.seal(sealer)), cookies.clearLogin()).build();
    }

    private Uni<Response> login(int status, String error) {
        String token = ConsoleSession.token();
        return Templates.login(new Login(error, token)).createUni()
                .map(html -> page(status, html).cookie(cookies.login(token)).build());
    }

    private static Response forbidden(String message) {
        return Response.status(403).type(MediaType.TEXT_PLAIN).header("Content-Security-Policy", CSP).entity(message).build();
    }

    // ---- jobs

    @GET
    @Path("/jobs")
    public Uni<Response> jobsPage(@QueryParam("tenant") String tenant, @QueryParam("state") String state,
                                  @QueryParam("type") String type, @QueryParam("from") String from,
                                  @QueryParam("to") String to, @QueryParam("cursor") String cursor,
                                  @QueryParam("notice") String notice) {
        UUID scope = user.tenantScope();
        UUID tenantFilter = scope != null ? scope : blank(tenant) ? null : Ids.parse(tenant, "tenant");
        JobState stateFilter = JobFilter.state(state);
        String typeFilter = blank(type) ? null : type;
        JobFilter filter = new JobFilter(tenantFilter, stateFilter, typeFilter, instant(from, "from"), instant(to, "to"));
        Uni<Page<Map.Entry<UUID, JobStatus>>> page = jobs.page(filter, cursor, config.pageSize(),
                (job, status) -> Map.entry(job.tenantId, status));
        Uni<Map<JobState, Long>> counts = Uni.createFrom().deferred(() -> jobs.countByState(filter));
        // one Hibernate Reactive session at a time on this request's context: the reads run one after the other
        return page.chain(p -> counts.chain(c -> tenantNames().map(names -> {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("tenant", scope != null || tenantFilter == null ? null : tenantFilter.toString());
            query.put("type", typeFilter);
            query.put("from", blank(from) ? null : from);
            query.put("to", blank(to) ? null : to);
            List<StateCount> perState = new ArrayList<>();
            for (JobState s : JobState.values()) {
                perState.add(new StateCount(s.wire(), c.getOrDefault(s, 0L), href("/console/jobs", query, "state", s.wire()),
                        s == stateFilter));
            }
            List<JobRow> rows = p.items().stream()
                    .map(e -> JobRow.of(e.getValue(), names.getOrDefault(e.getKey(), e.getKey().toString()))).toList();
            query.put("state", stateFilter == null ? null : stateFilter.wire());
            String next = p.hasMore() ? href("/console/jobs", query, "cursor", p.cursorNext()) : null;
            List<Option> tenantOptions = scope != null ? List.of() : ConsoleViews.options(
                    new ArrayList<>(names.entrySet()), e -> e.getKey().toString(), Map.Entry::getValue,
                    tenantFilter == null ? "" : tenantFilter.toString());
            return new JobsPage(frame("jobs", notice), tenantOptions,
                    ConsoleViews.options(Arrays.asList(JobState.values()), JobState::wire, JobState::wire,
                            stateFilter == null ? "" : stateFilter.wire()),
                    ConsoleViews.options(registry.all().stream().map(u -> u.type()).sorted().toList(), t -> t, t -> t,
                            typeFilter == null ? "" : typeFilter),
                    blank(from) ? "" : from, blank(to) ? "" : to, perState,
                    c.values().stream().mapToLong(Long::longValue).sum(), rows, next,
                    rows.stream().filter(r -> !r.done()).map(JobRow::id).collect(Collectors.joining(",")));
        }))).chain(v -> render(Templates.jobs(v)));
    }

    @GET
    @Path("/jobs/{id}")
    public Uni<Response> jobPage(@PathParam("id") String id, @QueryParam("status") String status,
                                 @QueryParam("cursor") String cursor, @QueryParam("notice") String notice) {
        UUID jobId = Ids.parse(id, "job");
        ResultPages.Request request = results.request(jobId, String.valueOf(config.pageSize()), cursor,
                blank(status) ? null : status, null, null);
        return job(jobId).chain(job -> {
            // the two Hibernate Reactive reads one after the other; the plain SQL ones beside them
            Uni<Map.Entry<JobStatus, String>> stAndName = jobs.status(job.tenantId, jobId)
                    .chain(st -> tenants.get(job.tenantId).map(t -> Map.entry(st, t.name)));
            Uni<Page<RecordView>> page = results.page(request);
            Uni<List<DeliveryRow>> sent = deliveries.list(jobId)
                    .map(ds -> ds.stream().map(d -> DeliveryRow.of(jobId, d)).toList());
            return Uni.combine().all().unis(stAndName, page, sent).with((sn, p, d) -> {
                JobStatus s = sn.getKey();
                String name = sn.getValue();
                Map<String, String> query = new LinkedHashMap<>();
                query.put("status", blank(status) ? null : status);
                String base = "/console/jobs/" + jobId;
                boolean readable = s.state().isFinal() && !s.resultsExpired();
                List<Download> files = readable ? Arrays.stream(ExportFormat.values())
                        .map(f -> new Download(f.wire(), f.wire().toUpperCase(java.util.Locale.ROOT),
                                downloads.linkFor(job, f).href())).toList() : List.of();
                String note = readable ? "Signed links: they need no key and expire soon (reload the page for fresh ones)."
                        : s.resultsExpired() ? "The results were removed after the plan's retention."
                        : "Downloads are ready once the job has ended.";
                List<Step> timeline = List.of(
                        new Step(s.state() == JobState.QUEUED ? "queued" : "accepted", ConsoleViews.time(s.createdAt()), true),
                        new Step("processing", ConsoleViews.time(s.startedAt()), s.startedAt() != null),
                        new Step(s.state().isFinal() ? s.state().wire() : "finished", ConsoleViews.time(s.finishedAt()),
                                s.finishedAt() != null));
                String credits = s.creditsCharged() == 0 && s.creditsRefunded() == 0 ? ConsoleViews.NONE
                        : s.creditsCharged() + " charged, " + s.creditsRefunded() + " refunded";
                Set<String> chosen = Arrays.stream((status == null ? "" : status).split(",")).map(String::trim)
                        .collect(Collectors.toSet());
                List<Option> statuses = Arrays.stream(RecordState.values())
                        .map(r -> new Option(r.wire(), r.wire(), chosen.contains(r.wire()))).toList();
                return new JobPage(frame("jobs", notice), JobRow.of(s, name), job.tenantId.toString(), timeline,
                        s.error() == null ? "" : s.error(), s.webhookUrl() == null ? ConsoleViews.NONE : s.webhookUrl(),
                        credits, user.admin() && !s.state().isFinal(), files, note, statuses,
                        p.items().stream().map(ResultRow::of).toList(),
                        p.hasMore() ? href(base, query, "cursor", p.cursorNext()) : null,
                        cursor == null ? null : href(base, query, "cursor", null), d);
            });
        }).chain(v -> render(Templates.job(v)));
    }

    @POST
    @Path("/jobs/{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> cancel(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        user.authorizeAction(csrf);
        UUID jobId = Ids.parse(id, "job");
        return job(jobId).chain(job -> jobs.cancel(job.tenantId, jobId))
                .map(s -> back(jobId, "cancelled"))
                .onFailure(ProblemException.class).recoverWithItem(e -> {
                    if (((ProblemException) e).status() == 409) {
                        return back(jobId, "already-finished");
                    }
                    throw (ProblemException) e;
                });
    }

    @POST
    @Path("/jobs/{id}/deliveries/{delivery}/redeliver")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> redeliver(@PathParam("id") String id, @PathParam("delivery") String delivery,
                                   @FormParam("csrf") String csrf, @FormParam("back") String backTo) {
        user.authorizeAction(csrf);
        UUID jobId = Ids.parse(id, "job");
        UUID deliveryId = Ids.parse(delivery, "delivery");
        return job(jobId).chain(job -> deliveries.redeliver(jobId, deliveryId))
                .map(ok -> "deliveries".equals(backTo)
                        ? Response.seeOther(URI.create("/console/deliveries?notice=" + (ok ? "redelivered" : "not-redelivered"))).build()
                        : back(jobId, ok ? "redelivered" : "not-redelivered"));
    }

    private static Response back(UUID jobId, String notice) {
        return Response.seeOther(URI.create("/console/jobs/" + jobId + "?notice=" + notice)).build();
    }

    /** The job, if this user may see it (404 otherwise, as the API answers for another tenant's). */
    private Uni<Job> job(UUID jobId) {
        UUID scope = user.tenantScope();
        return scope == null ? jobs.findForOperator(jobId) : jobs.find(scope, jobId);
    }

    // ---- deliveries, upstreams, tenants

    @GET
    @Path("/deliveries")
    public Uni<Response> deliveriesPage(@QueryParam("kind") String kind, @QueryParam("notice") String notice) {
        DeliveryKind k = blank(kind) ? null : Arrays.stream(DeliveryKind.values()).filter(d -> d.wire().equals(kind))
                .findFirst().orElseThrow(() -> ProblemException.validation("kind", "'kind' must be one of "
                        + Arrays.stream(DeliveryKind.values()).map(DeliveryKind::wire).collect(Collectors.joining(", "))));
        return deliveries.recent(user.tenantScope(), k, config.pageSize())
                .map(found -> new DeliveriesPage(frame("deliveries", notice),
                        ConsoleViews.options(Arrays.asList(DeliveryKind.values()), DeliveryKind::wire, DeliveryKind::wire,
                                k == null ? "" : k.wire()),
                        DeliveryRow.of(found)))
                .chain(v -> render(Templates.deliveries(v)));
    }

    @GET
    @Path("/upstreams")
    public Uni<Response> upstreamsPage() {
        user.requireAdmin();
        Map<String, UpstreamViews.Stats> stats = upstreams.stats().stream()
                .collect(Collectors.toMap(UpstreamViews.Stats::type, Function.identity()));
        return upstreams.list().map(views -> new UpstreamsPage(frame("upstreams", null),
                        views.stream().map(v -> row(v, stats.get(v.type()))).toList()))
                .chain(v -> render(Templates.upstreams(v)));
    }

    private static UpstreamRow row(UpstreamResource.UpstreamView v, UpstreamViews.Stats s) {
        return new UpstreamRow(v.type(), v.kind(), v.limit(), v.adaptive(), v.adaptiveLimit(), v.inFlight(), v.waiting(),
                s.records(), ConsoleViews.millis(s.p50Ms()), ConsoleViews.millis(s.p99Ms()),
                ConsoleViews.share(s.tooMany(), s.answers()), ConsoleViews.share(s.serverErrors(), s.answers()),
                v.pausedUntil() == null ? "" : ConsoleViews.time(v.pausedUntil()), ConsoleViews.time(v.last429()));
    }

    @GET
    @Path("/tenants")
    public Uni<Response> tenantsPage() {
        UUID scope = user.tenantScope();
        Uni<List<Tenant>> all = scope == null ? tenants.list() : tenants.get(scope).map(List::of);
        Uni<io.smallrye.mutiny.tuples.Tuple2<List<Tenant>, List<Plan>>> entities = all
                .chain(ts -> tenants.plans().map(ps -> io.smallrye.mutiny.tuples.Tuple2.of(ts, ps)));
        return Uni.combine().all().unis(entities, admission.usageOfAll(pool))
                .with((e, u) -> io.smallrye.mutiny.tuples.Tuple3.of(e.getItem1(), e.getItem2(), u))
                .chain(t -> credits.balances(t.getItem1().stream().map(x -> x.id).toList()).map(balances -> {
                    Map<UUID, JobAdmission.Usage> usage = t.getItem3().stream()
                            .collect(Collectors.toMap(JobAdmission.Usage::tenantId, Function.identity()));
                    List<TenantRow> rows = t.getItem1().reversed().stream().map(x -> {
                        JobAdmission.Usage u = usage.get(x.id);
                        return new TenantRow(x.id.toString(), x.name, x.plan, u == null ? 0 : u.runningJobs(),
                                u == null ? 0 : u.maxConcurrentJobs(), use(u == null ? 0 : u.runningJobs(), u == null ? 0 : u.maxConcurrentJobs()),
                                u == null ? 0 : u.waitingJobs(), u == null ? 0 : u.openRecords(),
                                u == null ? 0 : u.maxQueuedRecords(), use(u == null ? 0 : u.openRecords(), u == null ? 0 : u.maxQueuedRecords()),
                                u != null && u.metered(), balances.getOrDefault(x.id, 0L), ConsoleViews.time(x.createdAt));
                    }).toList();
                    Map<String, Long> perPlan = t.getItem1().stream().collect(Collectors.groupingBy(x -> x.plan, Collectors.counting()));
                    List<PlanRow> plans = t.getItem2().stream()
                            .filter(p -> scope == null || t.getItem1().stream().anyMatch(x -> x.plan.equals(p.name)))
                            .map(p -> plan(p, perPlan.getOrDefault(p.name, 0L))).toList();
                    return new TenantsPage(frame("tenants", null), rows, plans);
                }))
                .chain(v -> render(Templates.tenants(v)));
    }

    private static PlanRow plan(Plan p, long tenants) {
        return new PlanRow(p.name, p.maxRecordsPerJob, p.maxConcurrentJobs, p.maxQueuedRecords,
                java.time.Duration.ofSeconds(p.retentionSeconds).toString().substring(2).toLowerCase(java.util.Locale.ROOT),
                p.defaultTimeoutSeconds == null ? ConsoleViews.NONE : p.defaultTimeoutSeconds + " s", p.weight, p.metered, tenants);
    }

    private static double use(long used, long limit) {
        return limit <= 0 ? 0 : Math.min(100.0, Math.round(1000.0 * used / limit) / 10.0);
    }

    // ---- dead letters (the operator's only)

    @GET
    @Path("/dead-letters")
    public Uni<Response> deadLettersPage(@QueryParam("before") String before, @QueryParam("notice") String notice) {
        user.requireAdmin();
        Long from = blank(before) ? null : number(before, "before");
        int size = config.pageSize();
        return deadLetters.page(from, size + 1).map(found -> {
            List<ConsoleViews.DeadLetterRow> rows = found.stream().limit(size).map(ConsoleViews.DeadLetterRow::of).toList();
            String next = found.size() > size ? "/console/dead-letters?before=" + rows.getLast().id() : null;
            return new ConsoleViews.DeadLettersPage(frame("dead-letters", notice), rows, next);
        }).chain(v -> render(Templates.deadLetters(v)));
    }

    @GET
    @Path("/dead-letters/{id}")
    public Uni<Response> deadLetterPage(@PathParam("id") String id, @QueryParam("notice") String notice) {
        user.requireAdmin();
        long letter = number(id, "id");
        return deadLetters.one(letter, PAYLOAD_SHOWN)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("dead letter " + letter))
                .map(d -> {
                    String text = utf8(d.payload());
                    boolean binary = text == null;
                    String shown = binary ? java.util.HexFormat.ofDelimiter(" ").formatHex(d.payload()) : text;
                    return new ConsoleViews.DeadLetterPage(frame("dead-letters", notice), ConsoleViews.DeadLetterRow.of(d),
                            d.cause() == null ? "" : d.cause(), shown, binary, d.payloadBytes() > d.payload().length);
                }).chain(v -> render(Templates.deadLetter(v)));
    }

    @POST
    @Path("/dead-letters/{id}/replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> replay(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        user.authorizeAction(csrf);
        long letter = number(id, "id");
        return deadLetters.replay(letter).map(ok -> Response.seeOther(URI.create("/console/dead-letters/" + letter
                + "?notice=" + (ok ? "replayed" : "not-replayed"))).build());
    }

    /** The bytes as text if they are valid UTF-8 (strictly), else null. */
    private static String utf8(byte[] bytes) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static long number(String raw, String field) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ProblemException.validation(field, "'" + field + "' is a dead letter's id (a number)");
        }
    }

    // ---- live updates

    /**
     * Server-Sent Events: every {@code batchwire.console.live-interval}, the followed jobs' progress ({@code jobs}: ids,
     * comma-separated, at most {@code live-max-jobs}; only the user's own) and, with {@code upstreams=true} for the
     * operator, every upstream's figures. A stream ends after {@code live-max-duration}; at most
     * {@code live-max-streams} are open at once (503 beyond).
     */
    @GET
    @Path("/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ConsoleViews.Live> liveUpdates(@QueryParam("jobs") String ids, @QueryParam("upstreams") boolean withUpstreams) {
        List<UUID> followed = new ArrayList<>();
        if (!blank(ids)) {
            for (String part : ids.split(",")) {
                if (followed.size() >= config.liveMaxJobs()) {
                    break;
                }
                followed.add(Ids.parse(part.trim(), "job"));
            }
        }
        return live.stream(user.tenantScope(), followed, withUpstreams && user.admin());
    }

    // ---- helpers

    private Uni<Map<UUID, String>> tenantNames() {
        UUID scope = user.tenantScope();
        if (scope != null) {
            return Uni.createFrom().item(Map.of(scope, user.name()));
        }
        return tenants.list().map(all -> {
            Map<UUID, String> out = new LinkedHashMap<>();
            all.reversed().forEach(t -> out.put(t.id, t.name));
            return out;
        });
    }

    private Frame frame(String nav, String notice) {
        ConsoleSession s = user.session();
        String text = notice == null ? null : ConsoleViews.noticeTexts().get(notice);
        return new Frame(nav, user.admin() ? "operator" : "tenant " + user.name(), user.admin(), s.csrf(),
                text == null ? "" : text);
    }

    private static Uni<Response> render(TemplateInstance template) {
        return template.createUni().map(html -> page(200, html).build());
    }

    private static Response.ResponseBuilder page(int status, String html) {
        return Response.status(status).type(HTML).entity(html)
                .header("Content-Security-Policy", CSP)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff");
    }

    private static String href(String path, Map<String, String> query, String key, String value) {
        UriBuilder b = UriBuilder.fromPath(path);
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put(key, value);
        q.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                b.queryParam(k, "{" + k + "}");
            }
        });
        Map<String, Object> values = new LinkedHashMap<>();
        q.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                values.put(k, v);
            }
        });
        return b.buildFromMap(values).toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** A {@code datetime-local} field (UTC), or an ISO-8601 instant with offset. */
    private static OffsetDateTime instant(String raw, String field) {
        if (blank(raw)) {
            return null;
        }
        try {
            return raw.length() <= 19 ? LocalDateTime.parse(raw).atOffset(ZoneOffset.UTC) : OffsetDateTime.parse(raw);
        } catch (DateTimeParseException e) {
            throw ProblemException.validation(field, "'" + field + "' must be a date and time, e.g. 2026-01-31T14:00");
        }
    }
}
