-- Folio's first schema: posts with their terms and previous slugs, the
-- full-text index over posts, and comments.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC. The zero
-- time.Time is stored as its own instant (-62135596800000000, the start of
-- year 1), so it sorts before every real time and no column is NULL.

CREATE TABLE posts (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	kind           TEXT    NOT NULL,
	slug           TEXT    NOT NULL UNIQUE,
	title          TEXT    NOT NULL,
	author_name    TEXT    NOT NULL,
	author_email   TEXT    NOT NULL,
	author_url     TEXT    NOT NULL,
	format         TEXT    NOT NULL,
	source         TEXT    NOT NULL,
	excerpt        TEXT    NOT NULL,
	html           TEXT    NOT NULL,
	summary        TEXT    NOT NULL,
	has_more       INTEGER NOT NULL,
	description    TEXT    NOT NULL,
	word_count     INTEGER NOT NULL,
	-- Copies of post_terms and post_slugs in list order, as JSON, so that a
	-- post is read with one row.
	tags           TEXT    NOT NULL,
	categories     TEXT    NOT NULL,
	previous_slugs TEXT    NOT NULL,
	status         TEXT    NOT NULL,
	comment_status TEXT    NOT NULL,
	sticky         INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	published_at   INTEGER NOT NULL,
	version        INTEGER NOT NULL
);

-- One index per shape of listing, each ending in the listing order
-- (published_at, id) so a page is read in order and stops at its limit.
CREATE INDEX posts_by_time        ON posts (published_at, id);
CREATE INDEX posts_by_kind        ON posts (kind, published_at, id);
CREATE INDEX posts_by_status      ON posts (status, published_at, id);
CREATE INDEX posts_by_kind_status ON posts (kind, status, published_at, id);

-- Tags and categories, one row per distinct slug of a post (the posts row
-- keeps the full list as given). published_at is the post's, copied so
-- that a tag page is read in listing order from the index alone.
CREATE TABLE post_terms (
	post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	taxonomy     TEXT    NOT NULL, -- 'tag' or 'category'
	slug         TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	position     INTEGER NOT NULL, -- of the first term with this slug
	published_at INTEGER NOT NULL,
	PRIMARY KEY (post_id, taxonomy, slug)
) WITHOUT ROWID;

CREATE INDEX post_terms_listing ON post_terms (taxonomy, slug, published_at, post_id);

-- Slugs a post was published under before.
CREATE TABLE post_slugs (
	post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	slug     TEXT    NOT NULL,
	PRIMARY KEY (post_id, position)
) WITHOUT ROWID;

CREATE INDEX post_slugs_by_slug ON post_slugs (slug, post_id);

-- Full-text index over the title and source of posts, with the posts table
-- as its content, kept in step by triggers.
CREATE VIRTUAL TABLE posts_fts USING fts5 (
	title, source,
	content = 'posts', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts (rowid, title, source) VALUES (new.id, new.title, new.source);
END;

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, title, source) VALUES ('delete', old.id, old.title, old.source);
END;

CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, source ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, title, source) VALUES ('delete', old.id, old.title, old.source);
	INSERT INTO posts_fts (rowid, title, source) VALUES (new.id, new.title, new.source);
END;

CREATE TABLE comments (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	thread          TEXT    NOT NULL,
	parent_id       INTEGER NOT NULL,
	type            TEXT    NOT NULL,
	author_name     TEXT    NOT NULL,
	author_email    TEXT    NOT NULL,
	-- strings.ToLower(author_email), written by Folio: the key of every
	-- case-insensitive email look-up (COLLATE NOCASE folds ASCII only).
	email_lower     TEXT    NOT NULL,
	author_url      TEXT    NOT NULL,
	author_user_id  TEXT    NOT NULL,
	author_verified INTEGER NOT NULL,
	source          TEXT    NOT NULL,
	html            TEXT    NOT NULL,
	status          TEXT    NOT NULL,
	decision_status TEXT    NOT NULL,
	decision_rule   TEXT    NOT NULL,
	decision_reason TEXT    NOT NULL,
	ip              TEXT    NOT NULL,
	user_agent      TEXT    NOT NULL,
	created_at      INTEGER NOT NULL
);

CREATE INDEX comments_by_time          ON comments (created_at, id);
CREATE INDEX comments_by_status        ON comments (status, created_at, id);
CREATE INDEX comments_by_thread        ON comments (thread, created_at, id);
CREATE INDEX comments_by_thread_status ON comments (thread, status, created_at, id);
CREATE INDEX comments_by_parent        ON comments (parent_id);
CREATE INDEX comments_by_ip            ON comments (ip, created_at, id);
CREATE INDEX comments_by_email         ON comments (email_lower, created_at, id);
CREATE INDEX comments_by_email_status  ON comments (email_lower, status);
