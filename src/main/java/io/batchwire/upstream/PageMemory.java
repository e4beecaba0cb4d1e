package io.batchwire.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The bounded memory of an export's last positions (cursors or next links), so a pagination that goes round in a
 * cycle (A, B, A) is caught: each page record's input carries, in {@link #FIELD}, short digests of the positions of
 * the pages before it (at most {@code pagination-memory}, newest last), whatever the positions' own size.
 */
public final class PageMemory {

    /** The field of a page's input, and of its outcome, holding the digests. */
    public static final String FIELD = "seen";

    private PageMemory() {
    }

    /** The digests a page's answer is checked against: those its input carries, and its own position's. */
    static ArrayNode seen(JsonNode input, int memory) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        JsonNode before = input.path(FIELD);
        JsonNode position = input.path("position");
        int own = position.isNull() || position.isMissingNode() ? 0 : 1;
        int keep = Math.max(0, memory - own);
        for (int i = Math.max(0, before.size() - keep); i < before.size(); i++) {
            out.add(before.get(i).asText());
        }
        if (own == 1 && memory > 0) {
            out.add(digest(position.asText()));
        }
        return out;
    }

    static boolean contains(ArrayNode seen, String position) {
        String d = digest(position);
        for (JsonNode s : seen) {
            if (d.equals(s.asText())) {
                return true;
            }
        }
        return false;
    }

    /** 72 bits of SHA-256: a collision among a few dozen positions is out of reach. */
    static String digest(String position) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(position.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
