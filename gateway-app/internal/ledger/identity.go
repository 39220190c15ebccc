package ledger

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// loadedIdentity is a Fabric identity ready to sign.
type loadedIdentity struct {
	info IdentityInfo
	id   *identity.X509Identity
	sign identity.Sign
}

// loadIdentity reads an identity's certificate and private key, checks that
// they belong together and computes what the chaincode will see.
func loadIdentity(mspID string, c config.Identity) (*loadedIdentity, error) {
	_, cert, sign, err := LoadKeyPair(c)
	if err != nil {
		return nil, err
	}
	return newLoadedIdentity(mspID, c.Name, cert, sign)
}

// LoadKeyPair reads a configured identity's PEM certificate and private key
// (key file or single-key keystore), checks that they belong together and
// returns a signing function of the key.
func LoadKeyPair(c config.Identity) (certPEM []byte, cert *x509.Certificate, sign identity.Sign, err error) {
	if certPEM, err = os.ReadFile(c.Cert); err != nil {
		return nil, nil, nil, fmt.Errorf("identity %s: %w", c.Name, err)
	}
	if cert, err = identity.CertificateFromPEM(certPEM); err != nil {
		return nil, nil, nil, fmt.Errorf("identity %s: certificate %s: %w", c.Name, c.Cert, err)
	}
	keyPath := c.Key
	if keyPath == "" {
		if keyPath, err = onlyFile(c.Keystore); err != nil {
			return nil, nil, nil, fmt.Errorf("identity %s: %w", c.Name, err)
		}
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("identity %s: %w", c.Name, err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("identity %s: key %s: %w", c.Name, keyPath, err)
	}
	if err := keyMatches(cert, key); err != nil {
		return nil, nil, nil, fmt.Errorf("identity %s: key %s %w certificate %s", c.Name, keyPath, err, c.Cert)
	}
	if sign, err = identity.NewPrivateKeySign(key); err != nil {
		return nil, nil, nil, fmt.Errorf("identity %s: %w", c.Name, err)
	}
	return certPEM, cert, sign, nil
}

// newLoadedIdentity wraps a certificate and a signer (a key file's or a
// wallet's) as an identity of mspID.
func newLoadedIdentity(mspID, name string, cert *x509.Certificate, sign identity.Sign) (*loadedIdentity, error) {
	id, err := identity.NewX509Identity(mspID, cert)
	if err != nil {
		return nil, fmt.Errorf("identity %s: %w", name, err)
	}
	return &loadedIdentity{
		info: IdentityInfo{
			Name:        name,
			Certificate: cert,
			ID:          roles.IdentityOf(mspID, cert),
			Admin:       slices.Contains(cert.Subject.OrganizationalUnit, roles.AdminOU),
		},
		id:   id,
		sign: sign,
	}, nil
}

// onlyFile returns the single regular file in dir (a keystore written by
// cryptogen or the Fabric CA client holds exactly one key).
func onlyFile(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) != 1 {
		return "", fmt.Errorf("keystore %s: want exactly one key file, found %d", dir, len(files))
	}
	return files[0], nil
}

// keyMatches checks that key is the private key of cert.
func keyMatches(cert *x509.Certificate, key crypto.PrivateKey) error {
	type publicKeyer interface{ Public() crypto.PublicKey }
	pk, ok := key.(publicKeyer)
	if !ok {
		return fmt.Errorf("is of unsupported type %T for", key)
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch pub := pk.Public().(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey:
		if pub.(equaler).Equal(cert.PublicKey) {
			return nil
		}
	}
	return fmt.Errorf("does not match")
}
