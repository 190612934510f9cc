-- Sticky posts, which the home page lists first: few, so a partial index
-- finds them without walking every published post.

CREATE INDEX posts_sticky ON posts (kind, status, published_at, id) WHERE sticky = 1;
