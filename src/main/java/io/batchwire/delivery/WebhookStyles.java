package io.batchwire.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.HashMap;
import java.util.Map;

/** The dialects' webhook styles by name; a job whose metadata names none (or an unknown one) is standard. */
@ApplicationScoped
public class WebhookStyles {

    private final Map<String, WebhookStyle> byName = new HashMap<>();

    public WebhookStyles(Instance<WebhookStyle> styles) {
        for (WebhookStyle s : styles) {
            if (byName.put(s.dialect(), s) != null) {
                throw new IllegalStateException("two webhook styles for dialect " + s.dialect());
            }
        }
    }

    /** The style of the delivery's job, or null for the standard webhook. */
    public WebhookStyle of(DeliveryStore.Due due) {
        return due.dialect() == null ? null : byName.get(due.dialect());
    }
}
