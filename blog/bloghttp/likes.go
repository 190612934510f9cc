package bloghttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/folioblog/folio/comments"
)

// handleLike serves POST /likes/{id}: one like per visitor per post,
// without accounts, then 303 back to the post's likes. Without a store
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
	if _, err := s.blog.Like(ctx, p.ID, s.likeKey(p.ID, s.visitor(w, r))); err != nil {
		s.fail(w, r, err)
		return
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
	if c, err := r.Cookie(VisitorCookie); err == nil {
		if key, sig, ok := strings.Cut(c.Value, "."); ok && hmac.Equal([]byte(sig), []byte(s.sign("visitor:"+key))) {
			return key
		}
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
