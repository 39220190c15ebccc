//go:build pkcs11

package wallet

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// softHSM creates a SoftHSM token in a temporary SOFTHSM2_CONF and returns
// its configuration; it skips when softhsm2 is not installed (Debian:
// apt-get install softhsm2).
func softHSM(t *testing.T) config.PKCS11 {
	t.Helper()
	lib := "/usr/lib/softhsm/libsofthsm2.so"
	if _, err := os.Stat(lib); err != nil {
		t.Skipf("SoftHSM is not installed (%s): apt-get install -y softhsm2", lib)
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
	return config.PKCS11{Library: lib, Label: "tranchenet", PIN: "${TEST_HSM_PIN}"}
}

func TestPKCS11Wallet(t *testing.T) {
	hsm := softHSM(t)
	t.Setenv("TEST_HSM_PIN", "98765432")
	w, err := Open(config.Wallet{Dir: t.TempDir(), PKCS11: &hsm}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Kind() != "pkcs11" {
		t.Fatalf("Kind %s", w.Kind())
	}
	exercise(t, w)
	if entries, _ := os.ReadDir(filepath.Join(w.Dir(), keysDir)); len(entries) > 0 {
		t.Fatalf("a PKCS#11 wallet wrote key files: %v", entries)
	}
}

// TestPKCS11KeySurvivesReopen: a key made in the token signs after the
// wallet is closed and opened again (a gateway restart).
func TestPKCS11KeySurvivesReopen(t *testing.T) {
	hsm := softHSM(t)
	hsm.PIN = "98765432"
	dir := t.TempDir()
	w, err := Open(config.Wallet{Dir: dir, PKCS11: &hsm}, "")
	if err != nil {
		t.Fatal(err)
	}
	key, err := w.NewKey("bob")
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := selfSigned(t, key, "bob")
	w.Close()
	w, err = Open(config.Wallet{Dir: dir, PKCS11: &hsm}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	sign, err := w.Sign("bob", cert)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sign(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
}

func TestPKCS11WrongPIN(t *testing.T) {
	hsm := softHSM(t)
	hsm.PIN = "00000000"
	if w, err := Open(config.Wallet{Dir: t.TempDir(), PKCS11: &hsm}, ""); err == nil {
		w.Close()
		t.Fatal("opened a token with a wrong PIN")
	}
}
