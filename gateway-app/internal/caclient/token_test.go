package caclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
)

// TestTokenLayout checks the token against fabric-ca's definition worked
// by hand: b64(cert) "." b64(sig) with sig over
// SHA-256("POST.L2FwaS92MS9yZWdpc3Rlcg==." b64(body) "." b64(cert)).
func TestTokenLayout(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "registrar"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	sign, _ := identity.NewPrivateKeySign(key)
	body := []byte(`{"id":"a"}`)
	token, err := Token(Registrar{CertPEM: certPEM, Sign: sign}, "POST", "/api/v1/register", body)
	if err != nil {
		t.Fatal(err)
	}
	b64cert, b64sig, ok := strings.Cut(token, ".")
	if !ok || b64cert != base64.StdEncoding.EncodeToString(certPEM) {
		t.Fatalf("token %q: want b64(cert).b64(sig)", token)
	}
	sig, err := base64.StdEncoding.DecodeString(b64sig)
	if err != nil {
		t.Fatal(err)
	}
	payload := "POST.L2FwaS92MS9yZWdpc3Rlcg==.eyJpZCI6ImEifQ==." + b64cert
	digest := sha256.Sum256([]byte(payload))
	if !ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig) {
		t.Fatal("signature does not verify over method.b64(uri).b64(body).b64(cert)")
	}
	if _, err := Token(Registrar{}, "POST", "/api/v1/register", body); err == nil {
		t.Fatal("a token without a registrar")
	}
}
