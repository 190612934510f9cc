package bloghttp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// csrfField is the anti-forgery field of moderation forms.
const csrfField = "folio_csrf"

// csrfHours is how long an anti-forgery token stays valid, in hours.
const csrfHours = 24

// adminPageSize is how many comments a page of the moderation list shows.
const adminPageSize = comments.DefaultLimit

// pendingCountCap bounds the count of held comments shown in the
// moderation tabs: counting further would read the whole queue on every
// view, so beyond it the tab says "100+".
const pendingCountCap = 100

// The statuses the moderation list can show, in the order of its tabs.
var adminStatuses = []comments.Status{
	comments.StatusPending, comments.StatusApproved, comments.StatusSpam, comments.StatusTrash,
}

// moderationActions are what a moderator can do to a comment, by the
// last segment of the action's path.
var moderationActions = map[string]func(s *Server, ctx context.Context, id int64) (*comments.Comment, error){
	"approve": func(s *Server, ctx context.Context, id int64) (*comments.Comment, error) {
		return s.comments.Approve(ctx, id)
	},
	"spam": func(s *Server, ctx context.Context, id int64) (*comments.Comment, error) {
		return s.comments.Spam(ctx, id)
	},
	"trash": func(s *Server, ctx context.Context, id int64) (*comments.Comment, error) {
		return s.comments.Trash(ctx, id)
	},
	"restore": func(s *Server, ctx context.Context, id int64) (*comments.Comment, error) {
		return s.comments.Restore(ctx, id)
	},
	"delete": func(s *Server, ctx context.Context, id int64) (*comments.Comment, error) {
		return nil, s.comments.Delete(ctx, id)
	},
}

// routeAdmin registers the moderation screens, relative to the base:
//
//	GET  /admin/                     303 to /admin/comments?status=pending
//	GET  /admin/comments             the list: ?status=pending|approved|spam|trash, ?after=PAGE
//	POST /admin/comments/{id}/approve, …/spam, …/trash, …/restore, …/delete
//	GET  /admin/comments/{id}/edit   the edit form; POST saves the body (field "comment")
//	POST /admin/comments/bulk        field "action" (approve, spam, …) and "ids[]" (or "ids")
//	GET  /admin/login, POST /admin/login, POST /admin/logout   with a *TokenAuth only
//
// Every route needs the Authorizer's approval: without it a browser's GET
// is sent to the login form when there is one (303), and anything else
// (a POST, a request with a wrong Authorization header) answers 401. A POST authorised by a cookie needs the anti-forgery field
// "folio_csrf" of the form it came from and must not come from another
// site (http.CrossOriginProtection); either failing answers 403. A POST
// authorised by a header (see [Moderator].ViaHeader) needs no field and
// is answered 200 with JSON — {"id": 12, "status": "approved"}
// ("deleted" after a delete), or for a bulk action {"action": "spam",
// "done": [ids], "missing": [ids]} — so scripts can moderate with curl; a
// browser's POST is answered 303 to the list it came from, a path built
// here from the form's validated "status" and "after" fields and nothing
// else. Moderation answers are never cached.
func (s *Server) routeAdmin(m *http.ServeMux) {
	if a := s.tokenAuth(); a != nil {
		s.routeLogin(m, a)
	}
	m.HandleFunc("GET /admin/{$}", s.moderator(false, func(w http.ResponseWriter, r *http.Request, _ Moderator) {
		http.Redirect(w, r, s.Path("/admin/comments?status=pending"), http.StatusSeeOther)
	}))
	m.HandleFunc("GET /admin/comments", s.moderator(false, s.handleAdminList))
	m.HandleFunc("GET /admin/comments/{id}/edit", s.moderator(false, s.handleAdminEditForm))
	m.HandleFunc("POST /admin/comments/{id}/edit", s.moderator(true, s.handleAdminEdit))
	m.HandleFunc("POST /admin/comments/bulk", s.moderator(true, s.handleAdminBulk))
	for name := range moderationActions {
		m.HandleFunc("POST /admin/comments/{id}/"+name, s.moderator(true, s.handleModerate(name)))
	}
}

