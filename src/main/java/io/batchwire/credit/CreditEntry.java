package io.batchwire.credit;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One ledger entry: {@code grant} (positive, by an admin), {@code charge} (negative: a submit's records x price) or
 * {@code refund} (positive: what the job's end gave back). Entries are never changed.
 */
public record CreditEntry(long id, String kind, long amount, UUID jobId, Integer records, String note,
                          OffsetDateTime createdAt) {
}
