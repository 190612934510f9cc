package storagetest_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/storage/storagetest"
)

// ruleName is the scheme of every subtest name: Subject_Rule or
// Subject_Condition_Result, each part in CamelCase.
var ruleName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*(_[A-Z][A-Za-z0-9]*){1,2}$`)

// TestRules_NamesAndDocs checks that every rule's name follows the scheme,
// that no suite runs two rules of one name, and that the package
// documentation lists each suite's rules, and states their count, exactly.
func TestRules_NamesAndDocs(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	doc := string(src)
	postStart := strings.Index(doc, "// # Post rules")
	commentStart := strings.Index(doc, "// # Comment rules")
	runningStart := strings.Index(doc, "// # Running")
	require.True(t, 0 < postStart && postStart < commentStart && commentStart < runningStart,
		"doc.go has the sections Post rules, Comment rules and Running, in that order")

	posts, comments := storagetest.RuleNames()
	for _, c := range []struct {
		suite   string
		names   []string
		section string
	}{
		{"RunPostStore", posts, doc[postStart:commentStart]},
		{"RunCommentStore", comments, doc[commentStart:runningStart]},
	} {
		t.Run(c.suite, func(t *testing.T) {
			seen := make(map[string]bool)
			for _, name := range c.names {
				assert.Regexp(t, ruleName, name, "a subtest name follows Subject_Rule or Subject_Condition_Result")
				assert.False(t, seen[name], "%s runs two rules named %s", c.suite, name)
				seen[name] = true
			}
			var inDoc []string
			for _, word := range strings.FieldsFunc(c.section, notInName) {
				if ruleName.MatchString(word) {
					inDoc = append(inDoc, word)
				}
			}
			assert.Equal(t, c.names, inDoc, "doc.go lists the rules of %s in the order they run", c.suite)
			assert.Contains(t, c.section, "["+c.suite+"] checks "+strconv.Itoa(len(c.names))+" rules",
				"doc.go states how many rules %s checks", c.suite)
		})
	}
}

// notInName reports whether r cannot be part of a rule's name.
func notInName(r rune) bool {
	return r != '_' && !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9')
}
