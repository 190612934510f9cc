-- The write path's look-ups by index, so that none reads a whole thread:
-- the duplicate guard finds comments with the same text on a thread by
-- the text's first and last 40 characters (SQLite has no hash function
-- an index may call); the redirect after a comment counts the top-level
-- approved comments before it.

CREATE INDEX comments_by_thread_text ON comments (thread, substr(source, 1, 40), substr(source, -40));
CREATE INDEX comments_by_thread_roots ON comments (thread, status, parent_id, created_at, id);
