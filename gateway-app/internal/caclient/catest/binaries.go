// Package catest runs a real fabric-ca-server (hyperledger/fabric-ca
// v1.5.15) for tests: it finds or builds the binaries in the shared cache,
// starts a server with TLS on a free loopback port in a temporary
// directory, enrolls its bootstrap admin and a registrar with the rights
// the gateway's CA configuration asks for, and stops it when the test ends.
//
// The binaries live in ~/.cache/tranchenet/fabric-ca-v1.5.15/bin, where
// test-network builds them too; the build is idempotent (each binary is
// written to a temporary name and renamed into place), so concurrent
// builders do not see half a file. A test is skipped, saying why, only
// when the binaries cannot be built (no Go module proxy, no C compiler).
//
// Imports: caclient, the standard library and testing. Test code only.
package catest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Version is the fabric-ca release the tests run.
const Version = "v1.5.15"

// BinDir is where the fabric-ca binaries are cached.
func BinDir() (string, error) {
	if d := os.Getenv("TRANCHENET_FABRIC_CA_BIN"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".cache", "tranchenet", "fabric-ca-"+Version, "bin"), nil
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// Binaries returns the directory holding fabric-ca-server and
// fabric-ca-client, building them first if needed; it skips tb when they
// cannot be built.
func Binaries(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() { buildDir, buildErr = ensureBinaries() })
	if buildErr != nil {
		tb.Skipf("fabric-ca %s binaries are not available and cannot be built: %v", Version, buildErr)
	}
	return buildDir
}

func ensureBinaries() (string, error) {
	dir, err := BinDir()
	if err != nil {
		return "", err
	}
	missing := []string{}
	for _, b := range []string{"fabric-ca-server", "fabric-ca-client"} {
		if st, err := os.Stat(filepath.Join(dir, b)); err != nil || st.Mode()&0o111 == 0 {
			missing = append(missing, b)
		}
	}
	if len(missing) == 0 {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	src, err := moduleSource()
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(src)
	for _, b := range missing {
		tmp := filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", b, os.Getpid()))
		cmd := exec.Command("go", "build", "-o", tmp, "./cmd/"+b)
		cmd.Dir = src
		// The module zip has no vendor tree: resolve dependencies through
		// the module cache/proxy. The CA server's sqlite driver needs cgo.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "CGO_ENABLED=1", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("go build %s: %v\n%s", b, err, lastLines(string(out), 20))
		}
		if err := os.Rename(tmp, filepath.Join(dir, b)); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// moduleSource downloads the fabric-ca module and copies it to a writable
// temporary directory (the module cache is read-only and go build -mod=mod
// may update go.sum).
func moduleSource() (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/hyperledger/fabric-ca@"+Version).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download fabric-ca@%s: %v", Version, err)
	}
	const key = `"Dir": "`
	i := strings.Index(string(out), key)
	if i < 0 {
		return "", fmt.Errorf("go mod download: no Dir in %s", out)
	}
	modDir, _, _ := strings.Cut(string(out)[i+len(key):], `"`)
	tmp, err := os.MkdirTemp("", "fabric-ca-src-")
	if err != nil {
		return "", err
	}
	if err := os.CopyFS(tmp, os.DirFS(modDir)); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := filepath.Walk(tmp, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chmod(p, info.Mode()|0o200)
	}); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	os.RemoveAll(filepath.Join(tmp, "vendor"))
	return tmp, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
