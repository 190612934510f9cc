package bloghttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// maxLikeUserAgent is how much of a user agent goes into a visitor key.
const maxLikeUserAgent = 254

// handleLike serves POST /likes/{id}: one like per visitor per post,
// without accounts, then 303 back to the post's likes. Without a store
// that keeps likes ([blog.LikeStore]) it is 404; a post visitors cannot
// see is 404; a cross-origin browser post is 403.
//
// # Who is a visitor
//
// The key a like is stored under is hex(HMAC-SHA256(secret, "POSTID:" +
// NETWORK + "|" + USER-AGENT)), where NETWORK is the client's address
// reduced to its /64 for IPv6 (a household or phone gets a whole /64) or
// the whole address for IPv4. No cookie takes part: a cookie is the
// visitor's to drop, and a key made from one would let them like again
// each time they drop it. A store that only counts rows cannot record a
// cookie beside the network key without counting the like twice, so the
// network key alone decides, and a person can add at most one like per
// network and browser — the bound a cookie-less fallback has anyway.
// People behind one address with the same browser count once.
func (s *Server) handleLike(w http.ResponseWriter, r *http.Request) {
	if s.likes == nil {
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
	if _, err := s.likes.AddLike(ctx, p.ID, s.likeKey(r, p.ID)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.PostURL(p)+"#likes", http.StatusSeeOther)
}

// likeKey is the key of r's visitor for a like of post id.
func (s *Server) likeKey(r *http.Request, id int64) string {
	ua := strings.TrimSpace(r.UserAgent())
	if len(ua) > maxLikeUserAgent {
		ua = ua[:maxLikeUserAgent]
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(strconv.FormatInt(id, 10) + ":" + networkOf(s.clientIP(r)) + "|" + ua))
	return hex.EncodeToString(m.Sum(nil))
}

// networkOf reduces an IP address to its /64 (IPv6) or keeps it (IPv4);
// text that is no address is kept as it is.
func networkOf(addr string) string {
	ip := net.ParseIP(strings.TrimSpace(addr))
	switch {
	case ip == nil:
		return addr
	case ip.To4() != nil:
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
