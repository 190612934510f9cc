-- A post's og:image is the first image of its HTML, found when the post is
-- saved rather than on every view. Rows written before this migration get
-- theirs from their HTML in Go, right after it, in the same transaction.

ALTER TABLE posts ADD COLUMN image TEXT NOT NULL DEFAULT '';
