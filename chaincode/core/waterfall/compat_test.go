package waterfall

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

var updateCompat = flag.Bool("update-compat", false, "rewrite testdata/compat/*.json from the current engine")

// TestExistingDefinitionsKeepTheirBytes replays the testdata deals over a
// seeded chain of reports and compares the JSON of every result with the
// bytes recorded before the trustee-certificate conventions (yield
// supplement, fee bases, payment calendars, new inputs) were added: a
// definition that uses none of them must certify exactly what it did.
func TestExistingDefinitionsKeepTheirBytes(t *testing.T) {
	for _, name := range []string{"auto_2025_1.json", "prorata_2025_2.json", "losses_2026_1.json"} {
		def := loadDefinition(t, name)
		st, err := NewState(def)
		if err != nil {
			t.Fatal(err)
		}
		periods := genPeriods(rand.New(rand.NewSource(13)), def, 12)
		for i := range periods { // the generator fixes IDX1 and IDX2; these deals name their own index
			periods[i].IndexFixings["SOFR"] = periods[i].IndexFixings["IDX1"]
		}
		results, err := Replay(def, st, periods)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := json.MarshalIndent(results, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "compat", name)
		if *updateCompat {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: results differ from %s", name, path)
		}
	}
}
