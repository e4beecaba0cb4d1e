package io.batchwire.credit;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A tenant's balance (the sum of all its entries), whether its plan is metered (unmetered plans are never charged),
 * and a page of its ledger, newest first.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CreditStatement(long balance, boolean metered, String plan, List<CreditEntry> items, boolean hasMore,
                              String cursorNext) {
}
