// Package sitemap writes the documents of the sitemaps.org protocol: a
// URL set and a sitemap index.
package sitemap

import (
	"bytes"
	"encoding/xml"
	"time"
)

// NS is the protocol's XML namespace.
const NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// ContentType is the media type sitemaps are served with.
const ContentType = "application/xml; charset=utf-8"

// MaxURLs is the most URLs one sitemap may list under the protocol.
const MaxURLs = 50000

// URLSet is a sitemap: the URLs of a site, each with its last change.
type URLSet struct {
	XMLName xml.Name `xml:"urlset"`
	Xmlns   string   `xml:"xmlns,attr"`
	URLs    []URL    `xml:"url"`
}

// URL is one entry of a URL set or an index; LastMod is optional.
type URL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// Index lists sitemaps, for a site with more URLs than one holds.
type Index struct {
	XMLName  xml.Name `xml:"sitemapindex"`
	Xmlns    string   `xml:"xmlns,attr"`
	Sitemaps []URL    `xml:"sitemap"`
}

// Time formats t as the W3C Datetime the protocol asks for.
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Encode writes a URLSet or an Index as an indented XML document. The
// namespace is set when the caller left it empty.
func Encode(v any) ([]byte, error) {
	switch d := v.(type) {
	case *URLSet:
		if d.Xmlns == "" {
			d.Xmlns = NS
		}
	case *Index:
		if d.Xmlns == "" {
			d.Xmlns = NS
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
