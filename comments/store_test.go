package comments_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func TestCursor_Follows(t *testing.T) {
	at := time.Date(2013, 1, 31, 12, 0, 0, 0, time.UTC)
	c := &comments.Cursor{CreatedAt: at, ID: 10}
	tests := []struct {
		name   string
		at     time.Time
		id     int64
		newest bool
		want   bool
	}{
		{"later, oldest first", at.Add(time.Second), 1, false, true},
		{"earlier, oldest first", at.Add(-time.Second), 99, false, false},
		{"same time higher id, oldest first", at, 11, false, true},
		{"same time lower id, oldest first", at, 9, false, false},
		{"itself, oldest first", at, 10, false, false},
		{"earlier, newest first", at.Add(-time.Second), 99, true, true},
		{"later, newest first", at.Add(time.Second), 1, true, false},
		{"same time lower id, newest first", at, 9, true, true},
		{"same time higher id, newest first", at, 11, true, false},
		{"itself, newest first", at, 10, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.Follows(tt.at, tt.id, tt.newest))
		})
	}
}

func TestParseCursor(t *testing.T) {
	c := &comments.Cursor{CreatedAt: time.Date(2013, 1, 2, 3, 4, 5, 6000, time.UTC), ID: 9}
	got, err := comments.ParseCursor(c.String())
	require.NoError(t, err)
	assert.Equal(t, c, got)

	for _, bad := range []string{"", "nope", "MTIz"} {
		_, err := comments.ParseCursor(bad)
		var ve *comments.ValidationError
		require.ErrorAs(t, err, &ve, "token %q", bad)
		_, ok := ve.Field("after")
		assert.True(t, ok, "the problem names the field after")
	}
}
