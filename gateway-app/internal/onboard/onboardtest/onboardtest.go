// Package onboardtest gives tests an onboarding service on a real
// fabric-ca-server (package catest), a wallet in a temporary directory and
// an in-memory Loader standing in for the Fabric connection.
//
// Imports: onboard, caclient/catest, ledger, config. Test code only.
package onboardtest

import (
	"crypto/x509"
	"fmt"
	"sync"
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/caclient/catest"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard"
)

// Loader records the identities the service loads, with their signers.
type Loader struct {
	MSP   string
	mu    sync.Mutex
	Signs map[string]identity.Sign
}

// AddIdentity implements onboard.Loader.
func (l *Loader) AddIdentity(name string, cert *x509.Certificate, sign identity.Sign) (ledger.IdentityInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, dup := l.Signs[name]; dup {
		return ledger.IdentityInfo{}, fmt.Errorf("identity %s: loaded twice", name)
	}
	l.Signs[name] = sign
	return ledger.IdentityInfo{Name: name, Certificate: cert, ID: roles.IdentityOf(l.MSP, cert)}, nil
}

// RemoveIdentity implements onboard.Loader.
func (l *Loader) RemoveIdentity(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.Signs, name)
	return nil
}

// Loaded reports whether name is loaded.
func (l *Loader) Loaded(name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.Signs[name]
	return ok
}

// Env is a CA, a wallet directory and the configuration naming them.
type Env struct {
	CA     *catest.Server
	Config config.Config
}

// NewEnv starts a CA and returns a configuration whose CA section points
// at it (file wallet under a temporary data directory).
func NewEnv(tb testing.TB, msp string) *Env {
	tb.Helper()
	srv := catest.Start(tb)
	cfg := config.Config{MSPID: msp, DataDir: tb.TempDir(), CA: &config.CA{
		URL: srv.URL, Name: catest.CAName, TLSCACert: srv.TLSCACert,
		Registrar: config.Identity{Name: "registrar", Cert: srv.RegistrarCert, Key: srv.RegistrarKey},
	}}
	return &Env{CA: srv, Config: cfg}
}

// Open opens the onboarding service of the environment with a fresh Loader.
func (e *Env) Open(tb testing.TB) (*onboard.Service, *Loader) {
	tb.Helper()
	l := &Loader{MSP: e.Config.MSPID, Signs: map[string]identity.Sign{}}
	svc, err := onboard.Open(e.Config, l)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { svc.Close() })
	return svc, l
}

var _ onboard.Loader = (*Loader)(nil)
