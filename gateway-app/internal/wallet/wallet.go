// Package wallet keeps the private keys of the identities the gateway
// enrolls, and their certificates. A key is created inside the wallet and
// never leaves it: the wallet signs the identity's certificate signing
// request and, afterwards, its Fabric transactions.
//
// Two kinds: a directory of files (Open with no PKCS#11 configuration;
// keys as PKCS#8 PEM files readable by the app's user only, written
// atomically), and a PKCS#11 token (an HSM; SoftHSM in tests), built with
// the pkcs11 build tag, in which keys are generated and used by the token
// and only certificates are kept on disk. Signing in a token goes through
// fabric-gateway's identity.NewHSMSignerFactory.
//
// Imports: config (the wallet's section), fabric-gateway's identity, and
// with the pkcs11 tag github.com/miekg/pkcs11; nothing else of the gateway.
package wallet

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// Wallet creates and uses identities' keys and keeps their certificates.
// Names are identity names (config's name rule: letters, digits, . _ @ -).
type Wallet interface {
	// NewKey creates a P-256 key for name, replacing none: an existing key
	// of that name is an error. The signer signs inside the wallet (for the
	// certificate signing request).
	NewKey(name string) (crypto.Signer, error)
	// Sign returns a signing function of name's key for fabric-gateway;
	// cert is the identity's certificate (it names the key in a token).
	Sign(name string, cert *x509.Certificate) (identity.Sign, error)
	// DeleteKey destroys name's key; a missing key is not an error.
	DeleteKey(name string) error
	// PutCert stores name's PEM certificate; Cert reads it back.
	PutCert(name string, certPEM []byte) error
	Cert(name string) ([]byte, error)
	// Dir is the directory holding certificates (and file keys).
	Dir() string
	// Kind is "file" or "pkcs11".
	Kind() string
	Close() error
}

// Open opens the configured wallet; dataDir gives the default directory
// (dataDir/wallet).
func Open(c config.Wallet, dataDir string) (Wallet, error) {
	dir := c.Dir
	if dir == "" {
		dir = filepath.Join(dataDir, "wallet")
	}
	if err := os.MkdirAll(filepath.Join(dir, certsDir), 0o700); err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	if c.PKCS11 != nil {
		return openPKCS11(*c.PKCS11, dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, keysDir), 0o700); err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	return &fileWallet{certStore{dir}}, nil
}

// Layout of the wallet directory.
const (
	certsDir = "certs" // <name>.pem
	keysDir  = "keys"  // <name>_sk (file wallets)
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ErrNotFound is returned for a name the wallet does not hold.
var ErrNotFound = errors.New("not in the wallet")

func checkName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("wallet: identity name %q: want 1 to 64 letters, digits, . _ @ -", name)
	}
	return nil
}

// certStore is the certificate half every wallet shares.
type certStore struct{ dir string }

func (s certStore) certPath(name string) string { return filepath.Join(s.dir, certsDir, name+".pem") }

func (s certStore) PutCert(name string, certPEM []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	return WriteFileAtomic(s.certPath(name), certPEM, 0o644)
}

func (s certStore) Cert(name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(s.certPath(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("certificate of %s: %w", name, ErrNotFound)
	}
	return b, err
}

func (s certStore) Dir() string { return s.dir }
