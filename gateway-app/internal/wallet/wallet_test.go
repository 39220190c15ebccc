package wallet

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// selfSigned certifies the signer's key with itself, signing inside the
// wallet as a CSR would be.
func selfSigned(t *testing.T, key crypto.Signer, cn string) (*x509.Certificate, []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// exercise runs what every wallet must do: a key made inside, a
// certificate stored, transactions signed with the key, the key destroyed.
func exercise(t *testing.T, w Wallet) {
	t.Helper()
	key, err := w.NewKey("investor-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.NewKey("investor-1"); err == nil {
		t.Fatal("a second key under the same name")
	}
	if _, err := w.NewKey("../escape"); err == nil {
		t.Fatal("a name with a path in it")
	}
	cert, certPEM := selfSigned(t, key, "investor-1")
	if err := w.PutCert("investor-1", certPEM); err != nil {
		t.Fatal(err)
	}
	if got, err := w.Cert("investor-1"); err != nil || string(got) != string(certPEM) {
		t.Fatalf("Cert = %q, %v", got, err)
	}
	if _, err := w.Cert("nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Cert(nobody): %v, want ErrNotFound", err)
	}
	sign, err := w.Sign("investor-1", cert)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("a Fabric proposal"))
	sig, err := sign(digest[:])
	if err != nil {
		t.Fatal(err)
	}
	pub := cert.PublicKey.(*ecdsa.PublicKey)
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		t.Fatal("the wallet's signature does not verify with the certificate's key")
	}
	if err := w.DeleteKey("investor-1"); err != nil {
		t.Fatal(err)
	}
	if err := w.DeleteKey("investor-1"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if sign, err := w.Sign("investor-1", cert); err == nil {
		if _, err := sign(digest[:]); err == nil {
			t.Fatal("signed with a deleted key")
		}
	}
}

func TestFileWallet(t *testing.T) {
	data := t.TempDir()
	w, err := Open(config.Wallet{}, data)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Dir() != filepath.Join(data, "wallet") || w.Kind() != "file" {
		t.Fatalf("Dir %s Kind %s", w.Dir(), w.Kind())
	}
	if _, err := w.NewKey("alice"); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(w.Dir(), keysDir, "alice_sk"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	leftovers, _ := filepath.Glob(filepath.Join(w.Dir(), keysDir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
	exercise(t, w)
}

func TestFileWalletKeyMismatch(t *testing.T) {
	w, err := Open(config.Wallet{Dir: t.TempDir()}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.NewKey("a"); err != nil {
		t.Fatal(err)
	}
	other, _ := w.NewKey("b")
	cert, _ := selfSigned(t, other, "b")
	if _, err := w.Sign("a", cert); err == nil {
		t.Fatal("signing for a with b's certificate")
	}
}
