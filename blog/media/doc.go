// Package media is Folio's media library: safe image uploads kept in a
// gocloud.dev/blob bucket.
//
// # Safety
//
// [Library.Store] sniffs the type from the content (never the name), accepts
// JPEG, PNG, GIF and WebP only ([ErrUnsupportedType] otherwise), refuses an
// image whose declared pixel count exceeds the limit before decoding it
// ([ErrTooManyPixels]), refuses bodies over the size cap while reading them
// ([ErrTooLarge]), and re-encodes every image so that EXIF, XMP and IPTC
// metadata never reach the bucket.
package media
