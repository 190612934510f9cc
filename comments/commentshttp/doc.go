// Package commentshttp translates between HTTP and the comments domain:
// the comment form's POST with WordPress's field names, its table from
// comment errors to HTTP statuses, and the cookie that remembers a
// commenter. Package comments itself speaks no HTTP.
//
// [NewHandler] serves the form: it calls [comments.Service.Submit],
// answers 303 See Other to the comment on its page, or shows the form
// again with each field's problem ([FormState], [WithFormRenderer]), and
// keeps the visitor's name, email and website in a cookie when asked
// ([Remembered] reads it back):
//
//	mux.Handle("POST /comments", commentshttp.NewHandler(svc,
//		commentshttp.WithRedirect(func(r *http.Request, c *comments.Comment) string {
//			return "/posts/" + c.Thread + "/"
//		})))
package commentshttp
