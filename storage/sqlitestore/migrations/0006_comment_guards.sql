-- The write path's look-ups by index, so that none reads a whole thread:
-- the duplicate guard finds comments with the same text on a thread by
-- the text's first and last 40 characters (SQLite has no hash function
-- an index may call).

CREATE INDEX comments_by_thread_text ON comments (thread, substr(source, 1, 40), substr(source, -40));

-- The number of comments each thread shows at the top level: approved,
-- with no parent, their own parent, or a parent that is not an approved
-- comment of the thread (as comments.BuildTree places them). Triggers keep
-- it as comments are added, changed and deleted, so that the page of a
-- new comment is the count less the few top-level comments after it,
-- whatever the length of the thread.
CREATE TABLE comment_roots (
	thread TEXT PRIMARY KEY,
	n      INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO comment_roots (thread, n)
SELECT c.thread, count(*) FROM comments c
WHERE c.status = 'approved' AND (c.parent_id = 0 OR c.parent_id = c.id OR NOT EXISTS (
	SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.thread = c.thread AND p.status = 'approved'))
GROUP BY c.thread;

CREATE TRIGGER comment_roots_insert AFTER INSERT ON comments
WHEN NEW.status = 'approved' AND (NEW.parent_id = 0 OR NEW.parent_id = NEW.id OR NOT EXISTS (
	SELECT 1 FROM comments p WHERE p.id = NEW.parent_id AND p.thread = NEW.thread AND p.status = 'approved'))
BEGIN
	INSERT INTO comment_roots (thread, n) VALUES (NEW.thread, 1)
	ON CONFLICT (thread) DO UPDATE SET n = n + 1;
END;

-- A deleted comment leaves the top level if it was there; its approved
-- replies join it until they are moved to its parent (an update).
CREATE TRIGGER comment_roots_delete AFTER DELETE ON comments
BEGIN
	INSERT INTO comment_roots (thread, n) VALUES (OLD.thread,
		CASE WHEN OLD.status = 'approved' THEN (
			SELECT count(*) FROM comments r WHERE r.parent_id = OLD.id AND r.thread = OLD.thread
				AND r.status = 'approved' AND r.id <> OLD.id)
			- (OLD.parent_id = 0 OR OLD.parent_id = OLD.id OR NOT EXISTS (
				SELECT 1 FROM comments p WHERE p.id = OLD.parent_id AND p.thread = OLD.thread AND p.status = 'approved'))
		ELSE 0 END)
	ON CONFLICT (thread) DO UPDATE SET n = n + excluded.n;
END;

-- A comment whose status or parent changes may join or leave the top
-- level; when it is approved or unapproved, its approved replies leave or
-- join it.
CREATE TRIGGER comment_roots_update AFTER UPDATE OF status, parent_id ON comments
BEGIN
	INSERT INTO comment_roots (thread, n) VALUES (NEW.thread,
		(NEW.status = 'approved' AND (NEW.parent_id = 0 OR NEW.parent_id = NEW.id OR NOT EXISTS (
			SELECT 1 FROM comments p WHERE p.id = NEW.parent_id AND p.thread = NEW.thread AND p.status = 'approved')))
		- (OLD.status = 'approved' AND (OLD.parent_id = 0 OR OLD.parent_id = OLD.id OR NOT EXISTS (
			SELECT 1 FROM comments p WHERE p.id = OLD.parent_id AND p.thread = OLD.thread AND p.status = 'approved')))
		+ CASE
			WHEN (OLD.status = 'approved') = (NEW.status = 'approved') THEN 0
			ELSE (SELECT count(*) FROM comments r WHERE r.parent_id = NEW.id AND r.thread = NEW.thread
				AND r.status = 'approved' AND r.id <> NEW.id) * (CASE WHEN NEW.status = 'approved' THEN -1 ELSE 1 END)
		END)
	ON CONFLICT (thread) DO UPDATE SET n = n + excluded.n;
END;
