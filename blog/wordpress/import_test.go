package wordpress_test

import (
	"context"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

func TestImporter_Import_fixture(t *testing.T) {
	st := newRedirectStore()
	sum := importFile(t, st, "wxr12.xml")

	assert.Equal(t, wordpress.Count{Imported: 9, Skipped: 2}, sum.Posts)
	assert.Equal(t, wordpress.Count{Imported: 1}, sum.Pages)
	assert.Equal(t, wordpress.Count{Imported: 13, Skipped: 1}, sum.Comments)
	assert.Equal(t, 2, sum.Other)
	assert.Equal(t, wordpress.Count{Imported: 4, Skipped: 1}, sum.Categories)
	assert.Equal(t, wordpress.Count{Imported: 2, Skipped: 1}, sum.Tags)
	assert.Equal(t, wordpress.Count{Imported: 2, Skipped: 1}, sum.Authors)
	assert.Equal(t, 2, sum.Captions)
	assert.Equal(t, 2, sum.Shortcodes)
	assert.Equal(t, []string{"travel/europe", "travel/europe/norway"}, sum.CategoryPaths)
	assert.Equal(t, 6, sum.SameLinks, "pages keep /SLUG/ as Folio's own path")
	assert.Equal(t, 12, sum.Redirects)
	assert.Zero(t, sum.RedirectsSkipped)

	posts := allPosts(t, st)
	require.Len(t, posts, 10)

	t.Run("post", func(t *testing.T) {
		p := postByTitle(t, st, "Hello, fjord")
		assert.Equal(t, blog.KindPost, p.Kind)
		assert.Equal(t, "hello-fjord", p.Slug)
		assert.Equal(t, blog.StatusPublished, p.Status)
		assert.Equal(t, blog.FormatHTML, p.Format)
		assert.Equal(t, blog.Author{Name: "Ingrid Fjell", Email: "ingrid@fjord.example"}, p.Author)
		assert.True(t, p.Sticky)
		assert.Equal(t, blog.CommentsOpen, p.CommentStatus)
		assert.Equal(t, []blog.Term{{Name: "Norway", Slug: "norway"}}, p.Categories)
		assert.Equal(t, []blog.Term{{Name: "Boats", Slug: "boats"}, {Name: "Winter", Slug: "winter"}}, p.Tags)
		want := time.Date(2013, 1, 15, 8, 30, 0, 0, time.UTC)
		assert.Equal(t, want, p.PublishedAt)
		assert.Equal(t, want, p.CreatedAt)
		assert.Equal(t, want, p.UpdatedAt)
		assert.Contains(t, p.Source, "<!--more-->")
		assert.True(t, p.HasMore)
		assert.Contains(t, string(p.Summary), "We watched the ice.")
		assert.NotContains(t, string(p.Summary), "Home again")
		assert.Contains(t, string(p.HTML), `<figure class="alignleft"><img src="http://fjord.example/wp-content/uploads/ferry.jpg" alt="A ferry" width="300" height="200"/><figcaption>The ferry at dawn</figcaption></figure>`)
		assert.Contains(t, string(p.HTML), `<figure class="aligncenter"><a href="http://fjord.example/wp-content/uploads/ice-big.jpg"><img src="http://fjord.example/wp-content/uploads/ice.jpg" alt="Ice"/></a><figcaption>Ice on the <em>water</em></figcaption></figure>`)
		assert.Contains(t, string(p.HTML), "<p>Morning on the fjord was <em>cold</em>.<br/>\nThe boat left at nine.</p>")
		assert.NotContains(t, string(p.HTML), "[caption")
	})
	t.Run("unicode slug and placeholders", func(t *testing.T) {
		p := postByTitle(t, st, "Привет, мир")
		assert.Equal(t, "привет-мир", p.Slug)
		assert.Equal(t, blog.CommentsClosed, p.CommentStatus)
		assert.Equal(t, blog.Author{Name: "Ola", Email: "ola@fjord.example"}, p.Author)
		assert.Contains(t, string(p.HTML), `<p class="folio-shortcode">[gallery ids=&#34;1,2,3&#34;]</p>`)
		assert.Contains(t, string(p.HTML), `<span class="folio-shortcode">[fjordtunes list=&#34;winter&#34; autoplay=&#34;no&#34;]</span>`)
		assert.Equal(t, "<p>A short hello in Russian.</p>", string(p.Summary))
		assert.Equal(t, "<p>A short hello in Russian.</p>", p.Excerpt)
	})
	t.Run("bidi control", func(t *testing.T) {
		p := postByTitle(t, st, "Safe \u202ename")
		assert.Equal(t, "safename", p.Slug, "no bidi control in a URL")
		assert.Equal(t, "/2013/01/21/safename/", newBlog(t, st).PostPath(p))
	})
	t.Run("statuses and dates", func(t *testing.T) {
		draft := postByTitle(t, st, "Half-written thoughts")
		assert.Equal(t, blog.StatusDraft, draft.Status)
		assert.Equal(t, "half-written-thoughts", draft.Slug)
		assert.True(t, draft.PublishedAt.IsZero())
		assert.Equal(t, time.Date(2013, 2, 1, 9, 0, 0, 0, time.UTC), draft.CreatedAt, "local date read in the site's zone")

		assert.Equal(t, blog.StatusPrivate, postByTitle(t, st, "Members only").Status, "password-protected becomes private")
		assert.Equal(t, blog.StatusPrivate, postByTitle(t, st, "Private diary").Status)
		future := postByTitle(t, st, "Summer plans")
		assert.Equal(t, blog.StatusScheduled, future.Status)
		assert.Equal(t, time.Date(2099, 5, 1, 8, 0, 0, 0, time.UTC), future.PublishedAt)
		pending := postByTitle(t, st, "Awaiting review")
		assert.Equal(t, blog.StatusPending, pending.Status)
		assert.True(t, pending.PublishedAt.IsZero())
		for _, title := range []string{"Deleted post", "ferry.jpg", "Home", "Auto Draft"} {
			for _, p := range posts {
				assert.NotEqual(t, title, p.Title, "skipped items are not imported")
			}
		}
		about := postByTitle(t, st, "About")
		assert.Equal(t, blog.KindPage, about.Kind)
		assert.Equal(t, blog.CommentsClosed, about.CommentStatus)
	})
	t.Run("skipped and notes", func(t *testing.T) {
		reasons := map[string]string{}
		for _, e := range sum.Skipped {
			reasons[e.Item] += e.Reason + ";"
		}
		assert.Contains(t, reasons[`post 18 "Deleted post"`], "trash")
		assert.Contains(t, reasons[`attachment 19 "ferry.jpg"`], "attachment")
		assert.Contains(t, reasons[`nav_menu_item 21 "Home"`], "nav_menu_item")
		assert.Contains(t, reasons[`post 22 "Auto Draft"`], "auto-draft")
		assert.Contains(t, reasons[`category "recipes"`], "no imported post")
		notes := ""
		for _, e := range sum.Notes {
			notes += e.Item + ": " + e.Reason + "\n"
		}
		assert.Contains(t, notes, `post 14 "Members only": password-protected`)
		assert.Contains(t, notes, `comment 111 on post 10 "Hello, fjord": its parent comment 999`)
		assert.Contains(t, notes, `javascript:alert(1)`)
		assert.Contains(t, notes, `[gallery ids="1,2,3"]`)
		assert.Contains(t, sum.String(), "posts:      9 imported, 0 already there, 2 skipped\n")
	})
	t.Run("redirects", func(t *testing.T) {
		r := st.redirects()
		hello := postByTitle(t, st, "Hello, fjord")
		about := postByTitle(t, st, "About")
		bidi := postByTitle(t, st, "Safe \u202ename")
		assert.Equal(t, hello.ID, r["/?p=10"])
		assert.NotContains(t, r, "/about/", "a page's old path is its Folio path")
		assert.Equal(t, about.ID, r["/?page_id=20"])
		assert.Equal(t, about.ID, r["/?p=20"])
		assert.Equal(t, bidi.ID, r["/2013/01/21/safe\u202ename/"], "the old path, as visitors request it")
		assert.NotContains(t, r, "/2013/01/15/hello-fjord/", "the same path needs no redirect")
		assert.NotContains(t, r, "/?p=18", "nothing for skipped items")
		assert.Len(t, r, 24, "12 post paths, 8 category and 4 author links")
		assert.Equal(t, 12, sum.ArchiveLinks)
	})
	t.Run("archive links", func(t *testing.T) {
		r := st.redirects()
		for _, tc := range []struct{ id, slug string }{{"2", "travel"}, {"3", "europe"}, {"4", "norway"}} {
			id, ok := r["/?cat="+tc.id]
			require.True(t, ok, "/?cat=%s recorded", tc.id)
			assert.Equal(t, id, r["/category/"+tc.slug+"/?cat="+tc.id], "the category's slug is recorded beside its ID")
			p, err := st.GetPost(t.Context(), id)
			require.NoError(t, err)
			assert.Equal(t, blog.StatusPublished, p.Status)
			assert.Contains(t, p.Categories, blog.Term{Name: strings.ToUpper(tc.slug[:1]) + tc.slug[1:], Slug: tc.slug})
		}
		assert.NotContains(t, r, "/?cat=5", "no published post in recipes")
		ingrid, err := st.GetPost(t.Context(), r["/?author=1"])
		require.NoError(t, err)
		assert.Equal(t, "Ingrid Fjell", ingrid.Author.Name)
		assert.Equal(t, r["/?author=1"], r["/author/ingrid/"], "WordPress's author login")
		assert.NotContains(t, r, "/?author=3", "no post by ghost")
	})
	t.Run("comments", func(t *testing.T) {
		hello := postByTitle(t, st, "Hello, fjord")
		cs := threadComments(t, st, hello)
		require.Len(t, cs, 12)
		byText := map[string]*comments.Comment{}
		byID := map[int64]*comments.Comment{}
		statuses := map[comments.Status]int{}
		for _, c := range cs {
			byText[c.Source] = c
			byID[c.ID] = c
			statuses[c.Status]++
			assert.Equal(t, comments.Decision{Status: c.Status, Rule: "import", Reason: "imported from WordPress"}, c.Decision)
		}
		assert.Equal(t, map[comments.Status]int{comments.StatusApproved: 8, comments.StatusPending: 1, comments.StatusSpam: 1, comments.StatusTrash: 2}, statuses)

		// A chain four deep, one parent listed after its child.
		fourth := byText["Fourth level."]
		require.NotNil(t, fourth)
		var chain []string
		for c := fourth; c != nil; c = byID[c.ParentID] {
			chain = append(chain, c.Author.Name)
			if c.ParentID == 0 {
				break
			}
		}
		assert.Equal(t, []string{"Kari", "Per", "Ingrid Fjell", "Per"}, chain)

		first := byText["Lovely ferry.\n\nWas it cold?"]
		require.NotNil(t, first)
		assert.Equal(t, "<p>Lovely ferry.</p>\n<p>Was it cold?</p>", string(first.HTML))
		assert.Equal(t, comments.Author{Name: "Per", Email: "per@example.net", URL: "http://per.example/"}, first.Author)
		assert.Equal(t, "192.0.2.1", first.IP)
		assert.Equal(t, time.Date(2013, 1, 15, 9, 0, 0, 0, time.UTC), first.CreatedAt)
		assert.Equal(t, comments.TypeComment, first.Type)

		ping := byText["[...] a fine post about ferries [...]"]
		require.NotNil(t, ping)
		assert.Equal(t, comments.TypePingback, ping.Type)
		track := byText["<strong>Ferries</strong> we liked"]
		require.NotNil(t, track)
		assert.Equal(t, comments.TypeTrackback, track.Type)

		var evil *comments.Comment
		for _, c := range cs {
			if c.Author.Name == "Mallory" {
				evil = c
			}
		}
		require.NotNil(t, evil)
		assert.Contains(t, evil.Source, "<script>", "the source is kept as written")
		assert.NotContains(t, string(evil.HTML), "script")
		assert.NotContains(t, string(evil.HTML), "onclick")
		assert.Contains(t, string(evil.HTML), `rel="nofollow ugc noopener"`)
		assert.Empty(t, evil.Author.URL, "a javascript: URL is dropped")
		assert.Empty(t, evil.IP)

		orphan := byText["My parent was deleted."]
		require.NotNil(t, orphan)
		assert.Zero(t, orphan.ParentID)

		ru := threadComments(t, st, postByTitle(t, st, "Привет, мир"))
		require.Len(t, ru, 1)
		assert.Equal(t, "http://xn--e1afmkfd.example/", ru[0].Author.URL)
	})
}

func TestImporter_Import_versions(t *testing.T) {
	t.Run("1.0", func(t *testing.T) {
		st := newRedirectStore()
		sum := importFile(t, st, "wxr10.xml")
		assert.Equal(t, wordpress.Count{Imported: 2}, sum.Posts)
		p := postByTitle(t, st, "First roses")
		assert.Equal(t, []blog.Term{{Name: "Roses", Slug: "roses"}}, p.Categories, "the bare duplicate of a category is dropped")
		assert.Equal(t, []blog.Term{{Name: "spring", Slug: "spring"}}, p.Tags, `domain="tag" is a tag`)
		assert.Equal(t, "gardener", p.Author.Name, "without an authors list the login is the name")
		assert.Equal(t, "<p>The first roses opened today &amp; the bees came.</p>", string(p.HTML))
		assert.Equal(t, p.ID, st.redirects()["/archives/7"], "paths are relative to base_blog_url")
		d := postByTitle(t, st, "Seeds to order")
		assert.Equal(t, blog.StatusDraft, d.Status)
		assert.Equal(t, "seeds-to-order", d.Slug)
	})
	t.Run("1.1 https", func(t *testing.T) {
		st := newRedirectStore()
		sum := importFile(t, st, "wxr11-https.xml")
		assert.Equal(t, wordpress.Count{Imported: 1}, sum.Posts)
		p := postByTitle(t, st, "Bread & butter")
		assert.Equal(t, blog.Author{Name: "Head Chef", Email: "chef@kitchen.example"}, p.Author)
		assert.Equal(t, "<p>Knead for <strong>ten</strong> minutes.</p>", string(p.HTML))
		assert.Equal(t, "<p>Simple bread.</p>", string(p.Summary))
		assert.Equal(t, []blog.Term{{Name: "Baking", Slug: "baking"}}, p.Tags)
		assert.Equal(t, blog.CommentsClosed, p.CommentStatus)
	})
}

// A file that fails to parse, or is not an export, writes nothing, however
// late the fault is.
func TestImporter_Import_refusesBadFiles(t *testing.T) {
	tests := []struct {
		file   string
		notWXR bool
	}{
		{"truncated.xml", false},
		{"mismatched.xml", false},
		{"not-wxr-rss.xml", true},
		{"not-wxr-page.html", true},
		{"not-wxr.json", true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			st := newRedirectStore()
			var passes []int
			im := newImporter(t, newBlog(t, st), st, wordpress.WithProgress(func(p wordpress.Progress) { passes = append(passes, p.Pass) }))
			sum, err := im.Import(context.Background(), openFixture(t, tt.file))
			require.Error(t, err)
			if tt.notWXR {
				assert.ErrorIs(t, err, wordpress.ErrNotWXR)
			} else {
				var se *xml.SyntaxError
				assert.True(t, errors.As(err, &se), "got %v", err)
			}
			assert.Empty(t, allPosts(t, st))
			assert.Empty(t, allComments(t, st))
			assert.Empty(t, st.redirects())
			assert.NotContains(t, passes, 2)
			assert.Zero(t, sum.Posts.Imported)
		})
	}
}

