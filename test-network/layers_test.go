package testnetwork

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The house plan, checked on the real import graph of the module's
// non-test code (go list -deps): each rule says which rooms may not reach
// which. Test files are free to import what they need, so they are not
// part of the graph.

const module = "github.com/tranchenet/tranchenet/"

func TestLayers(t *testing.T) {
	g := loadImportGraph(t)
	for _, p := range g.ours() {
		rel := strings.TrimPrefix(p.ImportPath, module)
		for _, d := range p.Deps {
			why := g.violation(p, d)
			if why == "" {
				continue
			}
			// One broken rule is reported once, where it is broken: not
			// again by every package of the same room above it.
			if g.brokenBelow(p, d, why) {
				continue
			}
			if slices.Contains(p.Imports, d) {
				t.Errorf("%s imports %s: %s", rel, strings.TrimPrefix(d, module), why)
			} else {
				t.Errorf("%s depends on %s through %s: %s", rel, strings.TrimPrefix(d, module), g.path(p, d), why)
			}
		}
		if from, ok := contractOf(rel); ok {
			for _, imp := range p.Imports {
				to, isContract := contractOf(strings.TrimPrefix(imp, module))
				if isContract && to != from {
					t.Errorf("contract %s imports contract %s: contracts share books through chaincode/ledger, never each other", from, to)
				}
			}
		}
	}
}

// violation says why package p may not depend on dep, or "".
func (g importGraph) violation(p listedPackage, dep string) string {
	rel := strings.TrimPrefix(p.ImportPath, module)
	if d, ours := strings.CutPrefix(dep, module); ours {
		return layerViolation(rel, p.Name, d)
	}
	return foreignViolation(rel, dep, g.standard[dep])
}

// brokenBelow reports whether the rule is already reported for one of p's
// direct imports in the module: because that import is itself forbidden
// to p, or because it breaks the same rule by depending on dep.
func (g importGraph) brokenBelow(p listedPackage, dep, why string) bool {
	for _, imp := range p.Imports {
		q, ok := g.byPath[imp]
		if !ok || !strings.HasPrefix(imp, module) || !slices.Contains(q.Deps, dep) {
			continue
		}
		if g.violation(p, imp) == why || g.violation(q, dep) == why {
			return true
		}
	}
	return false
}

// path names one chain of imports from p to dep, for the error message.
func (g importGraph) path(p listedPackage, dep string) string {
	chain := []string{}
	for cur := p; !slices.Contains(cur.Imports, dep); {
		next := ""
		for _, imp := range cur.Imports {
			if q, ok := g.byPath[imp]; ok && slices.Contains(q.Deps, dep) {
				next = imp
				break
			}
		}
		if next == "" {
			break
		}
		chain = append(chain, strings.TrimPrefix(next, module))
		cur = g.byPath[next]
	}
	return strings.Join(chain, " → ")
}

// layerViolation says why package rel (named name) may not depend on the
// module's package dep (both relative to the module), or "".
func layerViolation(rel, name, dep string) string {
	switch {
	case under(rel, "chaincode/core") && !under(dep, "chaincode/core"):
		return "the pure core imports only the core, the standard library and decimal"
	case under(rel, "chaincode/schema") && (under(dep, "chaincode/contracts") || under(dep, "gateway-app")):
		return "the ledger schema is shared by both sides and imports neither the contracts nor the gateway"
	case (under(rel, "chaincode/ledger") || under(rel, "chaincode/contracts/internal")) && under(dep, "chaincode/contracts") && !under(dep, "chaincode/contracts/internal"):
		return "the layers under the contracts do not reach back up into them"
	case under(rel, "gateway-app") && under(dep, "chaincode/contracts"):
		return "the gateway speaks the ledger schema (chaincode/schema), never the contracts"
	case isProduct(rel, name) && under(dep, "test-network"):
		return "product code does not contain test-network tools (loansim, the config generator, tnet); tests may import them"
	case isProduct(rel, name) && isTestSupport(dep):
		return "test-support packages (…test) are for tests only"
	case under(rel, "network") && (under(dep, "chaincode") || under(dep, "gateway-app")):
		return "the consortium description depends on neither the chaincode nor the gateway; a test checks they agree"
	case under(rel, "collections") && !under(dep, "collections") && !under(dep, "network") && !under(dep, "chaincode/core"):
		return "the collection config generator reads the consortium and the core's collection names only"
	case under(rel, "gateway-app/config") && !under(dep, "chaincode/core"):
		return "the gateway's configuration format is a leaf: the core's names, nothing of the gateway or the tools"
	}
	return ""
}

// foreignViolation says why package rel may not depend on the package dep
// outside the module, or "".
func foreignViolation(rel, dep string, standard bool) string {
	if strings.HasPrefix(dep, module) || standard {
		return ""
	}
	switch {
	case under(rel, "chaincode/core") && dep != "github.com/shopspring/decimal":
		return "the pure core imports only the core, the standard library and decimal"
	case under(rel, "chaincode/schema") && strings.HasPrefix(dep, "github.com/hyperledger/"):
		return "the ledger schema imports no Fabric"
	case (under(rel, "network") || under(rel, "collections") || under(rel, "gateway-app/config")) && strings.HasPrefix(dep, "github.com/hyperledger/"):
		return "the consortium, the collection config and the gateway's configuration format import no Fabric"
	}
	return ""
}

// contractOf names the contract a package belongs to: the direct children
// of chaincode/contracts and what is under them, except internal (argument
// parsing shared by contracts) and test-support packages. (The kernel txn
// still counts until it moves to chaincode/ledger/txn: see
// knownContractImports.)
func contractOf(rel string) (string, bool) {
	rest, ok := strings.CutPrefix(rel, "chaincode/contracts/")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, "/")
	if name == "internal" || isTestSupport(rel) {
		return "", false
	}
	return name, true
}

// isProduct reports whether a package ships in the chaincode or the
// gateway (test-support packages do not: the layers test checks that no
// product package imports them).
func isProduct(rel, name string) bool {
	return (under(rel, "chaincode") || under(rel, "gateway-app")) && !strings.HasSuffix(name, "test")
}

// isTestSupport reports whether rel is a package of helpers for tests
// (contracttest, stubtest): named …test by the standard library's custom.
func isTestSupport(rel string) bool {
	return (under(rel, "chaincode") || under(rel, "gateway-app")) && strings.HasSuffix(filepath.Base(rel), "test")
}

func under(rel, dir string) bool { return rel == dir || strings.HasPrefix(rel, dir+"/") }

// importGraph is the output of go list -deps -json ./... for the module.
type importGraph struct {
	byPath   map[string]listedPackage
	standard map[string]bool
}

type listedPackage struct {
	ImportPath string
	Name       string
	Standard   bool
	Imports    []string
	Deps       []string
}

func loadImportGraph(t *testing.T) importGraph {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Name,Standard,Imports,Deps", "./...")
	cmd.Dir = ".." // the module root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	g := importGraph{byPath: map[string]listedPackage{}, standard: map[string]bool{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		g.byPath[p.ImportPath] = p
		g.standard[p.ImportPath] = p.Standard
	}
	if _, ok := g.byPath[module+"chaincode/core/money"]; !ok {
		t.Fatal("go list did not list the module's packages")
	}
	return g
}

// ours lists the module's packages, sorted.
func (g importGraph) ours() []listedPackage {
	var out []listedPackage
	for path, p := range g.byPath {
		if strings.HasPrefix(path, module) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b listedPackage) int { return strings.Compare(a.ImportPath, b.ImportPath) })
	return out
}
