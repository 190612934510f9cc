// Package comments lets anonymous visitors comment on any page of a host
// site without endangering it: it validates and renders what they send,
// keeps robots and floods out without captchas, moderates with rules a
// moderator can read, and serves the comments as threads, page by page.
// It behaves as WordPress's comments do, without their known holes.
//
// # Model
//
// A [Comment] hangs on a thread, named by a key string the host chooses
// (for a blog post, its ID in decimal), so the package knows nothing of
// posts. Its [Status] is pending, approved, spam or trash; only approved
// comments are shown. Its [Decision] records which rule set the status and
// why ("links: held: 2 links, limit 2").
//
// # Rendering
//
// Comment text goes one way to HTML: [Render], or a [Renderer] built once
// with [NewRenderer], turns Markdown into HTML when the comment is written,
// and the result is stored and served as it is. The Markdown may hold HTML
// written with WordPress's comment tags (a, abbr, b, blockquote, cite,
// code, del, em, i, q, s, strike, strong, p, br, ul, ol, li, pre); any
// other tag is removed and its text kept. Quotes and lists nest at most
// [MaxNesting] deep, the rest kept as text at the deepest level, and a
// bluemonday allowlist sanitises the result last, so no script, style,
// event attribute or foreign element survives. HTML larger than
// [MaxHTMLBytes], or than [MaxHTMLRatio] times its text, is refused with
// [ErrHTMLTooLarge] (a [*ValidationError] from [Service.Submit]), and the
// cost of rendering grows linearly with the text. Only http,
// https and mailto links survive, each with rel="nofollow ugc noopener";
// any other link is shown as its text. Images are off unless [WithImages]
// is given, and then only http and https sources are kept. Text that is not
// valid UTF-8 is refused with [ErrInvalidUTF8] rather than repaired, and an
// author's website goes through [SafeURL], which accepts only absolute
// http(s) addresses without credentials and returns them normalised.
// Comments that arrive as HTML (imported from another engine) go through
// [RenderHTML], which ends in the same allowlist.
//
// # Submission
//
// [NewService] builds the [Service] over a [Store] and the host's
// [ThreadPolicy], which says which thread keys name a page that takes
// comments (a blog's is blogcomments.Threads); there is no default, so no
// key is taken on trust. A bad option is an [*OptionError].
//
// [Service.Submit] takes a [Submission] through a fixed pipeline: the
// server's fields are reset, every field is validated to WordPress's
// limits (a [*ValidationError] names each bad field by its form name),
// the thread must exist and be open ([ThreadPolicy], [ErrNotFound], [ErrClosed]), a reply's parent must
// be approved and on the same thread, then the form token, the honeypot,
// the duplicate and flood guards, rendering and moderation; the comment
// is stored and an [Event] emitted. A trusted submission (the host's
// moderator) skips the token, the flood guard and the rules.
//
// # Moderation
//
// Moderation is an ordered list of [Rule]s, each answering "no opinion" or
// a [Decision]; [Evaluate] combines them as WordPress does: spam or trash
// wins at once, else the first hold, else the first approval.
// [WordPressDefaults] holds comments with two links or more and first
// comments from an author; [WordPressRules] builds the rest of WordPress's
// discussion settings (manual moderation, moderation and disallowed word
// lists). An outside [SpamChecker] runs after the rules; if it fails, the
// comment is held, not lost. [Service.DryRun] replays stored comments
// through new rules and reports what would change. Moderators act with
// [Service.Approve], [Service.Spam], [Service.Trash], [Service.Restore],
// [Service.Delete] and [Service.EditBody]; each records its decision and
// emits an [Event] to the [Notifier]s after the write.
//
// # Anti-spam
//
// Without captchas: every form carries a token from [Service.NewToken],
// signed with HMAC-SHA256, bound to its thread, accepted once, and only
// between two seconds and a day after it was issued ([TokenError] says
// what was wrong); a hidden [HoneypotField] that people leave empty and
// robots fill (such comments are stored as spam, and their sender sees
// the usual "awaiting moderation"); the duplicate guard ([ErrDuplicate]);
// and the flood guard, one comment per IP address or email every 15
// seconds ([FloodError], matching [ErrFlood], says how long to wait). Used
// token nonces are kept in memory ([NonceCache]), or in the Store when it
// is a [NonceKeeper] (storage/pgstore), so that several instances of a
// host refuse each other's used tokens.
//
// # Threading
//
// [BuildTree] arranges comments into trees of [Node]s, oldest first, and
// [Service.Thread] pages a thread's approved comments by top-level comment
// with all their replies. Replies nest at most [WithMaxDepth] deep (5);
// a reply to a comment at the deepest level hangs beside it, on its
// parent, as WordPress shows it. [Service.PageOf] finds the page a
// comment is on, for permalinks.
//
// # HTTP
//
// The package speaks no HTTP. comments/commentshttp serves the comment
// form's POST with WordPress's field names and maps this package's errors
// to HTTP statuses, in one table.
//
// # Storage
//
// [Store] is the contract a backend implements; the Service makes every
// decision and the Store keeps what it is given. storage/memstore is the
// in-memory reference, and storagetest.RunCommentStore checks any other.
package comments
