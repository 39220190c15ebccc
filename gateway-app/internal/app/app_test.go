package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// pki issues test certificates from one CA.
type pki struct {
	t      *testing.T
	dir    string
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPath string
	serial int64
}

func newPKI(t *testing.T) *pki {
	p := &pki{t: t, dir: t.TempDir()}
	p.caKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &p.caKey.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	p.ca, _ = x509.ParseCertificate(der)
	p.caPath = p.write("ca.pem", "CERTIFICATE", der)
	p.serial = 1
	return p
}

func (p *pki) write(name, typ string, der []byte) string {
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		p.t.Fatal(err)
	}
	return path
}

// issue returns the paths of a new certificate and key.
func (p *pki) issue(name string, subject pkix.Name, usage x509.ExtKeyUsage, ips ...net.IP) (certPath, keyPath string) {
	p.serial++
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(p.serial), Subject: subject, IPAddresses: ips,
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		p.t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	return p.write(name+".pem", "CERTIFICATE", der), p.write(name+".key", "PRIVATE KEY", keyDER)
}

const robotSubject = "CN=ops-robot,OU=client,O=Org1"

// offlineConfig is a full configuration whose peer does not exist.
func offlineConfig(t *testing.T, p *pki) config.Config {
	adminCert, adminKey := p.issue("admin", pkix.Name{CommonName: "Admin@org1", OrganizationalUnit: []string{"admin"}}, x509.ExtKeyUsageClientAuth)
	serverCert, serverKey := p.issue("server", pkix.Name{CommonName: "gateway"}, x509.ExtKeyUsageServerAuth, net.IPv4(127, 0, 0, 1))
	cfg := config.Config{
		Listen: "127.0.0.1:0", DataDir: filepath.Join(t.TempDir(), "data"), MSPID: "Org1MSP", Channel: "tranchenet", Chaincode: "tranchenet",
		TLS:        &config.ServerTLS{Cert: serverCert, Key: serverKey, ClientCA: p.caPath},
		Peer:       config.Peer{Endpoint: "127.0.0.1:1", TLSCACert: p.caPath, HostOverride: "peer0.org1.example.com"},
		Identities: []config.Identity{{Name: "Admin", Cert: adminCert, Key: adminKey}},
		Users: []config.User{
			{Name: "admin", Identity: "Admin", Roles: []string{"admin"}, TokenSHA256: config.HashToken("tng_t")},
			{Name: "robot", Identity: "Admin", Roles: []string{"auditor"}, CertSubject: robotSubject},
		},
		Events: config.Events{Identity: "Admin"},
	}
	cfg.SetDefaults()
	cfg.Timeouts.Shutdown = config.Duration(5 * time.Second)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestServeOverMutualTLSAndShutDownCleanly(t *testing.T) {
	p := newPKI(t)
	cfg := offlineConfig(t, p)
	a, err := New(cfg, NewLogger(io.Discard, "info"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()

	robotCert, robotKey := p.issue("robot", pkix.Name{CommonName: "ops-robot", OrganizationalUnit: []string{"client"}, Organization: []string{"Org1"}}, x509.ExtKeyUsageClientAuth)
	pair, err := tls.LoadX509KeyPair(robotCert, robotKey)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.ca)
	withCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}}}}
	noCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	base := "https://" + a.Addr()

	get := func(c *http.Client, path, token string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, body
	}
	if code, _ := get(noCert, "/healthz", ""); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	code, body := get(withCert, "/v1/whoami", "")
	var who struct {
		User   string `json:"user"`
		Method string `json:"authenticatedBy"`
	}
	json.Unmarshal(body, &who)
	if code != 200 || who.User != "robot" || who.Method != "certificate" {
		t.Fatalf("whoami by certificate: %d %s", code, body)
	}
	if code, body := get(noCert, "/v1/whoami", "tng_t"); code != 200 {
		t.Fatalf("whoami by token: %d %s", code, body)
	}
	// The peer does not exist: the app is alive but not ready.
	if code, body := get(noCert, "/readyz", ""); code != http.StatusServiceUnavailable {
		t.Fatalf("readyz without a peer: %d %s", code, body)
	}

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after shutdown was requested")
	}
	// The database is closed: another process could open it now.
	s, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatalf("database still locked after shutdown: %v", err)
	}
	s.Close()
	if _, err := net.DialTimeout("tcp", a.Addr(), time.Second); err == nil {
		t.Fatal("still listening after shutdown")
	}
}

func TestNewFailsCleanlyOnABadConfiguration(t *testing.T) {
	p := newPKI(t)
	cfg := offlineConfig(t, p)
	_, notAdminKey := p.issue("plain", pkix.Name{CommonName: "User1@org1", OrganizationalUnit: []string{"client"}}, x509.ExtKeyUsageClientAuth)
	cfg.Identities[0].Key = notAdminKey // key of another certificate
	if _, err := New(cfg, NewLogger(io.Discard, "info")); err == nil {
		t.Fatal("a key that does not match its certificate must stop the app")
	}
	// Nothing stays open: the data directory can be used again.
	s, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatalf("database left locked by a failed start: %v", err)
	}
	s.Close()
}
