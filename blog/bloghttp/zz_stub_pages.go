package bloghttp

// Temporary stand-ins so the package compiles while it is being written.

import "net/http"

type theme struct{}

func loadTheme(any) (*theme, error) { return &theme{}, nil }

func (s *Server) newCommentForm() http.Handler { return http.NotFoundHandler() }

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request)             { s.notFound(w, r) }
func (s *Server) handleTag(w http.ResponseWriter, r *http.Request)              { s.notFound(w, r) }
func (s *Server) handleCategory(w http.ResponseWriter, r *http.Request)         { s.notFound(w, r) }
func (s *Server) handleCommentPermalink(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) }
func (s *Server) handleLike(w http.ResponseWriter, r *http.Request)             { s.notFound(w, r) }
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request)           { s.notFound(w, r) }
func (s *Server) handlePath(w http.ResponseWriter, r *http.Request)             { s.notFound(w, r) }

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	http.Error(w, http.StatusText(status), status)
}

// render writes the page template name with data and the given status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	http.Error(w, "not yet", http.StatusNotImplemented)
}
