// Package onboard gives a bank's gateway its identity lifecycle: register
// a new client identity at the bank's Fabric CA with its role as a
// certificate attribute, enroll it with a key created inside the wallet
// (the key never leaves it), load it into the Fabric connection, and map a
// new API user to it; and revoke: unload it, destroy its key, revoke it at
// the CA. The ledger side of a revocation (freezing the identity) is the
// REST handler's, run as the calling compliance officer.
//
// Records of onboarded identities live next to their certificates in the
// wallet directory (identities/<name>.json, written atomically), so a
// restart loads every active identity again; bearer tokens are kept only
// as their SHA-256.
//
// Imports: config, caclient, wallet, ledger (to load identities), the
// chaincode's roles and fabric-gateway's identity; never the API.
package onboard

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/caclient"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/wallet"
)

// Loader loads and unloads identities in the Fabric connection
// (*ledger.Gateway).
type Loader interface {
	AddIdentity(name string, cert *x509.Certificate, sign identity.Sign) (ledger.IdentityInfo, error)
	RemoveIdentity(name string) error
}

// Record is one onboarded identity as the gateway keeps it.
type Record struct {
	// Name is the CA enrollment ID, the Fabric identity's name in the
	// gateway and the API user's name: one word for all three.
	Name string `json:"name"`
	// IdentityKey is the identity as the chaincode names it: MSP/<hex>.
	IdentityKey string    `json:"identityKey"`
	Role        string    `json:"role"`
	TokenSHA256 string    `json:"tokenSHA256"`
	Serial      string    `json:"serial" doc:"the certificate's serial number, hex"`
	NotAfter    time.Time `json:"notAfter"`
	CreatedAt   time.Time `json:"createdAt"`
	CreatedBy   string    `json:"createdBy"`
	RevokedAt   time.Time `json:"revokedAt,omitzero"`
	RevokedBy   string    `json:"revokedBy,omitempty"`
}

// Active reports whether the identity is not revoked.
func (r Record) Active() bool { return r.RevokedAt.IsZero() }

// Roles the gateway onboards, each going into the certificate (the
// tranchenet.role attribute the chaincode reads) rather than needing an
// on-chain grant by the bank's admin: investors, who are many and come and
// go; and rates desks, which a bank adds when a deal names it a source of
// an index's fixing (every identity of the configuration is already cast,
// so a desk is a new identity of its own).
var Onboardable = []roles.Role{roles.Investor, roles.Rates}

// Service onboards and revokes identities.
type Service struct {
	msp       string
	ca        *caclient.Client
	wallet    wallet.Wallet
	loader    Loader
	reserved  func(name string) bool // names of configured users and identities
	now       func() time.Time
	recordDir string

	mu       sync.RWMutex
	records  map[string]*Record
	byToken  map[[sha256.Size]byte]string
	infos    map[string]ledger.IdentityInfo
	inFlight map[string]bool // names being onboarded
}

