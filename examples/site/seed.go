package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// seedStats counts what a seed wrote.
type seedStats struct {
	Posts, Pages, Comments, Pending, Photos int
	Took                                    time.Duration
}

func (s *seedStats) String() string {
	return fmt.Sprintf("%d posts, %d pages, %d comments (%d awaiting moderation), %d photos in %v",
		s.Posts, s.Pages, s.Comments, s.Pending, s.Photos, s.Took.Round(time.Millisecond))
}

// seedIfEmpty adds the sample content when the store holds no post at
// all, and returns what it added; nil when the store had posts. A store
// seeded before gets any of its photographs missing from mediaDir drawn
// again, so a new instance on a shared PostgreSQL database shows them.
func seedIfEmpty(ctx context.Context, b *blog.Blog, cs *comments.Service, mediaDir string, now time.Time) (*seedStats, error) {
	posts, err := b.ListAll(ctx, blog.PostQuery{Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if len(posts) > 0 {
		if _, err := b.GetPostBySlug(ctx, seedPosts[0].Slug); err == nil {
			if err := writePhotos(mediaDir, seedPhotos()); err != nil {
				return nil, fmt.Errorf("seed: %w", err)
			}
		} else if !errors.Is(err, blog.ErrNotFound) {
			return nil, fmt.Errorf("seed: %w", err)
		}
		return nil, nil
	}
	return seed(ctx, b, cs, mediaDir, now)
}

// seedPhotos lists every photograph the sample posts show.
func seedPhotos() []photo {
	var ps []photo
	for _, sp := range seedPosts {
		ps = append(ps, sp.Photos...)
	}
	return ps
}

// seed writes the photographs, then the posts and pages dated relative to
// now in the blog's time zone, then their comments.
func seed(ctx context.Context, b *blog.Blog, cs *comments.Service, mediaDir string, now time.Time) (*seedStats, error) {
	start := time.Now()
	st := &seedStats{}
	photos := seedPhotos()
	if err := writePhotos(mediaDir, photos); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	st.Photos = len(photos)

	loc := b.Location()
	today := now.In(loc)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	// Oldest first, so IDs follow the dates as they would on a real site.
	order := make([]int, len(seedPosts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return seedPosts[j].DaysAgo - seedPosts[i].DaysAgo })
	for _, i := range order {
		sp := seedPosts[i]
		day := midnight.AddDate(0, 0, -sp.DaysAgo)
		at := time.Date(day.Year(), day.Month(), day.Day(), sp.Hour, (len(sp.Slug)*7)%60, 0, 0, loc)
		p := &blog.Post{
			Kind:       sp.Kind,
			Slug:       sp.Slug,
			Title:      sp.Title,
			Author:     journalAuthor,
			Source:     sp.Body,
			Tags:       terms(sp.Tags),
			Categories: terms(sp.Categories),
			Status:     sp.Status,
			Sticky:     sp.Sticky,
		}
		if p.Status == "" {
			p.Status = blog.StatusPublished
		}
		// Written when dated (a draft a few days ago, a scheduled post
		// today), so feeds and sitemaps show the posts' own times.
		p.CreatedAt = at
		if at.After(now) {
			p.CreatedAt = now
		}
		if p.Status == blog.StatusDraft {
			p.CreatedAt = now.Add(-time.Duration(sp.DaysAgo) * 24 * time.Hour)
		} else {
			p.PublishedAt = at
		}
		p.UpdatedAt = p.CreatedAt
		created, err := b.ImportPost(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("seed: post %q: %w", sp.Slug, err)
		}
		if created.Kind == blog.KindPage {
			st.Pages++
		} else {
			st.Posts++
		}
		// Comments follow the post by a few hours each, never past now.
		clock := at
		next := func() time.Time {
			clock = clock.Add(3*time.Hour + time.Duration(len(sp.Slug)%5)*37*time.Minute)
			if limit := now.Add(-time.Minute); clock.After(limit) {
				clock = limit
			}
			return clock
		}
		thread := strconv.FormatInt(created.ID, 10)
		if err := seedThread(ctx, cs, thread, 0, sp.Comments, next, st); err != nil {
			return nil, fmt.Errorf("seed: comments on %q: %w", sp.Slug, err)
		}
	}
	st.Took = time.Since(start)
	return st, nil
}

// seedThread stores the comments cs as replies to parent (0: top level),
// each followed by its own replies, through the comment pipeline.
func seedThread(ctx context.Context, svc *comments.Service, thread string, parent int64,
	cs []seedComment, next func() time.Time, st *seedStats) error {
	for i, sc := range cs {
		who := commenters[sc.Who]
		c := &comments.Comment{
			Thread:    thread,
			ParentID:  parent,
			Type:      comments.TypeComment,
			Author:    comments.Author{Name: who.Name, Email: who.Email, URL: who.URL},
			Source:    sc.Text,
			Status:    comments.StatusApproved,
			Decision:  comments.Decision{Status: comments.StatusApproved, Rule: comments.RuleTrusted, Reason: "approved: sample content"},
			IP:        fmt.Sprintf("192.0.2.%d", 10+sc.Who),
			UserAgent: sampleAgent,
			CreatedAt: next().UTC(),
		}
		if sc.Pending {
			c.Status = comments.StatusPending
			c.Decision = comments.Decision{Status: comments.StatusPending, Rule: comments.RulePreviouslyApproved,
				Reason: "held: the author has no approved comment yet"}
			// A first comment from someone new: not the known address.
			c.IP = fmt.Sprintf("198.51.100.%d", 20+i)
		}
		c, err := svc.Import(ctx, c, "")
		if err != nil {
			return err
		}
		st.Comments++
		if sc.Pending {
			st.Pending++
		}
		if err := seedThread(ctx, svc, thread, c.ID, sc.Replies, next, st); err != nil {
			return err
		}
	}
	return nil
}

func terms(names []string) []blog.Term {
	ts := make([]blog.Term, len(names))
	for i, n := range names {
		ts[i] = blog.Term{Name: n}
	}
	return ts
}
