-- What the kiosks send: checkpoints, packs, refusals and forks; the inspections the packs carry, with their items and
-- follow-ups. A pack is stored whole in one transaction or not at all.
CREATE TABLE checkpoint (
    kiosk_id text NOT NULL REFERENCES kiosk(kiosk_id),
    n bigint NOT NULL,
    hash text NOT NULL,
    note text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk_id, n)
);
CREATE TABLE pack (
    pack_id text PRIMARY KEY,          -- SHA-256 of manifest.json
    kiosk_id text NOT NULL REFERENCES kiosk(kiosk_id),
    dealer_code text NOT NULL REFERENCES dealer(code),
    event_date date NOT NULL,
    week text NOT NULL,                -- ISO week of the event day, YYYY-Www
    audit_count bigint NOT NULL,
    audit_head text NOT NULL,
    inspections integer NOT NULL,
    manifest jsonb NOT NULL,
    note text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    late boolean NOT NULL
);
CREATE INDEX pack_dealer_week ON pack(dealer_code, week);
-- Each kiosk's chain as the manufacturer holds it: entry n's hash, from every pack (the longest wins; a pack whose
-- chain disagrees at any n is a fork).
CREATE TABLE chain_entry (
    kiosk_id text NOT NULL REFERENCES kiosk(kiosk_id),
    n bigint NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (kiosk_id, n)
);
CREATE TABLE refusal (
    id bigserial PRIMARY KEY,
    kiosk_id text,
    what text NOT NULL,                -- 'pack' or 'checkpoint'
    problems jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE fork (
    id bigserial PRIMARY KEY,
    kiosk_id text NOT NULL REFERENCES kiosk(kiosk_id),
    n bigint NOT NULL,
    held_hash text NOT NULL,
    held_statement text NOT NULL,      -- the signed note already held
    new_hash text NOT NULL,
    new_statement text NOT NULL,       -- the signed note (checkpoint, or pack note) that contradicts it
    found_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE inspection (
    id bigserial PRIMARY KEY,
    kiosk_id text NOT NULL REFERENCES kiosk(kiosk_id),
    kiosk_inspection_id bigint NOT NULL,
    client_id text NOT NULL,
    pack_id text NOT NULL REFERENCES pack(pack_id),
    dealer_code text NOT NULL REFERENCES dealer(code),
    week text NOT NULL,                -- ISO week of the inspection, Asia/Shanghai
    at timestamptz NOT NULL,
    technician text NOT NULL,
    plate text NOT NULL,
    vin text NOT NULL,
    model text NOT NULL,
    customer_name text NOT NULL,
    customer_phone text NOT NULL,
    consent_hq_call boolean NOT NULL,
    gift boolean NOT NULL,
    sticker boolean NOT NULL,
    advise integer NOT NULL,
    urgent integer NOT NULL,
    urgent_items text NOT NULL,
    declined_items text NOT NULL,
    parts_yuan bigint NOT NULL,
    labour_yuan bigint NOT NULL,
    repairs integer NOT NULL,
    content_sha256 text NOT NULL,
    followup_due timestamptz,
    followup_done_at timestamptz,
    source_count bigint NOT NULL,      -- the audit count of the pack it came from: a newer pack replaces, an older never
    UNIQUE (kiosk_id, client_id)
);
CREATE INDEX inspection_dealer_week ON inspection(dealer_code, week);
CREATE TABLE item_name (
    no integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE inspection_item (
    inspection_id bigint NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
    no integer NOT NULL,
    status text NOT NULL,
    decision text NOT NULL,
    parts_yuan bigint NOT NULL,
    labour_yuan bigint NOT NULL,
    PRIMARY KEY (inspection_id, no)
);
-- Kept at intake for the national views: one row per dealer and week, one per dealer, week and item.
CREATE TABLE week_dealer (
    week text NOT NULL,
    dealer_code text NOT NULL REFERENCES dealer(code),
    inspections integer NOT NULL,
    urgent_vehicles integer NOT NULL,
    followups_due integer NOT NULL,
    followups_done_7d integer NOT NULL,
    gifts integer NOT NULL,
    stickers integer NOT NULL,
    repairs integer NOT NULL,
    parts_yuan bigint NOT NULL,
    labour_yuan bigint NOT NULL,
    first_pack_at timestamptz NOT NULL,
    late boolean NOT NULL,
    PRIMARY KEY (week, dealer_code)
);
CREATE TABLE week_item (
    week text NOT NULL,
    dealer_code text NOT NULL REFERENCES dealer(code),
    no integer NOT NULL,
    advise integer NOT NULL,
    urgent integer NOT NULL,
    PRIMARY KEY (week, dealer_code, no)
);