func TestImporter_Import_idempotent(t *testing.T) {
	tests := []struct {
		name  string
		store func() interface {
			blog.Store
			comments.Store
		}
	}{
		{"with redirects", func() interface {
			blog.Store
			comments.Store
		} {
			return newRedirectStore()
		}},
		{"without redirects", func() interface {
			blog.Store
			comments.Store
		} {
			return newPlainStore()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.store()
			first := importFile(t, st, "wxr12.xml")
			posts, cs := allPosts(t, st), allComments(t, st)
			second := importFile(t, st, "wxr12.xml")
			assert.Equal(t, posts, allPosts(t, st), "nothing created or changed twice")
			assert.Equal(t, cs, allComments(t, st))
			assert.Equal(t, wordpress.Count{Existing: 9, Skipped: 2}, second.Posts)
			assert.Equal(t, wordpress.Count{Existing: 1}, second.Pages)
			assert.Equal(t, wordpress.Count{Existing: 13, Skipped: 1}, second.Comments)
			assert.Equal(t, first.Categories, second.Categories)
			assert.Equal(t, first.Redirects, second.Redirects)
		})
	}
}

func TestImporter_Import_withoutRedirectStore(t *testing.T) {
	st := newPlainStore()
	sum := importFile(t, st, "wxr12.xml")
	assert.Zero(t, sum.Redirects)
	assert.Equal(t, 24, sum.RedirectsSkipped)
	found := false
	for _, e := range sum.Skipped {
		if e.Item == "old links" {
			found = true
			assert.Contains(t, e.Reason, "RedirectStore")
		}
	}
	assert.True(t, found, "the missing redirects are reported")
	assert.Len(t, allPosts(t, st), 10)
}

