-- The duplicate guard finds comments with the same text on a thread by an
-- MD5 of the text, not by reading the thread.

CREATE INDEX comments_thread_text_idx ON comments (thread, md5(source));

-- The number of comments each thread shows at the top level: approved,
-- with no parent, their own parent, or a parent that is not an approved
-- comment of the thread (as comments.BuildTree places them). A trigger
-- keeps it as comments are added, changed and deleted, so that the page
-- of a new comment is the count less the few top-level comments after
-- it, whatever the length of the thread.
CREATE TABLE comment_roots (
	thread text PRIMARY KEY,
	n      bigint NOT NULL
);

INSERT INTO comment_roots (thread, n)
SELECT c.thread, count(*) FROM comments c
WHERE c.status = 'approved' AND (c.parent_id = 0 OR c.parent_id = c.id OR NOT EXISTS (
	SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.thread = c.thread AND p.status = 'approved'))
GROUP BY c.thread;

-- A new comment adds itself to the count if it is at the top level (the
-- write path: one row). A comment changed or deleted has the thread's
-- count taken again: the statement may move replies and delete their
-- parent at once (DeleteComment), and the trigger sees only the end of
-- it. SET search_path FROM CURRENT: the function finds the tables of the
-- schema it was made in, whatever the search_path of the session writing.
CREATE FUNCTION comment_roots_track() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status = 'approved' AND (NEW.parent_id = 0 OR NEW.parent_id = NEW.id OR NOT EXISTS (
			SELECT 1 FROM comments p WHERE p.id = NEW.parent_id AND p.thread = NEW.thread AND p.status = 'approved')) THEN
			INSERT INTO comment_roots AS r (thread, n) VALUES (NEW.thread, 1)
			ON CONFLICT (thread) DO UPDATE SET n = r.n + 1;
		END IF;
		RETURN NULL;
	END IF;
	INSERT INTO comment_roots AS r (thread, n)
	SELECT OLD.thread, count(*) FROM comments c
	WHERE c.thread = OLD.thread AND c.status = 'approved' AND (c.parent_id = 0 OR c.parent_id = c.id OR NOT EXISTS (
		SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.thread = c.thread AND p.status = 'approved'))
	ON CONFLICT (thread) DO UPDATE SET n = EXCLUDED.n;
	RETURN NULL;
END
$$;

CREATE TRIGGER comment_roots_track AFTER INSERT OR DELETE OR UPDATE OF status, parent_id ON comments
FOR EACH ROW EXECUTE FUNCTION comment_roots_track();