// moderator wraps a moderation handler: it marks the answer private,
// checks authority and, for unsafe requests, the origin and the
// anti-forgery field.
func (s *Server) moderator(unsafe bool, h func(w http.ResponseWriter, r *http.Request, m Moderator)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		setPrivate(w)
		if unsafe {
			if err := s.crossOrigin.Check(r); err != nil {
				s.fail(w, r, fmt.Errorf("bloghttp: moderation: %w: %v", errForbidden, err))
				return
			}
		}
		m, ok := s.auth.Authorize(r)
		if !ok {
			if !unsafe && s.tokenAuth() != nil && r.Header.Get("Authorization") == "" {
				http.Redirect(w, r, s.Path("/admin/login"), http.StatusSeeOther)
				return
			}
			s.fail(w, r, errUnauthorized)
			return
		}
		if unsafe {
			if err := parseAdminForm(w, r); err != nil {
				s.fail(w, r, err)
				return
			}
			if !m.ViaHeader && !s.checkCSRF(s.moderatorBinding(r, m), r.PostFormValue(csrfField)) {
				s.fail(w, r, fmt.Errorf("bloghttp: moderation: missing or stale %s: %w", csrfField, errForbidden))
				return
			}
		}
		h(w, r, m)
	}
}

// csrfToken returns an anti-forgery token bound to binding for the
// current hour: "HOUR.MAC", valid for csrfHours.
func (s *Server) csrfToken(binding string) string {
	hour := s.blog.Now().Unix() / 3600
	return strconv.FormatInt(hour, 10) + "." + s.csrfMAC(binding, hour)
}

// checkCSRF reports whether token was made by csrfToken for binding
// within the last csrfHours.
func (s *Server) checkCSRF(binding, token string) bool {
	hs, mac, ok := strings.Cut(token, ".")
	if !ok {
		return false
	}
	hour, err := strconv.ParseInt(hs, 10, 64)
	now := s.blog.Now().Unix() / 3600
	if err != nil || hour > now || now-hour >= csrfHours {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(s.csrfMAC(binding, hour)))
}

