//go:build pkcs11

package wallet

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"sync"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/miekg/pkcs11"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// pkcs11Wallet generates keys in a PKCS#11 token and signs through
// fabric-gateway's HSM signer factory. A key's CKA_ID is its subject key
// identifier (SHA-256 of the uncompressed public point, as Fabric's own
// PKCS#11 BCCSP names keys) and its CKA_LABEL the identity's name.
type pkcs11Wallet struct {
	certStore
	opts    config.PKCS11
	factory *identity.HSMSignerFactory

	mu      sync.Mutex // guards ctx's session and closers
	ctx     *pkcs11.Ctx
	session pkcs11.SessionHandle
	closers []identity.HSMSignClose
}

// oidP256 is the DER of the named curve P-256 (CKA_EC_PARAMS).
var oidP256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}

func openPKCS11(c config.PKCS11, dir string) (Wallet, error) {
	c.PIN = os.ExpandEnv(c.PIN)
	factory, err := identity.NewHSMSignerFactory(c.Library)
	if err != nil {
		return nil, fmt.Errorf("wallet.pkcs11: %w", err)
	}
	w := &pkcs11Wallet{certStore: certStore{dir}, opts: c, factory: factory}
	// A second handle on the same module for key management: the factory
	// only signs. The module is already initialized by the factory.
	w.ctx = pkcs11.New(c.Library)
	if err := w.ctx.Initialize(); err != nil && !errors.Is(err, pkcs11.Error(pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
		factory.Dispose()
		return nil, fmt.Errorf("wallet.pkcs11: initialize: %w", err)
	}
	slot, err := w.slot()
	if err == nil {
		w.session, err = w.ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	}
	if err == nil {
		if err = w.ctx.Login(w.session, pkcs11.CKU_USER, c.PIN); errors.Is(err, pkcs11.Error(pkcs11.CKR_USER_ALREADY_LOGGED_IN)) {
			err = nil
		}
	}
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("wallet.pkcs11: token %q: %w", c.Label, err)
	}
	return w, nil
}

func (w *pkcs11Wallet) slot() (uint, error) {
	slots, err := w.ctx.GetSlotList(true)
	if err != nil {
		return 0, err
	}
	for _, s := range slots {
		if info, err := w.ctx.GetTokenInfo(s); err == nil && info.Label == w.opts.Label {
			return s, nil
		}
	}
	return 0, fmt.Errorf("no token labelled %q", w.opts.Label)
}

func (w *pkcs11Wallet) Kind() string { return "pkcs11" }

// NewKey generates a P-256 key pair in the token (private key sensitive
// and not extractable), sets its CKA_ID to the SKI, and returns a signer
// that signs in the token.
func (w *pkcs11Wallet) NewKey(name string) (crypto.Signer, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	params, _ := asn1.Marshal(oidP256)
	w.mu.Lock()
	defer w.mu.Unlock()
	if objs, err := w.find(name); err != nil {
		return nil, err
	} else if len(objs) > 0 {
		return nil, fmt.Errorf("wallet: %s already has a key in token %q", name, w.opts.Label)
	}
	pubTmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, params),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, name),
	}
	privTmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, name),
	}
	pubH, privH, err := w.ctx.GenerateKeyPair(w.session,
		[]*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_EC_KEY_PAIR_GEN, nil)}, pubTmpl, privTmpl)
	if err != nil {
		return nil, fmt.Errorf("wallet.pkcs11: generate key: %w", err)
	}
	attrs, err := w.ctx.GetAttributeValue(w.session, pubH, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, nil)})
	if err != nil || len(attrs) != 1 {
		return nil, fmt.Errorf("wallet.pkcs11: read public key: %v", err)
	}
	pub, err := ecPoint(attrs[0].Value)
	if err != nil {
		return nil, err
	}
	ski := SKI(pub)
	idAttr := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_ID, ski)}
	for _, h := range []pkcs11.ObjectHandle{pubH, privH} {
		if err := w.ctx.SetAttributeValue(w.session, h, idAttr); err != nil {
			return nil, fmt.Errorf("wallet.pkcs11: set key ID: %w", err)
		}
	}
	// The CSR is signed on the wallet's own session, so enrolling does not
	// leave an HSM signer open per identity.
	return &tokenSigner{pub: pub, sign: func(digest []byte) ([]byte, error) { return w.signOnSession(privH, digest) }}, nil
}