// An import stopped by a failing store completes on a second run, with
// nothing twice.
func TestImporter_Import_resumable(t *testing.T) {
	ref := newRedirectStore()
	importFile(t, ref, "wxr12.xml")
	want := snapshot(t, ref)

	tests := []struct {
		name                  string
		failAt, failCommentAt int
	}{
		{"first post", 1, 0},
		{"fourth post", 4, 0},
		{"last post", 10, 0},
		{"third comment", 0, 3},
		{"last comment", 0, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := newRedirectStore()
			bad := &failingStore{redirectStore: inner, failAt: tt.failAt, failCommentAt: tt.failCommentAt}
			im := newImporter(t, newBlog(t, bad), bad)
			_, err := im.Import(context.Background(), openFixture(t, "wxr12.xml"))
			require.ErrorIs(t, err, errInjected)
			assert.Less(t, len(allPosts(t, inner))+len(allComments(t, inner)), 23, "the import stopped part-way")

			importFile(t, inner, "wxr12.xml")
			assert.Equal(t, want, snapshot(t, inner))
		})
	}
}

// snapshot describes what a store holds, without IDs.
func snapshot(tb testing.TB, st interface {
	blog.Store
	comments.Store
}) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, p := range allPosts(tb, st) {
		key := p.Slug + " " + string(p.Status) + " " + p.Title
		out[key] = []string{}
		byID := map[int64]*comments.Comment{}
		cs := threadComments(tb, st, p)
		for _, c := range cs {
			byID[c.ID] = c
		}
		for _, c := range cs {
			parent := ""
			if pc := byID[c.ParentID]; pc != nil {
				parent = pc.Source
			}
			out[key] = append(out[key], c.Author.Name+"|"+c.Source+"|"+string(c.Status)+"|reply to "+parent)
		}
	}
	return out
}

