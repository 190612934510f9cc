package bloghttp

// Temporary stand-ins so the package compiles while it is being written.

import "net/http"

func (s *Server) routeFeeds(m *http.ServeMux) {}
func (s *Server) routeAdmin(m *http.ServeMux) {}
