package io.batchwire.collection;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.batchwire.api.AbsoluteLink;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A collection as the API shows it; {@code requests} only on the collection itself, not in lists. */
public record CollectionView(
        UUID id,
        String name,
        int requestCount,
        @JsonInclude(JsonInclude.Include.ALWAYS) String webhookUrl,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer requestTimeoutSeconds,
        OffsetDateTime createdAt,
        @JsonSerialize(using = AbsoluteLink.class) String link,
        @JsonSerialize(using = AbsoluteLink.class) String runsLink,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<JsonNode> requests) {

    public static CollectionView of(RequestCollection c, List<JsonNode> requests) {
        String link = "/v1/collections/" + c.id;
        return new CollectionView(c.id, c.name, c.requestCount, c.webhookUrl, c.requestTimeoutSeconds, c.createdAt, link,
                link + "/runs", requests);
    }
}
