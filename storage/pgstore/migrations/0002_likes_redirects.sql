-- Likes (one per visitor per post) and old paths of posts kept for
-- redirects. Both go with their post.

CREATE TABLE post_likes (
	post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	visitor    text        NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (post_id, visitor)
);

CREATE TABLE redirects (
	path    text   PRIMARY KEY,
	post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE
);
CREATE INDEX redirects_post_idx ON redirects (post_id);
