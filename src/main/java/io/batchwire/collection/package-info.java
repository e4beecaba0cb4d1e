/**
 * Collections: saved sets of http requests a client runs again and again.
 *
 * <p>A collection ({@link io.batchwire.collection.RequestCollection}, table {@code collections}) holds only the
 * definition; its requests are http records ({@code url, method, headers, body}, optional {@code custom_id}) checked
 * by the same rules as a job of type {@code http}, up to the plan's records per job.
 *
 * <p>A run is a job: {@link io.batchwire.collection.RunService} submits the collection's requests through
 * {@link io.batchwire.job.JobService#submit} with {@code collection_id} set, so the job engine does everything else
 * (plan limits, dispatch, retries, time limits, cancel, webhooks and events). A run's status and counters are its
 * job's, renamed ({@link io.batchwire.collection.RunStatus}, {@link io.batchwire.collection.RequestStatus}); its
 * request listing is the job's results paging ({@link io.batchwire.result.ResultStore}) without bodies. A re-run of
 * failures records which collection requests it holds in its job's metadata ({@link io.batchwire.collection.RunOrigin}),
 * stored in the same transaction as the job.
 *
 * <p>Runs have their own retention ({@link io.batchwire.collection.RunRetentionSweep}) instead of the plan's.
 */
package io.batchwire.collection;
