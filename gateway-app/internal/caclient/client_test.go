package caclient_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"os"
	"slices"
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	"github.com/tranchenet/tranchenet/gateway-app/internal/caclient"
	"github.com/tranchenet/tranchenet/gateway-app/internal/caclient/catest"
)

// attrOID is the extension in which fabric-ca puts an enrollment
// certificate's attributes, as JSON {"attrs":{name:value}}.
var attrOID = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

func certAttrs(t *testing.T, cert *x509.Certificate) map[string]string {
	t.Helper()
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(attrOID) {
			var v struct {
				Attrs map[string]string `json:"attrs"`
			}
			if err := json.Unmarshal(ext.Value, &v); err != nil {
				t.Fatal(err)
			}
			return v.Attrs
		}
	}
	return nil
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestLifecycle registers, enrolls and revokes an investor at a real
// fabric-ca-server, and checks what the CA refuses.
func TestLifecycle(t *testing.T) {
	srv := catest.Start(t)
	c := srv.Client(t)
	ctx := context.Background()

	secret, err := c.Register(ctx, caclient.Registration{ID: "investor-1", Type: "client",
		Attributes: []caclient.Attribute{{Name: "tranchenet.role", Value: "investor", ECert: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if secret == "" {
		t.Fatal("the CA drew no secret")
	}
	key := newKey(t)
	csr, err := caclient.NewCSR("investor-1", key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enroll(ctx, "investor-1", "wrong", csr); !caclient.HasCode(err, caclient.CodeAuthenticationFailure) {
		t.Fatalf("enroll with a wrong secret: got %v, want code %d", err, caclient.CodeAuthenticationFailure)
	}
	enr, err := c.Enroll(ctx, "investor-1", secret, csr)
	if err != nil {
		t.Fatal(err)
	}
	if enr.Cert.Subject.CommonName != "investor-1" || !slices.Contains(enr.Cert.Subject.OrganizationalUnit, "client") {
		t.Fatalf("subject %s: want CN=investor-1 with OU client", enr.Cert.Subject)
	}
	if !key.PublicKey.Equal(enr.Cert.PublicKey) {
		t.Fatal("the certificate does not certify the CSR's key")
	}
	if got := certAttrs(t, enr.Cert)["tranchenet.role"]; got != "investor" {
		t.Fatalf("tranchenet.role in the certificate = %q, want investor", got)
	}
	caPEM, _ := os.ReadFile(srv.TLSCACert) // the test server's TLS certificate is issued by its CA
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	roots.AppendCertsFromPEM(enr.CAChainPEM)
	if _, err := enr.Cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Fatalf("certificate does not chain to the CA: %v", err)
	}

	if _, err := c.Register(ctx, caclient.Registration{ID: "investor-1", Type: "client"}); !caclient.HasCode(err, caclient.CodeIdentityRegistered) {
		t.Fatalf("second registration: got %v, want code %d", err, caclient.CodeIdentityRegistered)
	}
	// The registrar may give tranchenet.role only; any other attribute is refused.
	if _, err := c.Register(ctx, caclient.Registration{ID: "sneaky", Type: "client",
		Attributes: []caclient.Attribute{{Name: "hf.Revoker", Value: "true"}}}); err == nil {
		t.Fatal("registering hf.Revoker: the CA accepted an attribute the registrar may not give")
	}

	rev, err := c.Revoke(ctx, caclient.Revocation{ID: "investor-1", Reason: "cessationofoperation", GenCRL: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Certs) != 1 {
		t.Fatalf("revoked %d certificates, want 1", len(rev.Certs))
	}
	crl := parseCRL(t, rev.CRL)
	if !crlHas(crl, enr.Cert) {
		t.Fatalf("the CRL does not list serial %x", enr.Cert.SerialNumber)
	}
	again, err := c.GenCRL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !crlHas(parseCRL(t, again), enr.Cert) {
		t.Fatal("gencrl does not list the revoked certificate")
	}
	csr2, _ := caclient.NewCSR("investor-1", newKey(t))
	if _, err := c.Enroll(ctx, "investor-1", secret, csr2); err == nil {
		t.Fatal("a revoked identity enrolled again")
	}
}

// TestTokenRefused shows that the CA checks the token's signature: a
// request signed with another key than the registrar certificate's is
// refused.
func TestTokenRefused(t *testing.T) {
	srv := catest.Start(t)
	other, err := identity.NewPrivateKeySign(newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := caclient.New(caclient.Options{URL: srv.URL, CAName: catest.CAName, TLSRoots: srv.Roots,
		Registrar: caclient.Registrar{CertPEM: srv.Registrar.CertPEM, Sign: other}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Register(context.Background(), caclient.Registration{ID: "x", Type: "client"}); !caclient.HasCode(err, caclient.CodeAuthenticationFailure) {
		t.Fatalf("forged token: got %v, want code %d", err, caclient.CodeAuthenticationFailure)
	}
}

func parseCRL(t *testing.T, raw []byte) *x509.RevocationList {
	t.Helper()
	b, _ := pem.Decode(raw)
	if b == nil {
		t.Fatalf("CRL is not PEM: %q", raw)
	}
	crl, err := x509.ParseRevocationList(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

func crlHas(crl *x509.RevocationList, cert *x509.Certificate) bool {
	return slices.ContainsFunc(crl.RevokedCertificateEntries, func(e x509.RevocationListEntry) bool {
		return e.SerialNumber.Cmp(cert.SerialNumber) == 0
	})
}