func TestImporter_Import_progress(t *testing.T) {
	st := newRedirectStore()
	var got []wordpress.Progress
	im := newImporter(t, newBlog(t, st), st, wordpress.WithProgress(func(p wordpress.Progress) { got = append(got, p) }))
	_, err := im.Import(context.Background(), openFixture(t, "wxr12.xml"))
	require.NoError(t, err)
	require.Len(t, got, 28, "each of the 14 items in each pass")
	size := got[0].Size
	assert.Positive(t, size)
	for i, p := range got {
		pass, n := 1, i+1
		if i >= 14 {
			pass, n = 2, i-13
			assert.Equal(t, 14, p.Total)
		} else {
			assert.Zero(t, p.Total)
		}
		assert.Equal(t, pass, p.Pass)
		assert.Equal(t, n, p.Items)
		assert.Equal(t, size, p.Size)
		assert.LessOrEqual(t, p.Bytes, size)
		if i > 0 && i != 14 {
			assert.Greater(t, p.Bytes, got[i-1].Bytes)
		}
	}
}

func TestImporter_Import_options(t *testing.T) {
	t.Run("without pages", func(t *testing.T) {
		st := newRedirectStore()
		sum := importFile(t, st, "wxr12.xml", wordpress.WithPages(false))
		assert.Equal(t, wordpress.Count{Skipped: 1}, sum.Pages)
		for _, p := range allPosts(t, st) {
			assert.Equal(t, blog.KindPost, p.Kind)
		}
	})
	t.Run("protected skipped", func(t *testing.T) {
		st := newRedirectStore()
		sum := importFile(t, st, "wxr12.xml", wordpress.WithProtected(wordpress.ProtectedSkip))
		assert.Equal(t, 3, sum.Posts.Skipped)
		for _, p := range allPosts(t, st) {
			assert.NotEqual(t, "Members only", p.Title)
		}
	})
	t.Run("protected as drafts", func(t *testing.T) {
		st := newRedirectStore()
		importFile(t, st, "wxr12.xml", wordpress.WithProtected(wordpress.ProtectedDraft))
		assert.Equal(t, blog.StatusDraft, postByTitle(t, st, "Members only").Status)
	})
	t.Run("location", func(t *testing.T) {
		st := newRedirectStore()
		importFile(t, st, "wxr12.xml", wordpress.WithLocation(time.UTC))
		draft := postByTitle(t, st, "Half-written thoughts")
		assert.Equal(t, time.Date(2013, 2, 1, 10, 0, 0, 0, time.UTC), draft.CreatedAt)
	})
	t.Run("no comment store", func(t *testing.T) {
		st := newRedirectStore()
		im := newImporter(t, newBlog(t, st), nil)
		sum, err := im.Import(context.Background(), openFixture(t, "wxr12.xml"))
		require.NoError(t, err)
		assert.Equal(t, 14, sum.Comments.Skipped)
		assert.Empty(t, allComments(t, st))
	})
}