// signOnSession signs a digest with a private key handle on the wallet's
// session, returning a DER signature with a low S as Fabric requires.
func (w *pkcs11Wallet) signOnSession(key pkcs11.ObjectHandle, digest []byte) ([]byte, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.ctx.SignInit(w.session, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil)}, key); err != nil {
		return nil, fmt.Errorf("wallet.pkcs11: sign: %w", err)
	}
	raw, err := w.ctx.Sign(w.session, digest)
	if err != nil {
		return nil, fmt.Errorf("wallet.pkcs11: sign: %w", err)
	}
	r, sv := new(big.Int).SetBytes(raw[:len(raw)/2]), new(big.Int).SetBytes(raw[len(raw)/2:])
	if n := elliptic.P256().Params().N; sv.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		sv.Sub(n, sv)
	}
	return asn1.Marshal(struct{ R, S *big.Int }{r, sv})
}

// ecPoint reads CKA_EC_POINT: a DER OCTET STRING holding the uncompressed
// point (some modules return the bare point).
func ecPoint(v []byte) (*ecdsa.PublicKey, error) {
	var point []byte
	if rest, err := asn1.Unmarshal(v, &point); err != nil || len(rest) > 0 {
		point = v
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, fmt.Errorf("wallet.pkcs11: public key: %w", err)
	}
	return pub, nil
}

// SKI is a public key's subject key identifier as Fabric names keys in a
// token: the SHA-256 of its uncompressed point.
func SKI(pub *ecdsa.PublicKey) []byte {
	point, _ := pub.Bytes()
	sum := sha256.Sum256(point)
	return sum[:]
}

// Sign opens an HSM signer (fabric-gateway's) for the key whose CKA_ID is
// the certificate's SKI; the wallet closes it on Close.
func (w *pkcs11Wallet) Sign(name string, cert *x509.Certificate) (identity.Sign, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("wallet.pkcs11: certificate of %s: want an ECDSA key", name)
	}
	sign, closeFn, err := w.factory.NewHSMSigner(identity.HSMSignerOptions{Label: w.opts.Label, Pin: w.opts.PIN, Identifier: string(SKI(pub))})
	if err != nil {
		return nil, fmt.Errorf("wallet.pkcs11: %w", err)
	}
	w.mu.Lock()
	w.closers = append(w.closers, closeFn)
	w.mu.Unlock()
	return sign, nil
}

// find returns the token objects labelled name. Called with w.mu held.
func (w *pkcs11Wallet) find(name string) ([]pkcs11.ObjectHandle, error) {
	if err := w.ctx.FindObjectsInit(w.session, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, name)}); err != nil {
		return nil, err
	}
	defer w.ctx.FindObjectsFinal(w.session)
	var out []pkcs11.ObjectHandle
	for {
		objs, _, err := w.ctx.FindObjects(w.session, 16)
		if err != nil {
			return nil, err
		}
		if len(objs) == 0 {
			return out, nil
		}
		out = append(out, objs...)
	}
}

func (w *pkcs11Wallet) DeleteKey(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	objs, err := w.find(name)
	if err != nil {
		return err
	}
	for _, h := range objs {
		if err := w.ctx.DestroyObject(w.session, h); err != nil {
			return fmt.Errorf("wallet.pkcs11: destroy key of %s: %w", name, err)
		}
	}
	return nil
}

func (w *pkcs11Wallet) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.closers {
		c()
	}
	w.closers = nil
	if w.session != 0 {
		w.ctx.CloseSession(w.session)
		w.session = 0
	}
	w.factory.Dispose() // finalizes the module for both handles
	w.ctx.Destroy()
	return nil
}

// tokenSigner is a crypto.Signer whose private half stays in the token.
type tokenSigner struct {
	pub  *ecdsa.PublicKey
	sign identity.Sign
}

func (s *tokenSigner) Public() crypto.PublicKey { return s.pub }

func (s *tokenSigner) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	return s.sign(digest)
}
