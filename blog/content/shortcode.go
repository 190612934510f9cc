package content

import (
	"regexp"
	"strings"
)

var (
	hugoHighlight   = regexp.MustCompile(`(?s)\{\{[<%]\s*highlight\s+([\w+#-]*)[^}]*?[>%]\}\}\r?\n?(.*?)\r?\n?\{\{[<%]\s*/highlight\s*[>%]\}\}`)
	liquidHighlight = regexp.MustCompile(`(?s)\{%-?\s*highlight\s+([\w+#-]*)[^%]*?-?%\}\r?\n?(.*?)\r?\n?\{%-?\s*endhighlight\s*-?%\}`)
	hugoTag         = regexp.MustCompile(`\{\{[<%]\s*(/?)\s*([\w.-]*)((?:[^}"]|"(?:[^"\\]|\\.)*")*?)\s*[>%]\}\}`)
	liquidTag       = regexp.MustCompile(`\{%-?\s*(\w*)((?:[^%"]|"[^"]*")*?)-?%\}`)
	liquidOutput    = regexp.MustCompile(`\{\{-?\s*((?:[^}<%"]|"[^"]*")*?)-?\}\}`)
	attr            = regexp.MustCompile(`([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))|"((?:[^"\\]|\\.)*)"|(\S+)`)
	unescape        = strings.NewReplacer(`\"`, `"`, `\\`, `\`)
)

// resolver finds the Folio path of another file of the tree, for ref,
// relref, link and post_url.
type resolver func(target string) (string, bool)

// convert rewrites Hugo shortcodes and Liquid tags into Folio Markdown.
// Anything it does not know becomes a visible placeholder, counted in n;
// no "{{<", "{{%" or "{%" is left.
func convert(body string, resolve resolver, liquid bool) (out string, n int) {
	fence := func(lang, code string) string {
		return "```" + lang + "\n" + strings.TrimRight(code, "\r\n") + "\n```"
	}
	body = hugoHighlight.ReplaceAllStringFunc(body, func(m string) string {
		s := hugoHighlight.FindStringSubmatch(m)
		return fence(s[1], s[2])
	})
	body = liquidHighlight.ReplaceAllStringFunc(body, func(m string) string {
		s := liquidHighlight.FindStringSubmatch(m)
		return fence(s[1], s[2])
	})
	placeholder := func(name string) string {
		n++
		if name == "" {
			name = "?"
		}
		return "[unsupported shortcode: " + name + "]"
	}
	ref := func(name string, args []string) string {
		if len(args) == 0 {
			return placeholder(name)
		}
		if p, ok := resolve(args[0]); ok {
			return p
		}
		return placeholder(name + " " + args[0])
	}
	body = hugoTag.ReplaceAllStringFunc(body, func(m string) string {
		s := hugoTag.FindStringSubmatch(m)
		closing, name := s[1] != "", s[2]
		if closing {
			n++
			return ""
		}
		named, args := parseAttrs(s[3])
		switch name {
		case "figure":
			alt := named["alt"]
			if alt == "" {
				alt = named["title"]
			}
			out := "![" + escapeAlt(alt) + "](" + named["src"]
			if c := named["caption"]; c != "" {
				out += ` "` + strings.ReplaceAll(c, `"`, `\"`) + `"`
			}
			return out + ")"
		case "ref", "relref":
			if v := named["path"]; v != "" {
				args = append([]string{v}, args...)
			}
			return ref(name, args)
		}
		return placeholder(name)
	})
	body = liquidTag.ReplaceAllStringFunc(body, func(m string) string {
		s := liquidTag.FindStringSubmatch(m)
		name := s[1]
		_, args := parseAttrs(s[2])
		switch name {
		case "link", "post_url":
			return ref(name, args)
		case "raw", "endraw":
			return ""
		}
		return placeholder(name)
	})
	if liquid {
		body = liquidOutput.ReplaceAllStringFunc(body, func(m string) string {
			return placeholder(strings.TrimSpace(liquidOutput.FindStringSubmatch(m)[1]))
		})
	}
	// Whatever opener the patterns could not read is still not shown raw.
	for _, o := range []string{"{{<", "{{%", "{%"} {
		if c := strings.Count(body, o); c > 0 {
			n += c
			body = strings.ReplaceAll(body, o, "[unsupported shortcode: "+o[1:]+"]")
		}
	}
	return body, n
}

func parseAttrs(s string) (named map[string]string, pos []string) {
	named = map[string]string{}
	for _, m := range attr.FindAllStringSubmatch(s, -1) {
		switch {
		case m[1] != "":
			named[m[1]] = unescape.Replace(m[2]) + m[3] + m[4]
		case m[5] != "":
			pos = append(pos, unescape.Replace(m[5]))
		default:
			pos = append(pos, m[6])
		}
	}
	return named, pos
}

func escapeAlt(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(s)
}
