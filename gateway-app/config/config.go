// Package config is the gateway app's configuration: one YAML file per bank,
// overridable by environment variables, validated strictly so that a typo
// stops the app at start with the name of the field instead of surfacing as
// a refused transaction later.
//
// A bank's gateway talks to its own peer with its own Fabric identities. API
// users (people and systems calling the REST API) authenticate with a bearer
// token or a client certificate and are each mapped to exactly one of those
// identities: nothing in a request can choose another identity or another
// bank's.
//
// The file format is public (not internal) because test-network's
// gatewayconfig writes the local network's files in it. The package
// imports only the standard library, yaml and the pure core's errs and
// roles (role and collection names): no Fabric, no other gateway package.
package config

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Config is the whole configuration of one gateway app.
type Config struct {
	// Listen is the HTTP listen address. Default 127.0.0.1:8080 (loopback).
	Listen string `yaml:"listen"`
	// InsecureListen allows plain HTTP on a non-loopback address, for
	// deployments where TLS is terminated in front of the app (a mesh
	// sidecar). Without it a non-loopback Listen requires TLS.
	InsecureListen bool `yaml:"insecureListen,omitempty"`
	// TLS serves HTTPS; with ClientCA it also accepts client certificates.
	TLS *ServerTLS `yaml:"tls,omitempty"`
	// DataDir holds the app's database (read model, checkpoint, idempotency records).
	DataDir string `yaml:"dataDir"`

	MSPID     string `yaml:"mspID"`
	Channel   string `yaml:"channel"`
	Chaincode string `yaml:"chaincode"`
	Peer      Peer   `yaml:"peer"`
	// FailoverPeers are the bank's other peers, tried in order when Peer
	// does not answer (its Gateway service is down or restarting).
	FailoverPeers []Peer `yaml:"failoverPeers,omitempty"`
	// CA is the bank's Fabric CA, through which the app onboards (registers
	// and enrolls) and revokes client identities; nil disables onboarding.
	CA *CA `yaml:"ca,omitempty"`

	// Identities are the bank's Fabric identities, by name.
	Identities []Identity `yaml:"identities"`
	// Users are the API users, each acting as one identity.
	Users []User `yaml:"users"`
	// Endorsement names the orgs whose peers must endorse writes.
	Endorsement Endorsement `yaml:"endorsement,omitempty"`

	Events      Events      `yaml:"events"`
	Timeouts    Timeouts    `yaml:"timeouts,omitempty"`
	Idempotency Idempotency `yaml:"idempotency,omitempty"`

	// LogLevel is debug, info, warn or error. Default info.
	LogLevel string `yaml:"logLevel,omitempty"`
	// MaxBodyBytes caps JSON request bodies. Default 1 MiB.
	MaxBodyBytes int64 `yaml:"maxBodyBytes,omitempty"`
	// MaxUploadBytes caps uploaded files (loan tapes, servicer reports),
	// which are spooled to dataDir/uploads, never held in memory. Default
	// 1 GiB: a 100,000-loan EX-102 XML report is about 150 MB.
	MaxUploadBytes int64 `yaml:"maxUploadBytes,omitempty"`

	// Scheduler runs the configured deals' payment dates (scheduler.go);
	// nil runs none.
	Scheduler *Scheduler `yaml:"scheduler,omitempty"`
}

// ServerTLS configures HTTPS.
type ServerTLS struct {
	Cert string `yaml:"cert"` // PEM certificate chain
	Key  string `yaml:"key"`  // PEM private key
	// ClientCA, when set, is the PEM bundle client certificates must chain
	// to; a verified client certificate authenticates its API user (see
	// User.CertSubject). Bearer tokens keep working alongside.
	ClientCA string `yaml:"clientCA,omitempty"`
}

