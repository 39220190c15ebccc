package contracts_test

import (
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/tranchenet/tranchenet/"

// The house plan, checked on the source: contracts stand on the ledger
// layer and never on each other; the ledger layer and the schema never
// stand on the contracts; the gateway app never imports the contracts.
func TestLayering(t *testing.T) {
	root := filepath.Join("..", "..")
	rules := []struct {
		under  string // directory, from the module root
		forbid func(pkg, imp string) bool
		why    string
	}{
		{"chaincode/contracts", func(pkg, imp string) bool {
			return pkg != "chaincode/contracts" && strings.HasPrefix(imp, "chaincode/contracts/") &&
				!strings.HasPrefix(imp, "chaincode/contracts/internal/")
		}, "a contract imports another contract"},
		{"chaincode/ledger", func(_, imp string) bool { return strings.HasPrefix(imp, "chaincode/contracts") },
			"the ledger layer imports a contract"},
		{"chaincode/ledger/txn", func(_, imp string) bool {
			return strings.HasPrefix(imp, "chaincode/ledger/") || imp == "chaincode/schema"
		}, "the transaction kernel imports a book or the schema"},
		{"chaincode/schema", func(_, imp string) bool {
			return strings.HasPrefix(imp, "chaincode/contracts") || strings.HasPrefix(imp, "chaincode/ledger") ||
				strings.HasPrefix(imp, "github.com/hyperledger/")
		}, "the schema imports a contract, the ledger layer or Fabric"},
		{"gateway-app", func(_, imp string) bool { return strings.HasPrefix(imp, "chaincode/contracts") },
			"the gateway app imports a contract"},
	}
	for _, r := range rules {
		checked := 0
		err := filepath.WalkDir(filepath.Join(root, r.under), func(dir string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			p, err := build.ImportDir(dir, 0)
			if err != nil {
				if _, none := err.(*build.NoGoError); none {
					return nil
				}
				return err
			}
			rel, _ := filepath.Rel(root, dir)
			pkg := filepath.ToSlash(rel)
			checked++
			for _, imp := range p.Imports { // tests may build inputs with another contract's argument types
				if local, ok := strings.CutPrefix(imp, module); ok && r.forbid(pkg, local) {
					t.Errorf("%s: %s imports %s", r.why, pkg, local)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if checked == 0 {
			t.Errorf("no package under %s", r.under)
		}
	}
}
