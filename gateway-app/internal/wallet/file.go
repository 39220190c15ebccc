package wallet

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
)

// fileWallet keeps keys as PKCS#8 PEM files, mode 0600, in dir/keys.
type fileWallet struct{ certStore }

func (w *fileWallet) keyPath(name string) string {
	return filepath.Join(w.dir, keysDir, name+"_sk")
}

func (w *fileWallet) NewKey(name string) (crypto.Signer, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if _, err := os.Stat(w.keyPath(name)); err == nil {
		return nil, fmt.Errorf("wallet: %s already has a key", name)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(w.keyPath(name), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	return key, nil
}

func (w *fileWallet) Sign(name string, cert *x509.Certificate) (identity.Sign, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(w.keyPath(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("key of %s: %w", name, ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	key, err := identity.PrivateKeyFromPEM(raw)
	if err != nil {
		return nil, fmt.Errorf("wallet: key of %s: %w", name, err)
	}
	pub, ok := key.(interface{ Public() crypto.PublicKey })
	if !ok || !pub.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey) {
		return nil, fmt.Errorf("wallet: key of %s does not match its certificate", name)
	}
	return identity.NewPrivateKeySign(key)
}

func (w *fileWallet) DeleteKey(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := os.Remove(w.keyPath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func (w *fileWallet) Kind() string { return "file" }
func (w *fileWallet) Close() error { return nil }