// Open builds the service from the configuration's CA section, loads the
// records of earlier onboardings and loads every active identity into the
// Fabric connection.
func Open(cfg config.Config, loader Loader) (*Service, error) {
	if cfg.CA == nil {
		return nil, errors.New("onboarding needs the ca section of the configuration")
	}
	certPEM, _, sign, err := ledger.LoadKeyPair(cfg.CA.Registrar)
	if err != nil {
		return nil, fmt.Errorf("ca.registrar: %w", err)
	}
	var roots *x509.CertPool
	if cfg.CA.TLSCACert != "" {
		pem, err := os.ReadFile(cfg.CA.TLSCACert)
		if err != nil {
			return nil, fmt.Errorf("ca.tlsCACert: %w", err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca.tlsCACert: no PEM certificate in %s", cfg.CA.TLSCACert)
		}
	}
	ca, err := caclient.New(caclient.Options{URL: cfg.CA.URL, CAName: cfg.CA.Name, TLSRoots: roots,
		Registrar: caclient.Registrar{CertPEM: certPEM, Sign: sign}})
	if err != nil {
		return nil, fmt.Errorf("ca.url: %w", err)
	}
	w, err := wallet.Open(cfg.CA.Wallet, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s, err := New(cfg, ca, w, loader)
	if err != nil {
		w.Close()
		return nil, err
	}
	return s, nil
}

// New builds the service from its parts, loads the records of earlier
// onboardings kept in the wallet directory and loads every active identity.
func New(cfg config.Config, ca *caclient.Client, w wallet.Wallet, loader Loader) (*Service, error) {
	reserved := map[string]bool{}
	for _, u := range cfg.Users {
		reserved[u.Name] = true
	}
	for _, id := range cfg.Identities {
		reserved[id.Name] = true
	}
	s := &Service{
		msp: cfg.MSPID, ca: ca, wallet: w, loader: loader, reserved: func(n string) bool { return reserved[n] },
		now: time.Now, recordDir: filepath.Join(w.Dir(), "identities"),
		records: map[string]*Record{}, byToken: map[[sha256.Size]byte]string{}, infos: map[string]ledger.IdentityInfo{},
		inFlight: map[string]bool{},
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// Close closes the wallet.
func (s *Service) Close() error { return s.wallet.Close() }

// load reads the records and loads the active identities.
func (s *Service) load() error {
	if err := os.MkdirAll(s.recordDir, 0o700); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(s.recordDir, "*.json"))
	if err != nil {
		return err
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var r Record
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("onboarded identity %s: %w", f, err)
		}
		s.records[r.Name] = &r
		if r.Active() {
			if err := s.activate(&r); err != nil {
				return fmt.Errorf("onboarded identity %s: %w", r.Name, err)
			}
		}
	}
	return nil
}

// activate loads an identity's certificate and wallet key into the Fabric
// connection and indexes its user's token.
func (s *Service) activate(r *Record) error {
	certPEM, err := s.wallet.Cert(r.Name)
	if err != nil {
		return err
	}
	cert, err := caclient.ParseCertPEM(certPEM)
	if err != nil {
		return err
	}
	sign, err := s.wallet.Sign(r.Name, cert)
	if err != nil {
		return err
	}
	info, err := s.loader.AddIdentity(r.Name, cert, sign)
	if err != nil {
		return err
	}
	sum, err := hex.DecodeString(r.TokenSHA256)
	if err != nil || len(sum) != sha256.Size {
		return fmt.Errorf("tokenSHA256 is not a hex SHA-256")
	}
	s.mu.Lock()
	s.byToken[[sha256.Size]byte(sum)] = r.Name
	s.infos[r.Name] = info
	s.mu.Unlock()
	return nil
}

func (s *Service) save(r *Record) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return wallet.WriteFileAtomic(filepath.Join(s.recordDir, r.Name+".json"), raw, 0o600)
}

// Request asks for a new identity.
type Request struct {
	Name      string
	Role      roles.Role
	CreatedBy string // the API user asking
}

// Errors a caller maps to its answers.
var (
	ErrExists      = errors.New("exists")
	ErrNotFound    = errors.New("not found")
	ErrRole        = errors.New("role not onboardable")
	ErrCARefused   = errors.New("the CA refused")
	ErrUnavailable = errors.New("the CA did not answer")
)

// Onboard registers, enrolls and activates a new identity; it returns its
// record and the new API user's bearer token (shown to the caller once,
// kept here only as its SHA-256).
func (s *Service) Onboard(ctx context.Context, req Request) (Record, string, error) {
	if !slices.Contains(Onboardable, req.Role) {
		return Record{}, "", fmt.Errorf("%w: %s (the gateway onboards %s)", ErrRole, req.Role, RoleList())
	}
	if err := s.claim(req.Name); err != nil {
		return Record{}, "", err
	}
	defer s.release(req.Name)

	p, err := s.readPending(req.Name)
	if err != nil {
		return Record{}, "", err
	}
	resumed := p != nil
	if resumed && p.Role != string(req.Role) {
		return Record{}, "", fmt.Errorf("%w: an onboarding of %s as %s is pending; retry it with that role", ErrExists, req.Name, p.Role)
	}
	if !resumed {
		if p, err = s.startPending(req.Name, string(req.Role)); err != nil {
			return Record{}, "", err
		}
	}
	_, err = s.ca.Register(ctx, caclient.Registration{ID: req.Name, Type: "client", Secret: p.Secret, MaxEnrollments: 1,
		Attributes: []caclient.Attribute{{Name: roles.RoleAttribute, Value: string(req.Role), ECert: true}}})
	var refused *caclient.Error
	switch {
	case err == nil:
	case resumed && caclient.HasCode(err, caclient.CodeIdentityRegistered):
		// Registered by the interrupted attempt: enroll it now.
	case caclient.HasCode(err, caclient.CodeIdentityRegistered):
		s.clearPending(req.Name)
		return Record{}, "", fmt.Errorf("%w: %s is already registered at the CA", ErrExists, req.Name)
	case errors.As(err, &refused):
		s.clearPending(req.Name) // refused: nothing was registered
		return Record{}, "", caError(err)
	default:
		return Record{}, "", caError(err) // the CA may have registered it: keep the secret for a retry
	}
	secret := p.Secret
	if resumed {
		if err := s.wallet.DeleteKey(req.Name); err != nil { // a key of the interrupted attempt
			return Record{}, "", err
		}
	}
	key, err := s.wallet.NewKey(req.Name)
	if err != nil {
		return Record{}, "", err
	}
	csr, err := caclient.NewCSR(req.Name, key)
	if err != nil {
		s.wallet.DeleteKey(req.Name)
		return Record{}, "", err
	}
	enr, err := s.ca.Enroll(ctx, req.Name, secret, csr)
	if err != nil {
		s.wallet.DeleteKey(req.Name)
		return Record{}, "", caError(err)
	}
	if err := s.wallet.PutCert(req.Name, enr.CertPEM); err != nil {
		return Record{}, "", err
	}
	token := config.NewToken()
	r := &Record{
		Name: req.Name, IdentityKey: roles.IdentityOf(s.msp, enr.Cert).Key(), Role: string(req.Role),
		TokenSHA256: config.HashToken(token), Serial: enr.Cert.SerialNumber.Text(16), NotAfter: enr.Cert.NotAfter,
		CreatedAt: s.now().UTC(), CreatedBy: req.CreatedBy,
	}
	if err := s.save(r); err != nil {
		return Record{}, "", err
	}
	if err := s.activate(r); err != nil {
		return Record{}, "", err
	}
	s.clearPending(r.Name)
	s.mu.Lock()
	s.records[r.Name] = r
	s.mu.Unlock()
	return *r, token, nil
}

// claim reserves a name for an onboarding in progress.
func (s *Service) claim(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reserved(name) || s.records[name] != nil || s.inFlight[name] {
		return fmt.Errorf("%w: an identity or user named %s", ErrExists, name)
	}
	s.inFlight[name] = true
	return nil
}

func (s *Service) release(name string) {
	s.mu.Lock()
	delete(s.inFlight, name)
	s.mu.Unlock()
}

// Revoked is a revocation's outcome.
type Revoked struct {
	Record Record
	// CRL is the CA's certificate revocation list after the revocation
	// (PEM), for the bank's MSP operators to publish.
	CRL []byte
}

// Revoke disables an identity in this gateway (its user no longer
// authenticates, its key is destroyed) and revokes it at the CA. Run again
// after a failure it completes what is left; a revoked identity's record
// is kept.
func (s *Service) Revoke(ctx context.Context, name, by string) (Revoked, error) {
	s.mu.Lock()
	r := s.records[name]
	if r == nil {
		s.mu.Unlock()
		return Revoked{}, fmt.Errorf("%w: no onboarded identity %s", ErrNotFound, name)
	}
	// Stop authenticating its user at once.
	sum, _ := hex.DecodeString(r.TokenSHA256)
	delete(s.byToken, [sha256.Size]byte(sum))
	delete(s.infos, name)
	rec := *r
	s.mu.Unlock()

	if err := s.loader.RemoveIdentity(name); err != nil {
		return Revoked{}, err
	}
	if err := s.wallet.DeleteKey(name); err != nil {
		return Revoked{}, err
	}
	res, err := s.ca.Revoke(ctx, caclient.Revocation{ID: name, Reason: "cessationofoperation", GenCRL: true})
	if caclient.HasCode(err, caclient.CodeAlreadyRevoked) {
		res.CRL, err = s.ca.GenCRL(ctx)
	}
	if err != nil {
		return Revoked{}, caError(err)
	}
	if rec.Active() {
		rec.RevokedAt, rec.RevokedBy = s.now().UTC(), by
		if err := s.save(&rec); err != nil {
			return Revoked{}, err
		}
		s.mu.Lock()
		s.records[name] = &rec
		s.mu.Unlock()
	}
	return Revoked{Record: rec, CRL: res.CRL}, nil
}

// List returns every onboarded identity, active and revoked, by name.
func (s *Service) List() []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Record, 0, len(s.records))
	for _, r := range s.records {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ByKey finds an onboarded identity by its identity key (MSP/<hex>).
func (s *Service) ByKey(key string) (Record, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, r := range s.records {
		if r.IdentityKey == key {
			return *r, true
		}
	}
	return Record{}, false
}

// UserByToken implements api.Onboarded: an active identity's API user.
func (s *Service) UserByToken(sum [sha256.Size]byte) (config.User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	name, ok := s.byToken[sum]
	if !ok {
		return config.User{}, false
	}
	r := s.records[name]
	return config.User{Name: r.Name, Identity: r.Name, Roles: []string{r.Role}, TokenSHA256: r.TokenSHA256}, true
}

// Identity implements api.Onboarded.
func (s *Service) Identity(name string) (ledger.IdentityInfo, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	info, ok := s.infos[name]
	return info, ok
}

func caError(err error) error {
	var e *caclient.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%w: %v", ErrCARefused, err)
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}

// RoleList names the onboardable roles, for an answer refusing another.
func RoleList() string {
	s := make([]string, len(Onboardable))
	for i, r := range Onboardable {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}
