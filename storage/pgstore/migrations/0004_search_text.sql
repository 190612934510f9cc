-- Search indexes the plain text of a post's HTML (what a reader sees),
-- not its source: markup and comments hidden from the page stay out of
-- results and snippets. Rows written before this migration get their text
-- from their HTML in Go, right after it, in the same transaction; the
-- search vector follows.

ALTER TABLE posts ADD COLUMN plain_text text NOT NULL DEFAULT '';

ALTER TABLE posts DROP COLUMN search;

ALTER TABLE posts ADD COLUMN search tsvector NOT NULL
	GENERATED ALWAYS AS (
		setweight(to_tsvector('simple'::regconfig, title), 'A') ||
		setweight(to_tsvector('simple'::regconfig, plain_text), 'B')
	) STORED;

CREATE INDEX posts_search_idx ON posts USING gin (search);
