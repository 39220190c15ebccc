package helm

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/engine"
	"sigs.k8s.io/yaml"
)

const chartDir = "tranchenet-bank"

// render renders the chart with the values files and overrides as
// `helm template RELEASE chart -f FILE... --set ...` would: defaults
// coalesced with the values, the values checked against
// values.schema.json, then every template executed. It returns the
// rendered documents by template file name.
func render(t *testing.T, release string, valueFiles []string, overrides map[string]any) (map[string]string, error) {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	vals := map[string]any{}
	for _, f := range valueFiles {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := yaml.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		vals = util.MergeTables(v, vals)
	}
	for path, v := range overrides {
		setPath(vals, path, v)
	}
	top, err := util.ToRenderValuesWithSchemaValidation(ch, vals,
		common.ReleaseOptions{Name: release, Namespace: "bank", IsInstall: true, Revision: 1}, nil, false)
	if err != nil {
		return nil, err
	}
	return engine.Render(ch, top)
}

// setPath sets a dotted path ("peers.count") in nested maps, as --set does.
func setPath(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// manifests splits the rendered files into YAML documents, skipping empty
// ones and NOTES.txt, in a stable order.
func manifests(files map[string]string) []manifest {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []manifest
	for _, name := range names {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		for i, doc := range docSeparator.Split(files[name], -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			out = append(out, manifest{source: fmt.Sprintf("%s#%d", filepath.Base(name), i), yaml: doc})
		}
	}
	return out
}

type manifest struct {
	source string // template file and document index, for messages
	yaml   string
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
