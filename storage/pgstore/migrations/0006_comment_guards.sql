-- The write path's look-ups by index, so that none reads a whole thread:
-- the duplicate guard finds comments with the same text on a thread by an
-- MD5 of the text; the redirect after a comment counts the top-level
-- approved comments before it.

CREATE INDEX comments_thread_text_idx ON comments (thread, md5(source));
CREATE INDEX comments_thread_roots_idx ON comments (thread, status, parent_id, listed_at, id);
