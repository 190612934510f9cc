package comments_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// openPosts is a host's thread policy: the keys of the pages that take
// comments. A blog gets its own from blogcomments.Threads.
func openPosts(keys ...string) comments.ThreadPolicy {
	return comments.ThreadPolicyFunc(func(_ context.Context, key string) (comments.ThreadInfo, error) {
		for _, k := range keys {
			if k == key {
				return comments.ThreadInfo{Open: true}, nil
			}
		}
		return comments.ThreadInfo{}, comments.ErrNotFound
	})
}

func ExampleService_Submit() {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	svc, err := comments.NewService(memstore.New(), openPosts("hello-world"),
		comments.WithClock(func() time.Time { return now }),
		comments.WithTokenKey([]byte("a secret of at least 32 bytes...")),
	)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	// The form is shown with a token, and sent back a while later.
	token := svc.NewToken("hello-world")
	now = now.Add(time.Minute)

	c, err := svc.Submit(ctx, comments.Submission{
		Thread: "hello-world",
		Author: comments.Author{Name: "Ann", Email: "ann@example.com"},
		Body:   "Nice *post*!",
		IP:     "192.0.2.1",
		Token:  token,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.ID, c.Status, c.Decision.Rule+":", c.Decision.Reason)
	fmt.Println(c.HTML)

	// The same form cannot be sent twice by the same visitor.
	_, err = svc.Submit(ctx, comments.Submission{
		Thread: "hello-world",
		Author: comments.Author{Name: "Ann", Email: "ann@example.com"},
		Body:   "Me again",
		IP:     "192.0.2.1",
		Token:  token,
	})
	fmt.Println(err)
	// Output:
	// 1 pending previously-approved: held: first comment from this author
	// <p>Nice <em>post</em>!</p>
	// comments: bad form token: reused
}

func ExampleWordPressDefaults() {
	svc, err := comments.NewService(memstore.New(), openPosts("post-7"), comments.WithRules(comments.WordPressDefaults()...),
		comments.WithFloodInterval(0), comments.WithTokenAge(0, time.Hour))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	submit := func(body string) *comments.Comment {
		c, err := svc.Submit(ctx, comments.Submission{
			Thread: "post-7",
			Author: comments.Author{Name: "Bob", Email: "bob@example.com"},
			Body:   body,
			Token:  svc.NewToken("post-7"),
			// The host recognised Bob's browser by its signed cookie.
			Vouched: true,
		})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-8s %s: %s\n", c.Status, c.Decision.Rule, c.Decision.Reason)
		return c
	}

	first := submit("Hello!")
	if _, err := svc.Approve(ctx, first.ID); err != nil {
		panic(err)
	}
	submit("Hello again.")
	submit("See https://a.example and https://b.example")
	// Output:
	// pending  previously-approved: held: first comment from this author
	// approved previously-approved: approved: author has an approved comment
	// pending  links: held: 2 links, limit 2
}

func ExampleWordPressRules() {
	set := comments.DefaultWordPressSettings()
	set.DisallowedWords = []string{"casino"}
	c := &comments.Comment{
		Author: comments.Author{Name: "Spammer", Email: "x@example.com"},
		Source: "Best CASINO bonus",
	}
	d, err := comments.Evaluate(context.Background(), comments.WordPressRules(set), c,
		comments.RuleEnv{Store: memstore.New(), Now: time.Now()})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s (%s: %s)\n", d.Status, d.Rule, d.Reason)
	// Output:
	// trash (disallowed-words: trash: "casino" in comment)
}

func ExampleBuildTree() {
	at := func(id, parent int64, minute int) *comments.Comment {
		return &comments.Comment{
			ID: id, ParentID: parent, Source: fmt.Sprintf("comment %d", id),
			CreatedAt: time.Date(2026, 1, 1, 12, minute, 0, 0, time.UTC),
		}
	}
	list := []*comments.Comment{at(4, 1, 4), at(1, 0, 1), at(3, 0, 3), at(2, 1, 2), at(5, 2, 5), at(6, 99, 6)}

	var show func(nodes []*comments.Node)
	show = func(nodes []*comments.Node) {
		for _, n := range nodes {
			fmt.Printf("%s%s\n", strings.Repeat("  ", n.Depth-1), n.Comment.Source)
			show(n.Children)
		}
	}
	show(comments.BuildTree(list))
	// Output:
	// comment 1
	//   comment 2
	//     comment 5
	//   comment 4
	// comment 3
	// comment 6
}
