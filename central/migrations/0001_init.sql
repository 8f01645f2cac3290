-- The central store on PostgreSQL, version 1 (package central, PostgresStore).
-- Records keep their JSON as the centre wrote it (type json keeps it byte for byte); the
-- columns beside them are what the queries of one office find them by.

CREATE TABLE offices (
    agency text PRIMARY KEY,
    body   json NOT NULL
);

CREATE TABLE devices (
    id         text PRIMARY KEY,
    office     text NOT NULL,
    token_hash text UNIQUE,
    body       json NOT NULL
);
CREATE INDEX devices_office ON devices (office, id);

-- Every signing key a device holds or held: a key is one device's.
CREATE TABLE device_keys (
    key_id text PRIMARY KEY,
    device text NOT NULL
);

-- Applied operations, exactly once by op id.
CREATE TABLE ops (
    op_id  text PRIMARY KEY,
    device text NOT NULL,
    body   json NOT NULL
);
CREATE INDEX ops_device ON ops (device, op_id);

CREATE TABLE dossiers (
    code        text PRIMARY KEY,
    office      text NOT NULL,
    personal_id text NOT NULL,
    body        json NOT NULL
);
CREATE INDEX dossiers_office ON dossiers (office, code);

CREATE TABLE persons (
    personal_id text PRIMARY KEY,
    body        json NOT NULL
);

-- The offices that registered a person.
CREATE TABLE person_offices (
    office      text NOT NULL,
    personal_id text NOT NULL,
    PRIMARY KEY (office, personal_id)
);

CREATE TABLE vouchers (
    id          text PRIMARY KEY,
    office      text,
    personal_id text NOT NULL,
    body        json NOT NULL
);
CREATE INDEX vouchers_office ON vouchers (office, id) WHERE office IS NOT NULL;

CREATE TABLE covers (
    personal_id text PRIMARY KEY,
    office      text NOT NULL,
    body        json NOT NULL
);
CREATE INDEX covers_office ON covers (office, personal_id);

CREATE TABLE reviews (
    id   text PRIMARY KEY,
    open boolean NOT NULL,
    body json NOT NULL
);
CREATE INDEX reviews_open ON reviews (id) WHERE open;

-- Feed vouchers waiting for the person to be registered at an office.
CREATE TABLE unrouted (
    personal_id text NOT NULL,
    voucher_id  text NOT NULL,
    PRIMARY KEY (personal_id, voucher_id)
);

-- The centre's own bookkeeping (Tx.Meta): when the trusted-keys file was published, whether a
-- new key waits for the next one.
CREATE TABLE meta (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);

-- The highest offline transfer file applied, by device.
CREATE TABLE transfers (
    device text PRIMARY KEY,
    seq    bigint NOT NULL
);

-- The change log offices pull. A writer inserts a change with no number; the sequencer (one
-- at a time across replicas) numbers committed changes after the high-water mark and moves the
-- mark in the same commit. A reader that sees a number sees every lower number it will ever
-- see: see PostgresStore.sequence for why no change is skipped.
CREATE TABLE changes (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seq      bigint UNIQUE,
    audience text NOT NULL,
    kind     text NOT NULL,
    entity   text NOT NULL,
    payload  json NOT NULL,
    at       timestamptz NOT NULL
);
CREATE INDEX changes_audience ON changes (audience, seq) WHERE seq IS NOT NULL;
CREATE INDEX changes_unnumbered ON changes (id) WHERE seq IS NULL;
CREATE INDEX changes_entity ON changes (audience, kind, entity);

CREATE TABLE feed (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    hwm bigint NOT NULL
);
INSERT INTO feed (hwm) VALUES (0);
