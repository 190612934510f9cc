-- What the instances of a site must agree on besides posts and comments:
-- the nonces of used comment form tokens, moderator sessions ended by
-- signing out, and failed sign-ins per client network. Every row has an
-- expiry after which it means nothing; writes purge expired rows a few at
-- a time.

CREATE TABLE form_nonces (
	nonce      text PRIMARY KEY,
	expires_at timestamptz NOT NULL
);
CREATE INDEX form_nonces_by_expiry ON form_nonces (expires_at);

CREATE TABLE revoked_sessions (
	id         text PRIMARY KEY,
	expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_by_expiry ON revoked_sessions (expires_at);

CREATE TABLE login_failures (
	network    text PRIMARY KEY,
	failures   integer NOT NULL,
	first_at   timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX login_failures_by_expiry ON login_failures (expires_at);
