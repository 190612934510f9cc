package bloghttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// CommenterCookie is the name of the cookie by which the site recognises a
// returning commenter's browser: the ID of a comment that browser wrote,
// signed with the site's secret ([WithSecret]). The comments' rule
// [comments.PreviouslyApproved] approves a new comment at once only when
// this cookie names an approved comment with the same name and email;
// knowing an approved commenter's name and email is not enough.
//
// The cookie is set when a visitor who ticked "Save my name, email, and
// website" submits a comment, whatever its status: it vouches for nothing
// until a moderator approves that comment, and it names only a comment
// this browser wrote, so it cannot be had for someone else's. It is kept
// while it still vouches for the author, and cleared when the visitor
// leaves the box unticked.
const CommenterCookie = "folio_commenter_id"

const commenterFor = 365 * 24 * time.Hour

// commenterVoucher is the site's [commentshttp.Voucher].
type commenterVoucher struct{ s *Server }

var _ commentshttp.Voucher = commenterVoucher{}

func (v commenterVoucher) Vouches(r *http.Request, a comments.Author) bool {
	ck, err := r.Cookie(CommenterCookie)
	if err != nil {
		return false
	}
	raw, sig, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(v.s.sign("commenter:"+raw))) {
		return false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return false
	}
	c, err := v.s.comments.Get(r.Context(), id)
	if err != nil || c.Status != comments.StatusApproved {
		return false
	}
	return strings.TrimSpace(c.Author.Name) == strings.TrimSpace(a.Name) &&
		strings.EqualFold(strings.TrimSpace(c.Author.Email), strings.TrimSpace(a.Email))
}

func (v commenterVoucher) Remember(w http.ResponseWriter, r *http.Request, c *comments.Comment, remember bool) {
	ck := &http.Cookie{
		Name:     CommenterCookie,
		Path:     "/",
		HttpOnly: true,
		Secure:   r.TLS != nil || v.s.base.Scheme == "https",
		SameSite: http.SameSiteLaxMode,
	}
	switch {
	case !remember:
		if _, err := r.Cookie(CommenterCookie); err != nil {
			return
		}
		ck.MaxAge = -1
	case v.Vouches(r, c.Author):
		return // it already names an approved comment of theirs
	default:
		id := strconv.FormatInt(c.ID, 10)
		ck.Value = id + "." + v.s.sign("commenter:"+id)
		ck.MaxAge = int(commenterFor / time.Second)
	}
	http.SetCookie(w, ck)
}

// avatarColour returns which of n colours stands for key, chosen by
// HMAC-SHA256 with the site's secret, so the colour tells nothing about
// an email to anyone without the secret.
func (s *Server) avatarColour(key string, n int) int {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("avatar:" + key))
	return int(binary.BigEndian.Uint32(m.Sum(nil)) % uint32(n))
}
