-- Regions, dealers, their one-time enrolment codes and enrolled kiosks; users and their sign-in tokens.
CREATE TABLE region (
    name text PRIMARY KEY
);
CREATE TABLE dealer (
    code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
    name text NOT NULL,
    region text NOT NULL REFERENCES region(name),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE enroll_code (
    code text PRIMARY KEY,
    dealer_code text NOT NULL REFERENCES dealer(code),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz,
    kiosk_id text
);
CREATE TABLE kiosk (
    kiosk_id text PRIMARY KEY,
    public_key bytea NOT NULL UNIQUE,
    dealer_code text NOT NULL REFERENCES dealer(code),
    enrolled_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE hq_user (
    name text PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('hq_admin', 'region', 'agent', 'dealer')),
    region text REFERENCES region(name),
    dealer_code text REFERENCES dealer(code),
    password_hash bytea NOT NULL,
    password_salt bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'region' OR region IS NOT NULL),
    CHECK (role <> 'dealer' OR dealer_code IS NOT NULL)
);
CREATE TABLE session (
    token_sha256 text PRIMARY KEY,
    user_name text NOT NULL REFERENCES hq_user(name),
    expires_at timestamptz NOT NULL
);
-- The campaign as the HQ admin last saved it (one row); until then the campaign file's.
CREATE TABLE campaign (
    id integer PRIMARY KEY CHECK (id = 1),
    body jsonb NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now()
);
