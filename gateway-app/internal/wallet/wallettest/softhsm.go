// Package wallettest makes a SoftHSM token for tests of PKCS#11 wallets.
//
// Imports: config and the standard library. Test code only.
package wallettest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// SoftHSMLibrary is where Debian's softhsm2 package puts the module.
const SoftHSMLibrary = "/usr/lib/softhsm/libsofthsm2.so"

// SoftHSM creates a token labelled "tranchenet" with user PIN 98765432 in
// a temporary SOFTHSM2_CONF (set for the test) and returns its wallet
// configuration; it skips when softhsm2 is not installed (Debian:
// apt-get install softhsm2).
func SoftHSM(t *testing.T) config.PKCS11 {
	t.Helper()
	if _, err := os.Stat(SoftHSMLibrary); err != nil {
		t.Skipf("SoftHSM is not installed (%s): apt-get install -y softhsm2", SoftHSMLibrary)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.MkdirAll(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	out, err := exec.Command("softhsm2-util", "--init-token", "--free", "--label", "tranchenet", "--so-pin", "1234", "--pin", "98765432").CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	return config.PKCS11{Library: SoftHSMLibrary, Label: "tranchenet", PIN: "98765432"}
}
