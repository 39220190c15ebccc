package tnet

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestForeignPathsNamesEveryWayOutOfAnOrgsFolder(t *testing.T) {
	run := t.TempDir()
	write := func(path, text string) {
		t.Helper()
		path = filepath.Join(run, path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(run, "orgs", "AMSP"), filepath.Join(run, "orgs", "BMSP")
	write("orgs/AMSP/peers/p0/tls/ca.crt", "a root")
	write("orgs/BMSP/peers/p0/tls/ca.crt", "b root")
	// Clean: its own files, relative paths inside, programs outside the run folder.
	write("orgs/AMSP/nodes/p0/core.yaml", "mspConfigPath: msp\nfileSystemPath: "+a+"/nodes/p0/data\npath: /opt/fabric/builders\n")
	write("orgs/AMSP/config/configtx.yaml", "MSPDir: ../public/BMSP/msp\n")
	write("orgs/AMSP/gateway/tokens.json", `{"listen":"127.0.0.1:8081","url":"https://127.0.0.1:7055"}`)
	if err := os.Symlink(filepath.Join(a, "peers", "p0", "tls"), filepath.Join(a, "nodes", "p0", "tls")); err != nil {
		t.Fatal(err)
	}
	got, err := ForeignPaths(run)
	if err != nil || len(got) != 0 {
		t.Fatalf("a confined org: %v, %v", got, err)
	}

	// Four ways out: an absolute path into another org, one into the run
	// folder's shared parts, a relative climb and a symbolic link.
	write("orgs/AMSP/gateway/config.yaml", "peer:\n  tlsCACert: "+b+"/peers/p0/tls/ca.crt\n")
	write("orgs/AMSP/nodes/p0/orderer.yaml", "Location: "+run+"/channel/x.block\n")
	write("orgs/BMSP/config/configtx.yaml", "MSPDir: ../../AMSP/msp\n")
	if err := os.Symlink(filepath.Join(a, "peers"), filepath.Join(b, "peers-of-a")); err != nil {
		t.Fatal(err)
	}
	got, err = ForeignPaths(run)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"orgs/AMSP/gateway/config.yaml: names orgs/BMSP/peers/p0/tls/ca.crt",
		"orgs/AMSP/nodes/p0/orderer.yaml: names channel/x.block",
		"orgs/BMSP/config/configtx.yaml: names orgs/AMSP/msp",
		"orgs/BMSP/peers-of-a: symbolic link to orgs/AMSP/peers",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}
