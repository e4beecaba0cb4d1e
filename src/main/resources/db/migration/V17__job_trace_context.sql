-- The W3C traceparent of the span that submitted the job (tracing on): the dispatcher, the status writer and the
-- deliveries join the job's trace through it, and the job status shows its trace id. Null with tracing off.
ALTER TABLE jobs ADD COLUMN trace_parent text;
