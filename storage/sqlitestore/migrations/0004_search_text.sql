-- Search indexes the plain text of a post's HTML (what a reader sees),
-- not its source: markup and comments hidden from the page stay out of
-- results and snippets. Rows written before this migration get their text
-- from their HTML in Go, right after it, in the same transaction.

ALTER TABLE posts ADD COLUMN plain_text TEXT NOT NULL DEFAULT '';

DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_delete;
DROP TRIGGER posts_fts_update;
DROP TABLE posts_fts;

CREATE VIRTUAL TABLE posts_fts USING fts5 (
	title, plain_text,
	content = 'posts', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts (rowid, title, plain_text) VALUES (new.id, new.title, new.plain_text);
END;

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, title, plain_text) VALUES ('delete', old.id, old.title, old.plain_text);
END;

CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, plain_text ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, title, plain_text) VALUES ('delete', old.id, old.title, old.plain_text);
	INSERT INTO posts_fts (rowid, title, plain_text) VALUES (new.id, new.title, new.plain_text);
END;

INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
