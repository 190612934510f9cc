package bloghttp

// SetSitemapMaxURLs lowers the sitemap's limit for a test and returns the
// function that restores it.
func SetSitemapMaxURLs(n int) (restore func()) {
	old := sitemapMaxURLs
	sitemapMaxURLs = n
	return func() { sitemapMaxURLs = old }
}

// SetMaxTrackedAddrs lowers the memory of failed sign-ins for a test and
// returns the function that restores it.
func SetMaxTrackedAddrs(n int) (restore func()) {
	old := maxTrackedAddrs
	maxTrackedAddrs = n
	return func() { maxTrackedAddrs = old }
}

// StatusOf is the server's table from errors to HTTP statuses.
func StatusOf(err error) int { return statusOf(err) }

// AvatarClass is the colour class of the initials avatar for an email,
// and AvatarColours how many classes folio.css must define.
func (s *Server) AvatarClass(name, email string) string { return s.avatar(name, email).Class }

const AvatarColours = avatarColours
