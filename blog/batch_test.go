package blog_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

// unbatched is memstore without blog.Batcher: the Store interface only.
type unbatched struct{ blog.Store }

func importable(title string, day int) *blog.Post {
	at := time.Date(2012, 3, day, 9, 0, 0, 0, time.UTC)
	return &blog.Post{Title: title, Source: "Body of *" + title + "*.", Status: blog.StatusPublished,
		CreatedAt: at, PublishedAt: at}
}

func TestBlog_ImportBatch(t *testing.T) {
	tests := []struct {
		name     string
		store    func() blog.Store
		posts    []*blog.Post
		wantErr  bool
		wantKept []string // titles stored afterwards, newest first
		canBatch bool
	}{
		{"all stored", func() blog.Store { return memstore.New() },
			[]*blog.Post{importable("One", 1), importable("Two", 2)}, false, []string{"Two", "One"}, true},
		{"one refused, none stored", func() blog.Store { return memstore.New() },
			[]*blog.Post{importable("One", 1), importable("", 2), importable("Three", 3)}, true, nil, true},
		{"without Batcher the ones before stay", func() blog.Store { return unbatched{memstore.New()} },
			[]*blog.Post{importable("One", 1), importable("", 2), importable("Three", 3)}, true, []string{"One"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.store()
			b, err := blog.New(st)
			require.NoError(t, err)
			assert.Equal(t, tt.canBatch, b.CanBatch())
			got, err := b.ImportBatch(context.Background(), tt.posts)
			if tt.wantErr {
				require.ErrorIs(t, err, blog.ErrBatchAborted)
				var ve *blog.ValidationError
				assert.True(t, errors.As(err, &ve), "the cause is kept: %v", err)
				assert.Nil(t, got)
			} else {
				require.NoError(t, err)
				require.Len(t, got, len(tt.posts))
				for i, p := range got {
					assert.NotZero(t, p.ID)
					assert.Equal(t, tt.posts[i].Title, p.Title, "in the order given")
					assert.Contains(t, string(p.HTML), "<em>", "rendered at write time")
				}
			}
			stored, err := st.ListPosts(context.Background(), blog.PostQuery{})
			require.NoError(t, err)
			var titles []string
			for _, p := range stored {
				titles = append(titles, p.Title)
			}
			assert.Equal(t, tt.wantKept, titles)
		})
	}
}

// An importer brings many posts over at once: on a store that is a
// blog.Batcher they are written in one transaction, all or none.
func ExampleBlog_ImportBatch() {
	b, _ := blog.New(memstore.New())
	at := time.Date(2013, 1, 15, 8, 30, 0, 0, time.UTC)
	stored, err := b.ImportBatch(context.Background(), []*blog.Post{
		{Title: "Hello, fjord", Source: "Morning on the fjord.", Status: blog.StatusPublished, CreatedAt: at, PublishedAt: at},
		{Title: "Ice", Source: "Ice on the *water*.", Status: blog.StatusPublished, CreatedAt: at, PublishedAt: at.Add(time.Hour)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range stored {
		fmt.Println(p.Slug, strings.TrimSpace(string(p.HTML)))
	}
	// Output:
	// hello-fjord <p>Morning on the fjord.</p>
	// ice <p>Ice on the <em>water</em>.</p>
}
