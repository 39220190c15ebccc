//go:build pkcs11

package wallet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/wallet/wallettest"
)

func TestPKCS11Wallet(t *testing.T) {
	hsm := wallettest.SoftHSM(t)
	hsm.PIN = "${TEST_HSM_PIN}"
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
	hsm := wallettest.SoftHSM(t)
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
	hsm := wallettest.SoftHSM(t)
	hsm.PIN = "00000000"
	if w, err := Open(config.Wallet{Dir: t.TempDir(), PKCS11: &hsm}, ""); err == nil {
		w.Close()
		t.Fatal("opened a token with a wrong PIN")
	}
}
