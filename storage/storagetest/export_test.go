package storagetest

// RuleNames returns the subtest names of RunPostStore and RunCommentStore,
// in order, for the package's own tests.
func RuleNames() (posts, comments []string) {
	for _, r := range postRules {
		posts = append(posts, r.name)
	}
	for _, r := range commentRules {
		comments = append(comments, r.name)
	}
	return posts, comments
}
