package io.batchwire.credit;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One ledger entry: {@code grant} (positive, by an admin), {@code charge} (negative: a submit's records x price, or
 * one stored page of an export, which names its {@code page} and counts its rows in {@code records}) or
 * {@code refund} (positive: what the job's end gave back). Entries are never changed.
 */
public record CreditEntry(long id, String kind, long amount, UUID jobId, Integer records, Integer page, String note,
                          OffsetDateTime createdAt) {
}
