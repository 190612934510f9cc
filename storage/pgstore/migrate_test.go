package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

// schemaAtVersion creates a schema with only the first n migrations of
// migrations/ applied and recorded, as an older release left it, and
// returns its name.
func schemaAtVersion(t *testing.T, n int) string {
	t.Helper()
	ctx := context.Background()
	schema := newSchema(t)
	files, err := filepath.Glob("migrations/*.sql")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), n)
	err = pgx.BeginFunc(ctx, adminPool(t), func(tx pgx.Tx) error {
		ident := pgx.Identifier{schema}.Sanitize()
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+ident+"; SET LOCAL search_path TO "+ident); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE folio_migrations (version integer PRIMARY KEY,
			name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		for i, f := range files[:n] {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(b)); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO folio_migrations (version, name) VALUES ($1, $2)`,
				i+1, filepath.Base(f)); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	return schema
}

// TestOpen_MigrationIndexesPlainText opens a schema whose search vector
// holds the sources of its posts, as before version 4: the migration
// derives each post's text from its HTML and indexes that instead, so
// markup and hidden comments stop matching.
func TestOpen_MigrationIndexesPlainText(t *testing.T) {
	ctx := context.Background()
	schema := schemaAtVersion(t, 3)
	const n = 450 // more than one batch of the migration
	_, err := adminPool(t).Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "posts"}.Sanitize()+` (kind, slug, title,
		author_name, author_email, author_url, format, source, excerpt, html, summary, has_more, description,
		word_count, status, comment_status, sticky, version)
		SELECT 'post', 'post-' || i, 'Orchard post ' || i, '', '', '', 'markdown',
			$1, '', $2, $2, false, '', 3, 'published', 'open', false, 1
		FROM generate_series(0, $3 - 1) AS i`,
		"Quinces & figs <!-- zanzibar -->\n\n<span class=\"marmalade\">ripen</span>",
		"<p>Quinces &amp; figs</p>\n<p><span class=\"marmalade\">ripen</span></p>", n)
	require.NoError(t, err)

	s := openStore(t, schema)
	for _, slug := range []string{"post-0", fmt.Sprintf("post-%d", n-1)} {
		got, err := s.GetPostBySlug(ctx, slug)
		require.NoError(t, err)
		assert.Equal(t, "Quinces & figs ripen", got.Text, "the migration derives the text of %s from its HTML", slug)
	}
	for _, word := range []string{"zanzibar", "marmalade", "span", "amp"} {
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: word})
		require.NoError(t, err)
		assert.Empty(t, res, "%q is markup or a hidden comment, no longer indexed", word)
	}
	res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "figs", Query: blog.PostQuery{Limit: blog.MaxLimit}})
	require.NoError(t, err)
	assert.Len(t, res, min(n, blog.MaxLimit), "every post's text is indexed")
	if assert.NotEmpty(t, res) {
		assert.Equal(t, "Quinces &amp; <mark>figs</mark> ripen", res[0].Snippet)
	}
	res, err = s.SearchPosts(ctx, blog.SearchQuery{Text: fmt.Sprintf("orchard post %d", n-1)})
	require.NoError(t, err)
	if assert.Len(t, res, 1, "titles stay indexed") {
		assert.Equal(t, fmt.Sprintf("post-%d", n-1), res[0].Post.Slug)
	}
}

// TestStore_SearchPosts_textLikeMarkup checks that text which reads like
// markup (a post about HTML) is quoted in snippets, escaped, and not left
// out as a tag would be.
func TestStore_SearchPosts_textLikeMarkup(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := testPost("tags", time.Date(2025, time.May, 1, 0, 0, 0, 0, time.UTC))
	p.Text = "Write <b>bold</b> for bold; tomatoes ripened <early> this year."
	mustCreate(t, s, p)
	res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "tomatoes"})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, "Write &lt;b&gt;bold&lt;/b&gt; for bold; <mark>tomatoes</mark> ripened &lt;early&gt; this year.", res[0].Snippet)
}

// TestOpen_MigrationDerivesImages opens a schema from before version 5,
// whose posts have no image column: the migration derives each post's
// first image from its HTML, as a Blog does when it saves one.
func TestOpen_MigrationDerivesImages(t *testing.T) {
	ctx := context.Background()
	schema := schemaAtVersion(t, 4)
	tests := []struct {
		name, html, want string
	}{
		{"site-relative", `<p>Text</p><figure><img src="/media/pear.jpg" alt="Pear"></figure><img src="/media/2.jpg">`, "/media/pear.jpg"},
		{"absolute, entities", `<p><img src="https://cdn.example.com/a.png?w=1&amp;h=2" alt=""></p>`, "https://cdn.example.com/a.png?w=1&h=2"},
		{"none", `<p>No pictures.</p>`, ""},
	}
	const n = 450 // more than one batch of the migration
	htmls := make([]string, len(tests))
	for i, tt := range tests {
		htmls[i] = tt.html
	}
	_, err := adminPool(t).Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "posts"}.Sanitize()+` (kind, slug, title,
		author_name, author_email, author_url, format, source, excerpt, html, summary, has_more, description,
		word_count, status, comment_status, sticky, version)
		SELECT 'post', 'post-' || i, 'Post ' || i, '', '', '', 'markdown',
			'source', '', ($1::text[])[i % cardinality($1::text[]) + 1], '', false, '', 3, 'published', 'open', false, 1
		FROM generate_series(0, $2 - 1) AS i`, htmls, n)
	require.NoError(t, err)

	s := openStore(t, schema)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []int{i, i + (n-1-i)/len(tests)*len(tests)} { // in the first batch and the last
				got, err := s.GetPostBySlug(ctx, fmt.Sprintf("post-%d", k))
				require.NoError(t, err)
				assert.Equal(t, tt.want, got.Image, "post-%d", k)
			}
		})
	}
}
