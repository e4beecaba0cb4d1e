package io.batchwire.dialect;

import io.batchwire.api.ProblemException;

/** What every dialect shares: the switch, and the metadata key that marks a job as submitted through one. */
public final class Dialects {

    /** The job metadata key naming the dialect a job was submitted through (its webhook style). */
    public static final String METADATA_KEY = "dialect";

    private Dialects() {
    }

    /** A switched-off dialect's paths answer 404, as if it did not exist. */
    public static void require(boolean enabled, String name) {
        if (!enabled) {
            throw ProblemException.notFound("this endpoint (the " + name + " dialect is switched off)");
        }
    }
}
