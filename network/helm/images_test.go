package helm

import (
	"go/build"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var goBuildTarget = regexp.MustCompile(`go build .* -o /out/(\S+) \./(\S+)`)

// The chart's images are built by each bank from the repository: every
// Dockerfile builds a main package that exists, into the binary its
// ENTRYPOINT runs, and the chart's default image names that binary.
func TestImagesBuildTheCommandsTheChartRuns(t *testing.T) {
	files, err := filepath.Glob("images/*.Dockerfile")
	if err != nil || len(files) != 2 {
		t.Fatalf("want the chaincode and gateway-app Dockerfiles, got %v (%v)", files, err)
	}
	defaults, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := goBuildTarget.FindStringSubmatch(string(raw))
		if m == nil {
			t.Errorf("%s: no `go build -o /out/BIN ./PATH` line", f)
			continue
		}
		bin, pkg := m[1], m[2]
		p, err := build.ImportDir(filepath.Join("..", "..", pkg), 0)
		if err != nil || p.Name != "main" {
			t.Errorf("%s builds ./%s, which is not a main package (%v)", f, pkg, err)
		}
		if !strings.Contains(string(raw), `ENTRYPOINT ["/usr/local/bin/`+bin+`"]`) {
			t.Errorf("%s: the entrypoint does not run %s", f, bin)
		}
		if !strings.Contains(string(defaults), "/tranchenet/"+bin+":") {
			t.Errorf("values.yaml names no image of %s", bin)
		}
	}
}
