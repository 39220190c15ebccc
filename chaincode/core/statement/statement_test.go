package statement

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

var update = flag.Bool("update", false, "rewrite the golden statements in testdata")

const dealDir = "../waterfall/testdata/golden/indenture_2026_a"

// runDeal replays the indenture deal and builds each period's statement.
func runDeal(t *testing.T) (waterfall.Definition, []waterfall.Period, []waterfall.Result, []Statement) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dealDir, "definition.json"))
	if err != nil {
		t.Fatal(err)
	}
	def, err := waterfall.ParseDefinition(b)
	if err != nil {
		t.Fatal(err)
	}
	var periods []waterfall.Period
	pb, err := os.ReadFile(filepath.Join(dealDir, "periods.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pb, &periods); err != nil {
		t.Fatal(err)
	}
	st, err := waterfall.NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	results, err := waterfall.Replay(def, st, periods)
	if err != nil {
		t.Fatal(err)
	}
	var sts []Statement
	for i, res := range results {
		s, err := Build(def, periods[i], res)
		if err != nil {
			t.Fatalf("period %d: %v", i+1, err)
		}
		sts = append(sts, s)
	}
	return def, periods, results, sts
}

func csvRows(t *testing.T, s Statement) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestStatementFiguresByHand matches the statement's own figures (per
// $1,000, factors, percentages, section totals, labels in waterfall order)
// against the hand-worked table.
func TestStatementFiguresByHand(t *testing.T) {
	_, _, _, sts := runDeal(t)
	f, err := os.Open("testdata/indenture_2026_a_expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	want, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want[1:] {
		var n int
		fmt.Sscan(w[0], &n)
		found := false
		for _, row := range csvRows(t, sts[n-1]) {
			if row[0] == w[1] && row[1] == w[2] && row[2] == w[3] {
				found = true
				if row[3] != w[4] {
					t.Errorf("period %d %s / %s / %s = %s, want %s (%s)", n, w[1], w[2], w[3], row[3], w[4], w[5])
				}
			}
		}
		if !found {
			t.Errorf("period %d: no row %s / %s / %s", n, w[1], w[2], w[3])
		}
	}
}

// TestStatementGolden keeps each period's CSV and JSON statement byte for
// byte (testdata/indenture_2026_a_period_N.*, reviewed when written with
// -update), and checks every statement ties out: A + reserve movements =
// B = C, and D and E agree with the waterfall's classes and pool.
func TestStatementGolden(t *testing.T) {
	_, _, results, sts := runDeal(t)
	for i, s := range sts {
		var csvBuf bytes.Buffer
		if err := s.WriteCSV(&csvBuf); err != nil {
			t.Fatal(err)
		}
		jsonBytes, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		for ext, got := range map[string][]byte{"csv": csvBuf.Bytes(), "json": append(jsonBytes, '\n')} {
			path := filepath.Join("testdata", fmt.Sprintf("indenture_2026_a_period_%d.%s", i+1, ext))
			if *update {
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
				t.Errorf("period %d: %s statement differs from %s", i+1, ext, path)
			}
		}
		b := s.AvailableFunds
		if b.Lines[0].Amount != s.Collections.Total || b.Total != b.Lines[0].Amount+b.Lines[1].Amount+b.Lines[2].Amount ||
			b.Total != s.Distributions.TotalPaid {
			t.Errorf("period %d: sections do not tie: A %s, B %+v, C %s", i+1, s.Collections.Total, b, s.Distributions.TotalPaid)
		}
		var notes int64
		for k, n := range s.Notes {
			if n.EndingBalance != results[i].Classes[k].EndingBalance || n.BeginningBalance-n.PrincipalPaid-n.WriteDown != n.EndingBalance {
				t.Errorf("period %d: class %s does not roll forward", i+1, n.Class)
			}
			notes += n.EndingBalance.Cents()
		}
		if p := s.Pool; p.EndingAdjustedPool.Cents()-notes != p.Overcollateralization.Cents() {
			t.Errorf("period %d: OC %s ≠ adjusted pool %s − notes", i+1, p.Overcollateralization, p.EndingAdjustedPool)
		}
	}
}

func TestBuildRefusesAResultOfAnotherPeriod(t *testing.T) {
	def, periods, results, _ := runDeal(t)
	if _, err := Build(def, periods[0], results[1]); err == nil || !strings.Contains(err.Error(), "result of period 2, report of period 1") {
		t.Fatalf("Build() = %v", err)
	}
	def.Version = 2
	if _, err := Build(def, periods[0], results[0]); err == nil || !strings.Contains(err.Error(), "definition version") {
		t.Fatalf("Build() = %v", err)
	}
}
