package stubtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strconv"
	"sync"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
)

// Certificates are valid over a fixed period so that they are identical in
// every run; the stub never checks validity, as chaincode does not either.
var (
	certNotBefore = time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC)
	certNotAfter  = time.Date(2099, time.December, 31, 23, 59, 59, 0, time.UTC)
)

// authority is the certificate authority of one MSP.
type authority struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

// certCache is shared by all Worlds of the process: certificates depend only
// on their content, and issuing them costs far more than an invocation.
var certCache = struct {
	sync.Mutex
	authorities map[string]*authority
	identities  map[string]*Identity
}{
	authorities: map[string]*authority{},
	identities:  map[string]*Identity{},
}

// cachedIdentity returns the identity for the content, issuing it once.
func cachedIdentity(mspID, name string, spec identitySpec) *Identity {
	key := spec.cacheKey(mspID, name)
	certCache.Lock()
	defer certCache.Unlock()
	if id := certCache.identities[key]; id != nil {
		return id
	}
	id, err := newIdentity(mspID, name, spec)
	if err != nil {
		panic(fmt.Sprintf("stubtest: Identity(%q, %q): %v", mspID, name, err))
	}
	certCache.identities[key] = id
	return id
}

// issueCertificate issues an ECDSA P-256 certificate for the identity from
// its MSP's authority and returns it parsed and PEM-encoded. The caller
// holds certCache.
func issueCertificate(mspID, name string, spec identitySpec) (*x509.Certificate, []byte, error) {
	ca, err := authorityFor(mspID)
	if err != nil {
		return nil, nil, err
	}
	label := "leaf " + spec.cacheKey(mspID, name)
	key := derivedKey(label)
	tmpl := &x509.Certificate{
		SerialNumber:          derivedSerial(label),
		Subject:               pkix.Name{CommonName: name, OrganizationalUnit: spec.ous},
		NotBefore:             certNotBefore,
		NotAfter:              certNotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	if len(spec.attrs) > 0 {
		value, err := json.Marshal(&attrmgr.Attributes{Attrs: spec.attrs})
		if err != nil {
			return nil, nil, fmt.Errorf("marshal attributes: %w", err)
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: attrmgr.AttrOID, Value: value}}
	}
	return createCertificate(tmpl, ca.cert, &key.PublicKey, ca.key)
}

// authorityFor returns the MSP's self-signed root, creating it. The caller
// holds certCache.
func authorityFor(mspID string) (*authority, error) {
	if ca := certCache.authorities[mspID]; ca != nil {
		return ca, nil
	}
	label := "ca " + strconv.Quote(mspID)
	key := derivedKey(label)
	tmpl := &x509.Certificate{
		SerialNumber:          derivedSerial(label),
		Subject:               pkix.Name{CommonName: "ca." + mspID, Organization: []string{mspID}},
		NotBefore:             certNotBefore,
		NotAfter:              certNotAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	cert, _, err := createCertificate(tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("certificate authority of %s: %w", mspID, err)
	}
	ca := &authority{key: key, cert: cert}
	certCache.authorities[mspID] = ca
	return ca, nil
}

// createCertificate signs with a nil random source, which makes ECDSA use
// RFC 6979 deterministic signatures: the same template gives the same bytes.
func createCertificate(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, signer *ecdsa.PrivateKey) (*x509.Certificate, []byte, error) {
	der, err := x509.CreateCertificate(nil, tmpl, parent, pub, signer)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// derivedKey returns a P-256 key whose scalar is a hash of the label, so
// that keys (and hence certificates) are reproducible. These keys protect
// nothing: they only have to look like Fabric's.
func derivedKey(label string) *ecdsa.PrivateKey {
	for i := 0; ; i++ {
		d := sha256.Sum256([]byte("stubtest key " + strconv.Itoa(i) + " " + label))
		// The hash is out of range (zero or above the group order) with
		// probability about 2^-32; the next counter value then serves.
		if key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d[:]); err == nil {
			return key
		}
	}
}

// derivedSerial returns a positive 127-bit serial number derived from label.
func derivedSerial(label string) *big.Int {
	h := sha256.Sum256([]byte("stubtest serial " + label))
	h[0] = h[0]&0x7f | 0x40 // positive and never zero
	return new(big.Int).SetBytes(h[:16])
}
