-- A plan's weight: when several tenants wait on one upstream, each gets a share of its capacity in proportion to it.
ALTER TABLE plans ADD COLUMN weight integer NOT NULL DEFAULT 1 CHECK (weight > 0 AND weight <= 1000);

-- One row per upstream: the lock that serializes the renewal of its slices (so the slices never add up to more than
-- its limit), and what every replica must know at once: a pause the upstream asked for, and its last 429.
CREATE TABLE upstream_limits (
    upstream     text PRIMARY KEY,
    paused_until timestamptz,
    last_429_at  timestamptz
);

-- Each replica's slice of an upstream's limit, renewed every second or so while it has work for it, and what it
-- wants (per tenant, with the tenant's weight) and has in flight. A slice whose lease ran out counts for nothing.
CREATE TABLE upstream_slices (
    upstream       text        NOT NULL,
    replica_id     uuid        NOT NULL,
    wants          jsonb       NOT NULL,
    granted        integer     NOT NULL CHECK (granted >= 0),
    in_flight      integer     NOT NULL CHECK (in_flight >= 0),
    adaptive_limit integer,
    lease_until    timestamptz NOT NULL,
    PRIMARY KEY (upstream, replica_id)
);
