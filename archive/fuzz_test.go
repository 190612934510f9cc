package archive_test

import (
	"encoding/binary"
	"slices"
	"testing"
	"time"

	"github.com/folioblog/folio/archive"
)

// FuzzIndex runs a sequence of Add, Remove and Move against a plain list of
// times and checks that months, total and extremes agree after every step.
// Each step is 5 bytes: an operation and an offset in seconds from 2013.
func FuzzIndex(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0})
	f.Add([]byte{1, 0, 0, 4, 0, 0, 0, 0, 4, 0, 2, 0, 0, 4, 0, 1, 0, 1, 0, 0})
	f.Add([]byte{3, 0, 0, 0, 1, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x7f, 1, 0, 0, 0, 0x80})
	zones := []string{"UTC", "Asia/Tokyo", "America/Los_Angeles", "Europe/London", "America/New_York"}
	base := time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		loc := loadLoc(t, zones[int(data[0])%len(zones)])
		ix := archive.NewIndex(loc)
		var held []time.Time
		at := func(b []byte) time.Time {
			// An int32 of seconds reaches 68 years either side.
			return base.Add(time.Duration(int32(binary.LittleEndian.Uint32(b))) * time.Second)
		}
		find := func(tm time.Time) int {
			return slices.IndexFunc(held, func(h time.Time) bool { return h.Equal(tm) })
		}
		for data = data[1:]; len(data) >= 5; data = data[5:] {
			tm := at(data[1:5])
			switch data[0] % 3 {
			case 0:
				ix.Add(tm)
				held = append(held, tm)
			case 1:
				i := find(tm)
				if got := ix.Remove(tm); got != (i >= 0) {
					t.Fatalf("Remove(%v) = %v, held %v", tm, got, i >= 0)
				}
				if i >= 0 {
					held = slices.Delete(held, i, i+1)
				}
			case 2:
				// Move the oldest held time to tm.
				if len(held) == 0 {
					if ix.Move(tm, tm) {
						t.Fatal("Move on an empty index reported true")
					}
					continue
				}
				if !ix.Move(held[0], tm) {
					t.Fatalf("Move(%v, %v) = false", held[0], tm)
				}
				held[0] = tm
			}
			if got, want := ix.Months(), model(held, loc); !slices.Equal(got, want) {
				t.Fatalf("Months = %v, want %v", got, want)
			}
			if ix.Total() != len(held) {
				t.Fatalf("Total = %d, want %d", ix.Total(), len(held))
			}
			newest, ok := ix.Newest()
			if ok != (len(held) > 0) {
				t.Fatalf("Newest ok = %v with %d held", ok, len(held))
			}
			if ok && !newest.Equal(slices.MaxFunc(held, time.Time.Compare)) {
				t.Fatalf("Newest = %v", newest)
			}
			oldest, _ := ix.Oldest()
			if ok && !oldest.Equal(slices.MinFunc(held, time.Time.Compare)) {
				t.Fatalf("Oldest = %v", oldest)
			}
		}
	})
}
