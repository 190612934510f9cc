package pagetoken_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/internal/pagetoken"
)

func TestEncode_roundTrip(t *testing.T) {
	for _, c := range []struct {
		name string
		at   time.Time
		id   int64
	}{
		{"a time", time.Date(2013, 1, 2, 3, 4, 5, 6000, time.UTC), 42},
		{"the zero time", time.Time{}, 7},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), 1},
		{"the largest id", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1<<63 - 1},
		{"id zero", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			at, id, err := pagetoken.Decode(pagetoken.Encode(c.at, c.id))
			require.NoError(t, err)
			assert.True(t, c.at.Equal(at), "time %v, want %v", at, c.at)
			assert.Equal(t, c.id, id)
		})
	}
}

func TestDecode_malformed(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, token := range []string{
		"",
		"!!!",
		b64("123"),                    // no dot
		b64("123.-1"),                 // negative id
		b64("x.1"),                    // not a time
		b64("1.99999999999999999999"), // id past int64
		b64("99999999999999999999.1"), // time past int64
		b64("1." + string(make([]byte, 80))),
	} {
		_, _, err := pagetoken.Decode(token)
		assert.ErrorIs(t, err, pagetoken.ErrMalformed, "token %q", token)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(pagetoken.Encode(time.Date(2013, 1, 2, 0, 0, 0, 0, time.UTC), 3))
	f.Add(pagetoken.Encode(time.Time{}, 0))
	f.Add("MTIzLjQ1Ng")
	f.Fuzz(func(t *testing.T, token string) {
		at, id, err := pagetoken.Decode(token)
		if err != nil {
			return
		}
		assert.GreaterOrEqual(t, id, int64(0))
		again, id2, err := pagetoken.Decode(pagetoken.Encode(at, id))
		require.NoError(t, err)
		assert.True(t, at.Equal(again))
		assert.Equal(t, id, id2)
	})
}
