-- Likes, one per visitor per post, and the old paths of posts imported
-- from other engines.

CREATE TABLE post_likes (
	post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	visitor TEXT    NOT NULL, -- an opaque, keyed hash
	PRIMARY KEY (post_id, visitor)
) WITHOUT ROWID;

CREATE TABLE redirects (
	path    TEXT    NOT NULL PRIMARY KEY, -- compared exactly (BINARY)
	post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX redirects_by_post ON redirects (post_id);