func (s *Server) csrfMAC(binding string, hour int64) string {
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte("folio csrf\x00"))
	mac.Write([]byte(binding))
	mac.Write([]byte{0})
	mac.Write([]byte(strconv.FormatInt(hour, 10)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// sessionBinding is what a TokenAuth session's forms are bound to.
func sessionBinding(cookie string) string { return "session:" + cookie }

// moderatorBinding is what the forms of the moderator m making r are bound
// to: their TokenAuth session if they have one, else their name (a host's
// Authorizer has sessions Folio cannot see).
func (s *Server) moderatorBinding(r *http.Request, m Moderator) string {
	if a := s.tokenAuth(); a != nil {
		if c, err := r.Cookie(AdminCookie); err == nil && a.validSession(r.Context(), c.Value) {
			return sessionBinding(c.Value)
		}
	}
	return "moderator:" + m.Name
}

// parseAdminStatus reads a status parameter: pending when empty.
func parseAdminStatus(v string) (comments.Status, error) {
	if v == "" {
		return comments.StatusPending, nil
	}
	if st := comments.Status(v); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("bloghttp: comment status %q: %w", v, errBadRequest)
}

// listPath is the path of a page of the moderation list: built from a
// status and page token that were validated, never from a URL a request
// supplied.
func (s *Server) listPath(st comments.Status, after string) string {
	v := url.Values{"status": {string(st)}}
	if after != "" {
		v.Set("after", after)
	}
	return s.Path("/admin/comments?" + v.Encode())
}

// returnPath is where a browser's moderation POST goes back to: the list
// named by its form's "status" and "after" fields when they are valid,
// else the pending list.
func (s *Server) returnPath(r *http.Request) string {
	st, err := parseAdminStatus(r.PostFormValue("status"))
	if err != nil {
		st = comments.StatusPending
	}
	after := r.PostFormValue("after")
	if _, err := comments.ParseCursor(after); err != nil {
		after = ""
	}
	return s.listPath(st, after)
}

// adminListData is .Page of admin-comments.html.
type adminListData struct {
	Status   comments.Status // the list shown
	Tabs     []adminTab
	Comments []adminComment
	Next     string // href of the next page; "" on the last
	After    string // this page's token ("" on the first), for the forms' "after" field
	CSRF     string // the forms' folio_csrf value
	Bulk     string // where the bulk form posts
	Actions  []adminAction
	Logout   string // where the sign-out form posts; "" without a session to end
}

// adminTab is a link to the list of one status.
type adminTab struct {
	Status  comments.Status
	Label   string
	Href    string
	Current bool
	Count   string // held comments only: "3", "100+"; "" otherwise
}

// adminComment is a comment in the moderation list, with its post.
type adminComment struct {
	*comments.Comment
	PostTitle string // "" when the thread is not a post of this blog
	PostHref  string
	Edit      string // href of the edit form
	Actions   []adminAction
}

// adminAction is a button of the moderation list.
type adminAction struct {
	Name   string // "approve", …: the bulk form's action value
	Label  string
	Action string // where its form posts
}

var actionLabels = map[string]string{
	"approve": "Approve", "spam": "Spam", "trash": "Trash", "restore": "Restore", "delete": "Delete permanently",
}

// actionsFor returns the buttons that make sense for a comment in status st.
func actionsFor(st comments.Status) []string {
	switch st {
	case comments.StatusPending:
		return []string{"approve", "spam", "trash"}
	case comments.StatusApproved:
		return []string{"spam", "trash"}
	case comments.StatusSpam:
		return []string{"restore", "trash", "delete"}
	case comments.StatusTrash:
		return []string{"restore", "delete"}
	}
	return nil
}

func (s *Server) commentAction(id int64, name string) adminAction {
	return adminAction{
		Name:   name,
		Label:  actionLabels[name],
		Action: s.Path("/admin/comments/" + strconv.FormatInt(id, 10) + "/" + name),
	}
}

// handleAdminList shows one page of the comments of a status, newest
// first.
func (s *Server) handleAdminList(w http.ResponseWriter, r *http.Request, m Moderator) {
	ctx := r.Context()
	query := r.URL.Query()
	st, err := parseAdminStatus(query.Get("status"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := comments.CommentQuery{Statuses: []comments.Status{st}, Newest: true, Limit: adminPageSize}
	after := query.Get("after")
	if after != "" {
		if q.After, err = comments.ParseCursor(after); err != nil {
			s.fail(w, r, fmt.Errorf("bloghttp: page token %q: %w", after, errBadRequest))
			return
		}
	}
	list, next, err := s.comments.List(ctx, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := adminListData{
		Status: st,
		After:  after,
		CSRF:   s.csrfToken(s.moderatorBinding(r, m)),
		Bulk:   s.Path("/admin/comments/bulk"),
	}
	if next != nil {
		data.Next = s.listPath(st, next.String())
	}
	if a := s.tokenAuth(); a != nil && !m.ViaHeader {
		data.Logout = s.Path("/admin/logout")
	}
	for _, name := range actionsFor(st) {
		data.Actions = append(data.Actions, adminAction{Name: name, Label: actionLabels[name]})
	}
	pending, err := s.countPending(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range adminStatuses {
		tab := adminTab{Status: t, Label: statusLabel(t), Href: s.listPath(t, ""), Current: t == st}
		if t == comments.StatusPending {
			tab.Count = pending
		}
		data.Tabs = append(data.Tabs, tab)
	}
	posts := map[string]*blog.Post{}
	for _, c := range list {
		ac := adminComment{Comment: c, Edit: s.Path("/admin/comments/" + strconv.FormatInt(c.ID, 10) + "/edit")}
		p, ok := posts[c.Thread]
		if !ok {
			if p, err = s.threadPost(ctx, c.Thread); err != nil {
				s.fail(w, r, err)
				return
			}
			posts[c.Thread] = p
		}
		if p != nil {
			ac.PostTitle, ac.PostHref = p.Title, s.PostPath(p)
		}
		for _, name := range actionsFor(c.Status) {
			ac.Actions = append(ac.Actions, s.commentAction(c.ID, name))
		}
		data.Comments = append(data.Comments, ac)
	}
	s.render(w, r, http.StatusOK, "admin-comments.html", data)
}

func statusLabel(st comments.Status) string {
	switch st {
	case comments.StatusPending:
		return "Pending"
	case comments.StatusApproved:
		return "Approved"
	case comments.StatusSpam:
		return "Spam"
	case comments.StatusTrash:
		return "Trash"
	}
	return string(st)
}

// countPending counts held comments up to pendingCountCap.
func (s *Server) countPending(ctx context.Context) (string, error) {
	list, _, err := s.comments.List(ctx, comments.CommentQuery{
		Statuses: []comments.Status{comments.StatusPending}, Limit: pendingCountCap,
	})
	if err != nil {
		return "", err
	}
	if len(list) >= pendingCountCap {
		return strconv.Itoa(pendingCountCap) + "+", nil
	}
	return strconv.Itoa(len(list)), nil
}

// threadPost returns the post a thread key names, whatever its status, or
// nil when the key names no post of this blog.
func (s *Server) threadPost(ctx context.Context, thread string) (*blog.Post, error) {
	id, err := strconv.ParseInt(thread, 10, 64)
	if err != nil || id <= 0 {
		return nil, nil
	}
	p, err := s.blog.GetPost(ctx, id)
	if errors.Is(err, blog.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// commentIDParam reads the {id} of a moderation path; a malformed one
// names no comment.
func commentIDParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("bloghttp: comment %q: %w", r.PathValue("id"), comments.ErrNotFound)
	}
	return id, nil
}

// moderationResult is the JSON answer to a header-authorised action.
type moderationResult struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// bulkResult is the JSON answer to a header-authorised bulk action.
type bulkResult struct {
	Action  string  `json:"action"`
	Done    []int64 `json:"done"`
	Missing []int64 `json:"missing"`
}

// writeJSON answers a script with v.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// handleModerate applies one action to one comment.
func (s *Server) handleModerate(name string) func(w http.ResponseWriter, r *http.Request, m Moderator) {
	act := moderationActions[name]
	return func(w http.ResponseWriter, r *http.Request, m Moderator) {
		id, err := commentIDParam(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c, err := act(s, r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if m.ViaHeader {
			res := moderationResult{ID: id, Status: "deleted"}
			if c != nil {
				res.Status = string(c.Status)
			}
			writeJSON(w, res)
			return
		}
		http.Redirect(w, r, s.returnPath(r), http.StatusSeeOther)
	}
}

// maxBulk is the most comments one bulk action may name.
const maxBulk = comments.MaxLimit

// handleAdminBulk applies one action to several comments. Comments that
// are gone already are skipped (and listed as missing to a script); any
// other failure stops the batch, with the comments before it done.
func (s *Server) handleAdminBulk(w http.ResponseWriter, r *http.Request, m Moderator) {
	name := r.PostFormValue("action")
	act, ok := moderationActions[name]
	if !ok {
		s.fail(w, r, fmt.Errorf("bloghttp: bulk action %q: %w", name, errBadRequest))
		return
	}
	raw := append(r.PostForm["ids[]"], r.PostForm["ids"]...)
	if len(raw) > maxBulk {
		s.fail(w, r, fmt.Errorf("bloghttp: bulk action on %d comments, at most %d: %w", len(raw), maxBulk, errBadRequest))
		return
	}
	ids := make([]int64, 0, len(raw))
	for _, v := range raw {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, fmt.Errorf("bloghttp: bulk action: comment %q: %w", v, errBadRequest))
			return
		}
		ids = append(ids, id)
	}
	res := bulkResult{Action: name, Done: []int64{}, Missing: []int64{}}
	for _, id := range ids {
		_, err := act(s, r.Context(), id)
		switch {
		case errors.Is(err, comments.ErrNotFound):
			res.Missing = append(res.Missing, id)
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			res.Done = append(res.Done, id)
		}
	}
	if m.ViaHeader {
		writeJSON(w, res)
		return
	}
	http.Redirect(w, r, s.returnPath(r), http.StatusSeeOther)
}

// adminEditData is .Page of admin-edit.html.
type adminEditData struct {
	Comment   *comments.Comment
	Body      string // the text in the box: the stored source, or what failed to save
	Error     string // why saving failed; "" for none
	Action    string // where the form posts
	CSRF      string
	Status    comments.Status // the list to go back to, for the form's "status" field
	Back      string          // href of that list
	PostTitle string
	PostHref  string
}

// handleAdminEditForm shows a comment's body in a box to edit.
func (s *Server) handleAdminEditForm(w http.ResponseWriter, r *http.Request, m Moderator) {
	id, err := commentIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.comments.Get(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderEdit(w, r, m, http.StatusOK, c, c.Source, "")
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, m Moderator, status int, c *comments.Comment, body, msg string) {
	data := adminEditData{
		Comment: c,
		Body:    body,
		Error:   msg,
		Action:  s.Path("/admin/comments/" + strconv.FormatInt(c.ID, 10) + "/edit"),
		CSRF:    s.csrfToken(s.moderatorBinding(r, m)),
		Status:  c.Status,
		Back:    s.listPath(c.Status, ""),
	}
	p, err := s.threadPost(r.Context(), c.Thread)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p != nil {
		data.PostTitle, data.PostHref = p.Title, s.PostPath(p)
	}
	s.render(w, r, status, "admin-edit.html", data)
}

// handleAdminEdit saves a comment's new body (field "comment"), rendered
// and sanitised again as a submission is. A body the comment rules
// refuse shows the form again with the reason, answering 422 as statusOf
// answers every refused comment.
func (s *Server) handleAdminEdit(w http.ResponseWriter, r *http.Request, m Moderator) {
	id, err := commentIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := r.PostFormValue(comments.FieldComment)
	c, err := s.comments.EditBody(r.Context(), id, body)
	var ve *comments.ValidationError
	if errors.As(err, &ve) && !m.ViaHeader {
		old, gerr := s.comments.Get(r.Context(), id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		msgs := make([]string, 0, len(ve.Fields))
		for _, f := range ve.Fields {
			msgs = append(msgs, f.Message)
		}
		s.renderEdit(w, r, m, statusOf(err), old, body, strings.Join(msgs, " "))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if m.ViaHeader {
		writeJSON(w, moderationResult{ID: c.ID, Status: string(c.Status)})
		return
	}
	http.Redirect(w, r, s.listPath(c.Status, ""), http.StatusSeeOther)
}