// Peer is the gateway peer the app connects to (the bank's own peer).
type Peer struct {
	Endpoint string `yaml:"endpoint"` // host:port
	// TLSCACert is the PEM CA bundle that signs the peer's TLS certificate.
	TLSCACert string `yaml:"tlsCACert"`
	// HostOverride is the name in the peer's TLS certificate, when Endpoint
	// uses another name or an IP address.
	HostOverride string `yaml:"hostOverride,omitempty"`
	// ClientCert and ClientKey authenticate the app to the peer at the TLS
	// level, when the peer requires client TLS (peer.tls.clientAuthRequired).
	ClientCert string `yaml:"clientCert,omitempty"`
	ClientKey  string `yaml:"clientKey,omitempty"`
}

// CA is the bank's Fabric CA (REST API) and the registrar identity the app
// uses there: one with hf.Registrar.Roles=client, hf.Revoker=true and the
// attributes it may give (hf.Registrar.Attributes=tranchenet.role), never
// the CA's bootstrap admin.
type CA struct {
	URL       string   `yaml:"url"`            // https://host:port
	Name      string   `yaml:"name,omitempty"` // caname, when the server hosts several CAs
	TLSCACert string   `yaml:"tlsCACert"`      // PEM bundle that signs the CA's TLS certificate
	Registrar Identity `yaml:"registrar"`      // cert + key (or keystore) of the registrar
	// Wallet keeps the private keys of identities the app enrolls.
	Wallet Wallet `yaml:"wallet"`
}

// Wallet is where enrolled identities' private keys live: a directory of
// files (default: dataDir/wallet) or a PKCS#11 token (an HSM; SoftHSM in
// tests), in which case only certificates are kept on disk.
type Wallet struct {
	Dir    string  `yaml:"dir,omitempty"`
	PKCS11 *PKCS11 `yaml:"pkcs11,omitempty"`
}

// PKCS11 names an HSM slot by its token label.
type PKCS11 struct {
	Library string `yaml:"library"` // path to the PKCS#11 module (.so)
	Label   string `yaml:"label"`   // token label
	PIN     string `yaml:"pin"`     // user PIN; ${ENV} references are expanded
}

// Identity is one Fabric identity of the bank: an X.509 certificate issued
// by the bank's MSP and its private key, given as a key file or as a
// keystore directory holding exactly one key (as cryptogen and the Fabric
// CA client write it).
type Identity struct {
	Name     string `yaml:"name"`
	Cert     string `yaml:"cert"`
	Key      string `yaml:"key,omitempty"`
	Keystore string `yaml:"keystore,omitempty"`
}

// User is an API user. It authenticates with a bearer token (stored here
// only as its SHA-256, hex) or a TLS client certificate with the given
// subject, or both, and acts as Identity.
type User struct {
	Name     string `yaml:"name"`
	Identity string `yaml:"identity"`
	// Roles are the tranchenet roles (trustee, investor, ...) this user's
	// identity holds on chain. The app checks them before calling the
	// ledger to answer fast; the chaincode checks them again and is the
	// authority.
	Roles []string `yaml:"roles"`
	// TokenSHA256 is the lower-case hex SHA-256 of the user's bearer token.
	TokenSHA256 string `yaml:"tokenSHA256,omitempty"`
	// CertSubject is the RFC 4514 subject of the user's client certificate,
	// as Go renders it ("CN=alice,OU=client,O=Bank A").
	CertSubject string `yaml:"certSubject,omitempty"`
}

// Endorsement names endorsing orgs (MSP IDs). With private data the Fabric
// Gateway otherwise picks endorsers from the collection's members itself,
// and naming them is safer (FABRIC_NOTES: gateway client facts).
type Endorsement struct {
	// Public endorsers for writes to public state only; empty lets the
	// gateway satisfy the chaincode endorsement policy itself.
	Public []string `yaml:"public,omitempty"`
	// Collections maps a collection name to the orgs that must endorse a
	// write to it. An org's implicit collection defaults to that org.
	Collections map[string][]string `yaml:"collections,omitempty"`
}

