package bloghttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// handleLike serves POST /likes/{id}: one like per visitor per post,
// without accounts, then 303 back to the post's likes. With the form field
// undo=1 it takes the visitor's like back instead, where the store can
// ([blog.UnlikeStore]). Without a store
// that keeps likes ([blog.Blog.LikesEnabled]) it is 404; a post visitors cannot
// see is 404; a cross-origin browser post is 403.
//
// # Who is a visitor
//
// A visitor is known by the cookie folio_visitor when it carries one this
// site signed, and otherwise by their network alone ([comments.NetworkKey]:
// their address reduced to its /64 for IPv6, as a household or phone gets
// a whole /64, or the whole address for IPv4). The user agent plays no
// part: it is the visitor's to change at will. A visitor without the
// cookie gets one holding the network key (signed, HttpOnly, a year), so
// the same browser keeps its key when it moves to another network, and
// dropping the cookie only brings back the same network key: nobody adds
// more than one like per post from one network. The key a
// like is stored under is an HMAC of the post and the visitor's key with
// the site's secret; the store never sees an address.
func (s *Server) handleLike(w http.ResponseWriter, r *http.Request) {
	if !s.blog.LikesEnabled() {
		s.notFound(w, r)
		return
	}
	if err := s.crossOrigin.Check(r); err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: like: %w: %w", errForbidden, err))
		return
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	p, err := s.blog.PublicPost(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := s.likeKey(p.ID, s.visitor(w, r))
	r.Body = http.MaxBytesReader(w, r.Body, 1<<10) // a like's form is one field
	undo := r.PostFormValue("undo") == "1"
	if undo {
		_, err = s.blog.Unlike(ctx, p.ID, key)
	} else {
		_, err = s.blog.Like(ctx, p.ID, key)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.blog.LikesUndoable() {
		s.setLiked(w, r, p.ID, !undo)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.PostPath(p)+"#likes", http.StatusSeeOther)
}

// VisitorCookie is the name of the cookie that keeps a visitor's key for
// likes.
const VisitorCookie = "folio_visitor"

// visitor returns the key of r's visitor: the one their cookie carries if
// this site signed it, else one made from their network alone, which it
// gives them in the cookie.
func (s *Server) visitor(w http.ResponseWriter, r *http.Request) string {
	if key, ok := s.visitorKey(r); ok {
		return key
	}
	key := s.sign("network:" + comments.NetworkKey(s.clientIP(r)))
	http.SetCookie(w, &http.Cookie{
		Name:     VisitorCookie,
		Value:    key + "." + s.sign("visitor:"+key),
		Path:     s.Path("/"),
		MaxAge:   365 * 24 * 60 * 60,
		HttpOnly: true,
		Secure:   r.TLS != nil || s.base.Scheme == "https",
		SameSite: http.SameSiteLaxMode,
	})
	return key
}

// visitorKey returns the key r's signed VisitorCookie carries.
func (s *Server) visitorKey(r *http.Request) (string, bool) {
	if c, err := r.Cookie(VisitorCookie); err == nil {
		if key, sig, ok := strings.Cut(c.Value, "."); ok && hmac.Equal([]byte(sig), []byte(s.sign("visitor:"+key))) {
			return key, true
		}
	}
	return "", false
}

// sign returns the first 128 bits of HMAC-SHA256(secret, text), in hex.
func (s *Server) sign(text string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// likeKey is the key a like of post id by visitor is stored under.
func (s *Server) likeKey(id int64, visitor string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("like:" + strconv.FormatInt(id, 10) + ":" + visitor))
	return hex.EncodeToString(m.Sum(nil))
}

// LikedCookie is the name of the cookie that lists the posts a browser
// liked, so that their pages, and only theirs, are drawn for it with "you
// like this" and an undo button rather than served from the shared cache.
const LikedCookie = "folio_liked"

// maxLiked is how many liked posts LikedCookie remembers, most recent
// first: an older like still counts, but its page no longer offers undo.
const maxLiked = 50

// likedIDs returns the post IDs r's signed LikedCookie lists.
func (s *Server) likedIDs(r *http.Request) []int64 {
	c, err := r.Cookie(LikedCookie)
	if err != nil {
		return nil
	}
	list, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign("liked:"+list))) {
		return nil
	}
	var ids []int64
	for f := range strings.SplitSeq(list, "-") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil && id > 0 && len(ids) < maxLiked {
			ids = append(ids, id)
		}
	}
	return ids
}

// setLiked adds post id to r's LikedCookie, or takes it out.
func (s *Server) setLiked(w http.ResponseWriter, r *http.Request, id int64, liked bool) {
	ids := slices.DeleteFunc(s.likedIDs(r), func(v int64) bool { return v == id })
	if liked {
		ids = append([]int64{id}, ids...)
	}
	ids = ids[:min(len(ids), maxLiked)]
	ck := &http.Cookie{
		Name:     LikedCookie,
		Path:     s.Path("/"),
		HttpOnly: true,
		Secure:   r.TLS != nil || s.base.Scheme == "https",
		SameSite: http.SameSiteLaxMode,
	}
	if len(ids) == 0 {
		ck.MaxAge = -1
	} else {
		parts := make([]string, len(ids))
		for i, v := range ids {
			parts[i] = strconv.FormatInt(v, 10)
		}
		list := strings.Join(parts, "-")
		ck.Value, ck.MaxAge = list+"."+s.sign("liked:"+list), 365*24*60*60
	}
	http.SetCookie(w, ck)
}

// likedByVisitor reports whether r's visitor likes p and may undo it:
// only for a post their LikedCookie lists (the others are served from
// the cache), confirmed by the store.
func (s *Server) likedByVisitor(r *http.Request, p *blog.Post) (bool, error) {
	if !slices.Contains(s.likedIDs(r), p.ID) {
		return false, nil
	}
	key, ok := s.visitorKey(r)
	if !ok {
		return false, nil
	}
	if !s.blog.LikesUndoable() {
		return false, nil
	}
	return s.blog.Liked(r.Context(), p.ID, s.likeKey(p.ID, key))
}