func TestImporter_Import_cancelled(t *testing.T) {
	st := newRedirectStore()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	im := newImporter(t, newBlog(t, st), st)
	_, err := im.Import(ctx, openFixture(t, "wxr12.xml"))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, allPosts(t, st))
}

func TestNewImporter_invalid(t *testing.T) {
	st := memstore.New()
	b := newBlog(t, st)
	tests := []struct {
		name  string
		b     *blog.Blog
		opts  []wordpress.Option
		field string
	}{
		{"nil blog", nil, nil, "blog"},
		{"nil location", b, []wordpress.Option{wordpress.WithLocation(nil)}, "location"},
		{"nil logger", b, []wordpress.Option{wordpress.WithLogger(nil)}, "logger"},
		{"bad policy", b, []wordpress.Option{wordpress.WithProtected(7)}, "protected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wordpress.NewImporter(tt.b, commentService(t, st), tt.opts...)
			var ve *blog.ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

// A post whose slug another post already has gets a new one, and the old
// link still leads to it.
func TestImporter_Import_slugTaken(t *testing.T) {
	st := newRedirectStore()
	b := newBlog(t, st)
	mine, err := b.CreatePost(context.Background(), &blog.Post{Title: "My own", Slug: "hello-fjord", Source: "x", Status: blog.StatusPublished})
	require.NoError(t, err)
	importFile(t, st, "wxr12.xml")
	p := postByTitle(t, st, "Hello, fjord")
	assert.Equal(t, "hello-fjord-2", p.Slug)
	assert.Equal(t, p.ID, st.redirects()["/2013/01/15/hello-fjord/"])
	again := importFile(t, st, "wxr12.xml")
	assert.Equal(t, 9, again.Posts.Existing)
	got, err := st.GetPost(context.Background(), mine.ID)
	require.NoError(t, err)
	assert.Equal(t, "My own", got.Title)
	assert.False(t, strings.Contains(string(got.HTML), "fjord"))
}

func TestImporter_Import_commentDetails(t *testing.T) {
	long := "x" + strings.Repeat("é", 200) // 401 bytes
	src := `<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<item><title>T</title><wp:post_id>5</wp:post_id><wp:post_date_gmt>2015-01-01 00:00:00</wp:post_date_gmt><wp:post_name>t</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>A</wp:comment_author><wp:comment_agent>` + long + `</wp:comment_agent><wp:comment_date_gmt>2015-01-02 00:00:00</wp:comment_date_gmt><wp:comment_content>Hi</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Shop</wp:comment_author><wp:comment_date_gmt>2015-01-02 00:00:00</wp:comment_date_gmt><wp:comment_content>Order paid</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>order_note</wp:comment_type></wp:comment>
<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_author>B</wp:comment_author><wp:comment_date_gmt>2015-01-03 00:00:00</wp:comment_date_gmt><wp:comment_content>Reply to a skipped note</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>2</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>4</wp:comment_id><wp:comment_author>C</wp:comment_author><wp:comment_date_gmt>2015-01-04 00:00:00</wp:comment_date_gmt><wp:comment_content>Loop</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>5</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>D</wp:comment_author><wp:comment_date_gmt>2015-01-05 00:00:00</wp:comment_date_gmt><wp:comment_content>Pool</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>4</wp:comment_parent></wp:comment>
</item></channel></rss>`
	st := newRedirectStore()
	im := newImporter(t, newBlog(t, st), st)
	sum, err := im.Import(context.Background(), strings.NewReader(src))
	require.NoError(t, err)
	assert.Equal(t, wordpress.Count{Imported: 4, Skipped: 1}, sum.Comments)
	cs := allComments(t, st)
	require.Len(t, cs, 4)
	assert.Len(t, cs[0].UserAgent, comments.MaxUserAgent-1, "cut at a character boundary")
	assert.True(t, strings.HasPrefix(long, cs[0].UserAgent))
	assert.Zero(t, cs[1].ParentID, "the reply to a skipped comment is top-level")
	// A cycle of replies: both are created, the first of them top-level.
	assert.Zero(t, cs[2].ParentID)
	assert.Equal(t, cs[2].ID, cs[3].ParentID)
}

// TestImporter_Import_batches: a batch is stored whole or not at all, the
// Summary counts what was stored, and a second run completes the import.
func TestImporter_Import_batches(t *testing.T) {
	ref := newRedirectStore()
	importFile(t, ref, "wxr12.xml")
	want := snapshot(t, ref)

	tests := []struct {
		name          string
		batch         int
		failAt        int // the CreatePost that fails
		wantPostsKept bool
	}{
		{"one batch for the file", 200, 4, false},
		{"batches of three, the second fails", 3, 4, true},
		{"batches of one", 1, 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := newRedirectStore()
			bad := &failingStore{redirectStore: inner, failAt: tt.failAt}
			im := newImporter(t, newBlog(t, bad), bad, wordpress.WithBatchPosts(tt.batch))
			sum, err := im.Import(context.Background(), openFixture(t, "wxr12.xml"))
			require.ErrorIs(t, err, errInjected)
			posts := allPosts(t, inner)
			assert.Len(t, posts, sum.Posts.Imported+sum.Pages.Imported, "the summary counts the posts stored")
			assert.Len(t, allComments(t, inner), sum.Comments.Imported, "the summary counts the comments stored")
			assert.Less(t, len(posts), tt.failAt, "nothing of the failed batch is stored")
			assert.Equal(t, tt.wantPostsKept, len(posts) > 0, "earlier batches are kept")

			importFile(t, inner, "wxr12.xml")
			assert.Equal(t, want, snapshot(t, inner))
		})
	}
}
