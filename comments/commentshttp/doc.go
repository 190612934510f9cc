// Package commentshttp translates between HTTP and the comments domain:
// the comment form's POST with WordPress's field names, the one table from
// comment errors to HTTP statuses, and the cookie that remembers a
// commenter. Package comments itself speaks no HTTP.
//
// # The form handler
//
// [NewHandler] serves the form for a host that renders its own pages: it
// reads the form ([ReadForm]), calls [comments.Service.Submit], answers
// 303 See Other to the comment on its page, or shows the form again with
// each field's problem ([FormState], [WithFormRenderer]), and keeps the
// visitor's name, email and website in a cookie when asked ([Remembered]
// reads it back):
//
//	mux.Handle("POST /comments", commentshttp.NewHandler(svc,
//		commentshttp.WithRedirect(func(r *http.Request, c *comments.Comment) string {
//			return "/posts/" + c.Thread + "/"
//		})))
//
// # Statuses
//
// [StatusOf] is the table from errors to statuses: a refused comment is
// 422 with each field's problem, a flood 429 with Retry-After, a duplicate
// 409, a closed thread or a bad form token 403, an unknown thread 404, a
// store that is down ([comments.ErrUnavailable]) 503. An adapter that
// calls Submit itself, as blog/bloghttp does, reads the form with
// [ReadForm], falls back to StatusOf in its own table and readies the
// form again with [Refuse], so that both answer a comment alike.
package commentshttp
