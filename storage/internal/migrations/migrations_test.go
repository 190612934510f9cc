package migrations_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/storage/internal/migrations"
)

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_more.sql": {Data: []byte("B")},
		"m/0001_init.sql": {Data: []byte("A")},
	}
	ms, err := migrations.Load(fsys, "m")
	require.NoError(t, err)
	assert.Equal(t, []migrations.Migration{
		{Version: 1, Name: "0001_init.sql", SQL: "A"},
		{Version: 2, Name: "0002_more.sql", SQL: "B"},
	}, ms, "in version order")

	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"no digit": {"m/init.sql": {}},
		"not sql":  {"m/0001_a.txt": {}},
		"twice":    {"m/0001_a.sql": {}, "m/0001_b.sql": {}},
	} {
		_, err := migrations.Load(fsys, "m")
		assert.Error(t, err, name)
	}
}