// Events configures the chaincode event listener.
type Events struct {
	// Identity is the identity that reads the event stream.
	Identity string `yaml:"identity"`
	// Disabled turns the listener off (the read model then stays empty).
	Disabled bool `yaml:"disabled,omitempty"`
	// StartBlock is where a listener without a checkpoint starts. Default 0:
	// the whole chain, so the read model holds every event.
	StartBlock uint64 `yaml:"startBlock,omitempty"`
	// MaxBackoff caps the reconnect delay. Default 30s.
	MaxBackoff Duration `yaml:"maxBackoff,omitempty"`
	// BatchWindow is how long the listener keeps gathering events after
	// the first of a batch, so that one round of reads for the bank's
	// clients covers several blocks under load; the read model then
	// trails the ledger by up to this much. "0s" applies what the stream
	// has ready at once. At most 5s; default DefaultBatchWindow.
	BatchWindow *Duration `yaml:"batchWindow,omitempty"`
	// Stream is what the listener reads. StreamBlocks (the default): the
	// channel's blocks with the private data the bank's peer holds, so
	// the read model takes its clients' positions, cash and settlement
	// terms from each transaction's own writes and asks the peer only for
	// what those lack. StreamChaincodeEvents: the chaincode's public
	// events alone, after which the listener asks the peer for every
	// amount (the stream before issue 17; it moves fewer bytes, which a
	// bank uploading large loan tapes may prefer).
	Stream string `yaml:"stream,omitempty"`
	// FetchIdentity reads, for the read model, the private amounts events
	// do not carry (positions and cash of this bank's clients, its own
	// settlement terms): an identity the chaincode lets see every client
	// of the bank, i.e. an admin (NodeOU admin) or a compliance officer.
	// Default: the identity named Admin, else the first identity.
	FetchIdentity string `yaml:"fetchIdentity,omitempty"`
}

// Timeouts of ledger calls and of shutdown.
type Timeouts struct {
	Evaluate     Duration `yaml:"evaluate,omitempty"`     // default 30s
	Endorse      Duration `yaml:"endorse,omitempty"`      // default 60s
	Submit       Duration `yaml:"submit,omitempty"`       // default 30s
	CommitStatus Duration `yaml:"commitStatus,omitempty"` // default 2m
	Shutdown     Duration `yaml:"shutdown,omitempty"`     // default 20s: HTTP drain
	// Upload bounds a file upload request from its first byte to its
	// answer: receiving, validating and submitting every chunk (a
	// 100,000-loan report is 50 transactions). Default 30m.
	Upload Duration `yaml:"upload,omitempty"`
}

// Idempotency configures the idempotency-key store.
type Idempotency struct {
	// Retention is how long a stored response answers retries. Default 24h.
	Retention Duration `yaml:"retention,omitempty"`
}

// The listener's streams (Events.Stream).
const (
	StreamBlocks          = "blocks"
	StreamChaincodeEvents = "chaincode-events"
)

// DefaultBatchWindow is the listener's default batch window, chosen by
// the throughput benchmark (README "Throughput"): in one run, with the
// three banks' gateway apps running, direct compliant transfers kept
// 0.97x and 1.03x their rate without the apps at 32 and 64 clients with
// 250 ms, against 0.77x and 0.82x with no window; DvP settles 0.84x and
// 0.89x against 0.70x and 0.71x.
const DefaultBatchWindow = 250 * time.Millisecond

// Duration is a time.Duration written as "30s", "2m" in YAML.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration such as \"30s\"", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes a Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Defaults.
const (
	DefaultListen         = "127.0.0.1:8080"
	DefaultMaxBodyBytes   = 1 << 20
	DefaultMaxUploadBytes = 1 << 30
)

// AdminIdentity is the name cryptogen gives an org's admin user; when the
// configuration has it, the event stream fetches blocks as that identity.
const AdminIdentity = "Admin"

// Load reads a configuration file, applies environment overrides (see Env)
// and defaults, makes relative paths relative to the file's directory and
// validates the result.
func Load(path string) (Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	c, err := Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.ApplyEnv(os.LookupEnv); err != nil {
		return Config{}, err
	}
	c.SetDefaults()
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return Config{}, err
	}
	c.ResolvePaths(dir)
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes YAML strictly: unknown keys and trailing documents are errors.
func Parse(raw []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, err
	}
	var extra any
	if err := dec.Decode(&extra); err == nil {
		return Config{}, fmt.Errorf("more than one YAML document")
	}
	return c, nil
}

