package io.batchwire.job;

import io.batchwire.api.ProblemException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The formats a job's results download in. The code is what a signed link carries; never reuse one. */
public enum ExportFormat {
    JSON(1, "application/json", "json"),
    JSONL(2, "application/jsonl", "jsonl"),
    CSV(3, "text/csv; charset=utf-8; header=present", "csv"),
    XLSX(4, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");

    public static final ExportFormat DEFAULT = JSONL;

    private final int code;
    private final String mediaType;
    private final String extension;

    ExportFormat(int code, String mediaType, String extension) {
        this.code = code;
        this.mediaType = mediaType;
        this.extension = extension;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    public String wire() {
        return extension;
    }

    /** CSV and XLSX flatten results into columns, which must be known before the first row. */
    public boolean tabular() {
        return this == CSV || this == XLSX;
    }

    public int code() {
        return code;
    }

    public static ExportFormat ofCode(int code) {
        for (ExportFormat f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }

    /** The {@code format} query parameter; absent (or empty) means {@link #DEFAULT}, anything unknown is a 400. */
    public static ExportFormat parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return DEFAULT;
        }
        return named(raw);
    }

    /** A {@code format} field of a body: absent means {@link #DEFAULT}; empty or unknown is a 400. */
    public static ExportFormat field(String raw) {
        return raw == null ? DEFAULT : named(raw);
    }

    private static ExportFormat named(String raw) {
        String wanted = raw.trim().toLowerCase(Locale.ROOT);
        for (ExportFormat f : values()) {
            if (f.extension.equals(wanted)) {
                return f;
            }
        }
        throw ProblemException.validation("format", "'format' must be one of "
                + Arrays.stream(values()).map(ExportFormat::wire).collect(Collectors.joining(", ")));
    }
}
