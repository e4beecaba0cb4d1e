package io.batchwire.result;

import io.batchwire.api.AfterKey;
import io.batchwire.api.Page;
import io.batchwire.api.Params;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * A page of a job's results from the query parameters of {@code GET /v1/jobs/{id}/results} (limit, cursor,
 * status_filter, order_by, since_completed_at): the one reading of them, for the API and the operator console. The
 * caller has checked that the job is the tenant's.
 */
@ApplicationScoped
public class ResultPages {

    private final ResultStore results;

    public ResultPages(ResultStore results) {
        this.results = results;
    }

    /** The parsed query; throws a 400 problem on a bad parameter, before anything is read. */
    public record Request(ResultQuery query, int size, String cursor, Long after) {
    }

    public Request request(UUID jobId, String limit, String cursor, String statusFilter, String orderBy, String since) {
        int size = Params.limit(limit, 100, 1000);
        ResultQuery q = new ResultQuery(jobId, ResultQuery.order(orderBy), ResultQuery.statuses(statusFilter),
                Params.timestamp(since, "since_completed_at"), size + 1);
        return new Request(q, size, cursor, AfterKey.after(cursor, q.fingerprint()));
    }

    public Uni<Page<RecordView>> page(Request r) {
        return results.page(r.query(), r.after())
                .map(rows -> AfterKey.page(rows, r.size(), r.cursor(), r.query().fingerprint(), ResultStore.Keyed::key,
                        ResultStore.Keyed::result));
    }
}
