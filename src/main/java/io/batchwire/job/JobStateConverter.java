package io.batchwire.job;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores job states as their lower-case wire names, as the SQL of {@link JobStore} writes them. */
@Converter
public class JobStateConverter implements AttributeConverter<JobState, String> {

    @Override
    public String convertToDatabaseColumn(JobState state) {
        return state == null ? null : state.wire();
    }

    @Override
    public JobState convertToEntityAttribute(String value) {
        return value == null ? null : JobState.fromWire(value);
    }
}
