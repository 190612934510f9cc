-- Sticky posts, which the home page lists first: few, so a partial index
-- finds them without walking every published post.

CREATE INDEX posts_sticky_listed_idx ON posts (listed_at DESC, id DESC) WHERE sticky;