// SetDefaults fills unset optional fields.
func (c *Config) SetDefaults() {
	setIfEmpty(&c.Listen, DefaultListen)
	setIfEmpty(&c.LogLevel, "info")
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxUploadBytes == 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	t := &c.Timeouts
	setDurationIfZero(&t.Evaluate, 30*time.Second)
	setDurationIfZero(&t.Endorse, 60*time.Second)
	setDurationIfZero(&t.Submit, 30*time.Second)
	setDurationIfZero(&t.CommitStatus, 2*time.Minute)
	setDurationIfZero(&t.Shutdown, 20*time.Second)
	setDurationIfZero(&t.Upload, 30*time.Minute)
	setDurationIfZero(&c.Idempotency.Retention, 24*time.Hour)
	setDurationIfZero(&c.Events.MaxBackoff, 30*time.Second)
	if c.Events.Stream == "" {
		c.Events.Stream = StreamBlocks
	}
	c.Scheduler.setDefaults()
	if c.Events.FetchIdentity == "" && len(c.Identities) > 0 {
		c.Events.FetchIdentity = c.Identities[0].Name
		if _, ok := c.Identity(AdminIdentity); ok {
			c.Events.FetchIdentity = AdminIdentity
		}
	}
}

// ResolvePaths makes every relative file path relative to dir.
func (c *Config) ResolvePaths(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.DataDir)
	abs(&c.Peer.TLSCACert)
	abs(&c.Peer.ClientCert)
	abs(&c.Peer.ClientKey)
	if c.TLS != nil {
		abs(&c.TLS.Cert)
		abs(&c.TLS.Key)
		abs(&c.TLS.ClientCA)
	}
	if c.CA != nil {
		abs(&c.CA.TLSCACert)
		abs(&c.CA.Registrar.Cert)
		abs(&c.CA.Registrar.Key)
		abs(&c.CA.Registrar.Keystore)
		abs(&c.CA.Wallet.Dir)
		if c.CA.Wallet.PKCS11 != nil {
			abs(&c.CA.Wallet.PKCS11.Library)
		}
	}
	for i := range c.Identities {
		abs(&c.Identities[i].Cert)
		abs(&c.Identities[i].Key)
		abs(&c.Identities[i].Keystore)
	}
}

// Endorsers returns the orgs that must endorse a write to the given
// collections (their union, in configuration order, without duplicates).
// An org's implicit collection needs that org. ok is false if a collection
// has no configured endorsers: the caller then lets the gateway choose.
func (c *Config) Endorsers(collections ...string) (orgs []string, ok bool) {
	ok = true
	for _, coll := range collections {
		list, found := c.Endorsement.Collections[coll]
		if !found {
			if msp, implicit := roles.ImplicitCollectionOrg(coll); implicit {
				list, found = []string{msp}, true
			}
		}
		if !found {
			ok = false
			continue
		}
		for _, msp := range list {
			if !slices.Contains(orgs, msp) {
				orgs = append(orgs, msp)
			}
		}
	}
	return orgs, ok && len(orgs) > 0
}

// IsLoopback reports whether a listen address binds only the loopback interface.
func IsLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// User returns the API user with the given name.
func (c *Config) User(name string) (User, bool) {
	for _, u := range c.Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// Identity returns the identity with the given name.
func (c *Config) Identity(name string) (Identity, bool) {
	for _, id := range c.Identities {
		if id.Name == name {
			return id, true
		}
	}
	return Identity{}, false
}

func setIfEmpty(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func setDurationIfZero(p *Duration, v time.Duration) {
	if *p == 0 {
		*p = Duration(v)
	}
}

// Window is the listener's batch window: the configured one, else the
// default. (SetDefaults leaves BatchWindow nil, so that "0s" and "not
// set" stay apart and the default is decided here only.)
func (e Events) Window() time.Duration {
	if e.BatchWindow == nil {
		return DefaultBatchWindow
	}
	return e.BatchWindow.D()
}
