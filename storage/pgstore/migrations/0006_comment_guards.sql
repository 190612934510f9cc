-- The duplicate guard finds comments with the same text on a thread by an
-- MD5 of the text, not by reading the thread.

CREATE INDEX comments_thread_text_idx ON comments (thread, md5(source));
