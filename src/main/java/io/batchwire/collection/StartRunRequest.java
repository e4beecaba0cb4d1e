package io.batchwire.collection;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Optional body of {@code POST /v1/collections/{cid}/runs}. */
@Schema(description = "Without a body a run holds every request of the collection", example = """
        {"only_failed_from": "0197a3c2-6a1e-7c1d-9a53-2b1f0c7e4d10"}""")
public record StartRunRequest(
        @Schema(description = "A finished run of this collection: the new run holds only the requests that did not "
                + "succeed in it (failed, timeout, cancelled)")
        String onlyFailedFrom) {
}
