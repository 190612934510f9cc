// Package pagetoken is the one encoding of keyset pagination tokens that
// Folio's listings share: posts page by publication time and ID, comments
// by creation time and ID, and both hand the visitor the same kind of
// opaque token to come back with.
//
// A token is the base64url (unpadded) form of "MICROS.ID", where MICROS is
// the time in microseconds since the Unix epoch, or "z" for the zero time
// (a post never published).
package pagetoken

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// maxRaw is the longest decoded token accepted: two int64s and a dot fit
// in 41 bytes.
const maxRaw = 64

// zeroTime stands for the zero time.Time in a token.
const zeroTime = "z"

// ErrMalformed is returned by Decode for anything Encode did not make.
var ErrMalformed = errors.New("pagetoken: malformed page token")

// Encode returns the token for the sort key (t, id).
func Encode(t time.Time, id int64) string {
	ts := zeroTime
	if !t.IsZero() {
		ts = strconv.FormatInt(t.UnixMicro(), 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(ts + "." + strconv.FormatInt(id, 10)))
}

// Decode returns the sort key a token made by Encode names, in UTC, or
// ErrMalformed. The ID is never negative.
func Decode(token string) (time.Time, int64, error) {
	if base64.RawURLEncoding.DecodedLen(len(token)) > maxRaw {
		return time.Time{}, 0, ErrMalformed
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return time.Time{}, 0, ErrMalformed
	}
	ts, ids, ok := strings.Cut(string(raw), ".")
	if !ok {
		return time.Time{}, 0, ErrMalformed
	}
	id, err := strconv.ParseInt(ids, 10, 64)
	if err != nil || id < 0 {
		return time.Time{}, 0, ErrMalformed
	}
	if ts == zeroTime {
		return time.Time{}, id, nil
	}
	us, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, 0, ErrMalformed
	}
	return time.UnixMicro(us).UTC(), id, nil
}
