package throughput

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The peers network.sh started with profiles are named in run/pprof/; no
// folder means none was.
func TestReadProfilers(t *testing.T) {
	run := t.TempDir()
	if p, err := ReadProfilers(run); err != nil || len(p) != 0 {
		t.Fatalf("no pprof folder: %v, %v; want none, no error", p, err)
	}
	dir := filepath.Join(run, "pprof")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, addr := range map[string]string{"peer0.org1.example.com": "127.0.0.1:6060\n", "peer1.org1.example.com": "127.0.0.1:6061\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(addr), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := ReadProfilers(run)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p["peer0.org1.example.com"] != "127.0.0.1:6060" || p["peer1.org1.example.com"] != "127.0.0.1:6061" {
		t.Fatalf("profilers = %v", p)
	}
}

// CPUProfiles asks each peer's Go profile handler (the one a Fabric peer
// serves with peer.profile.enabled) for a CPU profile and writes what it
// answers, a gzipped profile, under the phase's prefix and the peer's
// name; a peer that does not answer one is an error naming it.
func TestCPUProfilesWriteEachPeersProfile(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	peer := httptest.NewServer(mux)
	defer peer.Close()
	broken := httptest.NewServer(http.NotFoundHandler())
	defer broken.Close()

	dir := t.TempDir()
	p := Profilers{"peer0.org1.example.com": strings.TrimPrefix(peer.URL, "http://")}
	if err := p.CPUProfiles(context.Background(), dir, "001-plain", 1)(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "001-plain-peer0.org1.example.com.pprof"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		t.Fatalf("the profile written is not gzipped protobuf: % x", raw[:min(len(raw), 8)])
	}

	p["peer1.org1.example.com"] = strings.TrimPrefix(broken.URL, "http://")
	err = p.CPUProfiles(context.Background(), dir, "002-plain", 1)()
	if err == nil || !strings.Contains(err.Error(), "peer1.org1.example.com") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("a peer without profiles: err = %v, want one naming it and its 404", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "002-plain-peer1.org1.example.com.pprof")); !os.IsNotExist(err) {
		t.Fatalf("a failed profile left a file: %v", err)
	}
}

// A Recorder numbers each phase's files in run order, and refuses a run
// whose peers serve no profiles.
func TestRecorderNumbersPhasesInRunOrder(t *testing.T) {
	if _, err := NewRecorder(t.TempDir(), t.TempDir(), 1); err == nil || !strings.Contains(err.Error(), "TRANCHENET_PEER_PPROF") {
		t.Fatalf("a run without profiles: err = %v, want one saying how to start it", err)
	}
	var none *Recorder // no profiles asked for
	if err := none.Start("plain transfer")(); err != nil {
		t.Fatalf("a nil Recorder: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	peer := httptest.NewServer(mux)
	defer peer.Close()
	run := t.TempDir()
	if err := os.MkdirAll(filepath.Join(run, "pprof"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "pprof", "peer0.org1.example.com"), []byte(strings.TrimPrefix(peer.URL, "http://")), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "profiles")
	r, err := NewRecorder(run, dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"plain transfer direct apps=false 32", "DvP settle REST apps=true window=/blocks 32"} {
		if err := r.Start(label)(); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{
		"001-plain_transfer_direct_appsfalse_32-peer0.org1.example.com.pprof",
		"002-DvP_settle_REST_appstrue_window_blocks_32-peer0.org1.example.com.pprof",
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("files = %v, want %v", names, want)
	}
}
