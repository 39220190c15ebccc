package waterfall

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Golden tables: each directory under testdata/golden holds a deal
// (definition.json), its reports (periods.json) and expected.csv, a
// spreadsheet-style table with one row per figure: the period, the figure's
// path in the Result's JSON, the expected value and how it was derived by
// hand from the terms. The test runs the engine and matches every figure.
//
// A path is dot-separated JSON fields; "list[key]" picks the element of a
// list whose class, fee, account or trigger is key, and "list[k=v,...]"
// the element whose fields k equal v.

func TestGoldenTables(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden tables: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			results := runGoldenCase(t, dir)
			rows := readGoldenRows(t, filepath.Join(dir, "expected.csv"))
			for _, row := range rows {
				n, err := strconv.Atoi(row[0])
				if err != nil || n < 1 || n > len(results) {
					t.Fatalf("expected.csv: period %q out of range 1..%d", row[0], len(results))
				}
				got, err := resultFigure(results[n-1], row[1])
				if err != nil {
					t.Errorf("period %d %s: %v", n, row[1], err)
					continue
				}
				if got != row[2] {
					t.Errorf("period %d %s = %s, want %s (%s)", n, row[1], got, row[2], row[3])
				}
			}
		})
	}
}

func runGoldenCase(t *testing.T, dir string) []Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "definition.json"))
	if err != nil {
		t.Fatal(err)
	}
	def, err := ParseDefinition(b)
	if err != nil {
		t.Fatal(err)
	}
	var periods []Period
	pb, err := os.ReadFile(filepath.Join(dir, "periods.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(pb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&periods); err != nil {
		t.Fatal(err)
	}
	st, err := NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	results, err := Replay(def, st, periods)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

func readGoldenRows(t *testing.T, path string) [][]string {
	t.Helper()
	return readTable(t, path, "period,figure,expected,derivation")
}

// readTable reads a CSV table with '#' comments and the given header and
// returns its rows without the header.
func readTable(t *testing.T, path, header string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = strings.Count(header, ",") + 1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != header {
		t.Fatalf("%s: want the header %s and rows", path, header)
	}
	return rows[1:]
}

// resultFigure reads one figure from the JSON of v by path.
func resultFigure(v any, path string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var node any
	if err := json.Unmarshal(b, &node); err != nil {
		return "", err
	}
	for _, seg := range splitFigurePath(path) {
		name, key, hasKey := strings.Cut(seg, "[")
		obj, ok := node.(map[string]any)
		if !ok {
			return "", fmt.Errorf("%s: not an object", name)
		}
		if node, ok = obj[name]; !ok {
			return "", fmt.Errorf("no field %q", name)
		}
		if !hasKey {
			continue
		}
		if node, err = pickElement(node, strings.TrimSuffix(key, "]")); err != nil {
			return "", fmt.Errorf("%s: %w", seg, err)
		}
	}
	switch x := node.(type) {
	case string:
		return x, nil
	case nil:
		return "", fmt.Errorf("null")
	default:
		return fmt.Sprint(x), nil
	}
}

// splitFigurePath splits at dots outside brackets ("fees[backup servicer].paid").
func splitFigurePath(path string) []string {
	var segs []string
	depth, start := 0, 0
	for i, c := range path {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case '.':
			if depth == 0 {
				segs = append(segs, path[start:i])
				start = i + 1
			}
		}
	}
	return append(segs, path[start:])
}

func pickElement(node any, key string) (any, error) {
	list, ok := node.([]any)
	if !ok {
		return nil, fmt.Errorf("not a list")
	}
	for _, el := range list {
		obj, ok := el.(map[string]any)
		if !ok {
			continue
		}
		if matchesKey(obj, key) {
			return obj, nil
		}
	}
	return nil, fmt.Errorf("no element %q", key)
}

func matchesKey(obj map[string]any, key string) bool {
	if !strings.Contains(key, "=") {
		for _, f := range []string{"class", "fee", "account", "trigger"} {
			if obj[f] == key {
				return true
			}
		}
		return false
	}
	for _, kv := range strings.Split(key, ",") {
		k, v, _ := strings.Cut(kv, "=")
		if fmt.Sprint(obj[k]) != v {
			return false
		}
	}
	return true
}
