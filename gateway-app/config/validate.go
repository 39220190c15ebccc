package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// FieldError is one validation failure: the YAML path of the field and
// what is wrong with it.
type FieldError struct {
	Field string // e.g. "users[2].identity"
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

var (
	// Names of identities and users: safe in logs, URLs and metric labels.
	namePattern      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)
	channelPattern   = regexp.MustCompile(`^[a-z][a-z0-9.-]{0,248}$`)
	chaincodePattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$`)
	sha256HexPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	logLevels        = []string{"debug", "info", "warn", "error"}
)

// Validate checks every field and returns all problems at once (joined
// *FieldError values), so one run of the app shows everything to fix.
// Files named by the configuration must exist.
func (c *Config) Validate() error {
	v := &validator{}
	c.validateServer(v)
	c.validateFabric(v)
	c.validateIdentities(v)
	c.validateCA(v)
	c.validateUsers(v)
	c.validateEndorsement(v)
	c.validateRuntime(v)
	c.validateScheduler(v)
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// file checks that a required file exists and is not a directory.
func (v *validator) file(field, path string) {
	if path == "" {
		v.add(field, "required")
		return
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		v.add(field, "cannot read %s: %v", path, errors.Unwrap(err))
	case st.IsDir():
		v.add(field, "%s is a directory, want a file", path)
	}
}

// hostPort checks a host:port address and reports whether it is well-formed.
func (v *validator) hostPort(field, addr string, allowZeroPort bool) bool {
	if addr == "" {
		v.add(field, "required (host:port)")
		return false
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		v.add(field, "%q is not host:port", addr)
		return false
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 || n == 0 && !allowZeroPort {
		v.add(field, "port %q out of range", port)
		return false
	}
	return true
}

func (c *Config) validateServer(v *validator) {
	listenOK := v.hostPort("listen", c.Listen, true)
	if c.TLS != nil {
		v.file("tls.cert", c.TLS.Cert)
		v.file("tls.key", c.TLS.Key)
		if c.TLS.ClientCA != "" {
			v.file("tls.clientCA", c.TLS.ClientCA)
		}
	} else if listenOK && !IsLoopback(c.Listen) && !c.InsecureListen {
		v.add("listen", "%s is not a loopback address: configure tls (bearer tokens must not cross a network in clear) or set insecureListen when TLS is terminated in front of the app", c.Listen)
	}
	if c.DataDir == "" {
		v.add("dataDir", "required")
	}
}

func (c *Config) validateFabric(v *validator) {
	if err := roles.ValidMSP(c.MSPID); err != nil {
		v.add("mspID", "%s", errText(err))
	}
	if !channelPattern.MatchString(c.Channel) {
		v.add("channel", "%q: want lower-case letters, digits, dots and dashes, starting with a letter", c.Channel)
	}
	if !chaincodePattern.MatchString(c.Chaincode) {
		v.add("chaincode", "%q: want letters, digits, _ . + -", c.Chaincode)
	}
	v.hostPort("peer.endpoint", c.Peer.Endpoint, false)
	v.file("peer.tlsCACert", c.Peer.TLSCACert)
	if (c.Peer.ClientCert == "") != (c.Peer.ClientKey == "") {
		v.add("peer.clientCert", "clientCert and clientKey go together")
	} else if c.Peer.ClientCert != "" {
		v.file("peer.clientCert", c.Peer.ClientCert)
		v.file("peer.clientKey", c.Peer.ClientKey)
	}
}

func (c *Config) validateIdentities(v *validator) {
	if len(c.Identities) == 0 {
		v.add("identities", "at least one Fabric identity is required")
	}
	seen := map[string]bool{}
	for i, id := range c.Identities {
		f := fmt.Sprintf("identities[%d]", i)
		if !namePattern.MatchString(id.Name) {
			v.add(f+".name", "%q: want 1 to 64 letters, digits, . _ @ -", id.Name)
		} else if seen[id.Name] {
			v.add(f+".name", "identity %q defined twice", id.Name)
		}
		seen[id.Name] = true
		v.certAndKey(f, id)
	}
}

// certAndKey checks an identity's certificate and its key file or keystore.
func (v *validator) certAndKey(f string, id Identity) {
	v.file(f+".cert", id.Cert)
	switch {
	case id.Key == "" && id.Keystore == "":
		v.add(f+".key", "set key (a PEM file) or keystore (a directory with one key)")
	case id.Key != "" && id.Keystore != "":
		v.add(f+".key", "set key or keystore, not both")
	case id.Key != "":
		v.file(f+".key", id.Key)
	default:
		if st, err := os.Stat(id.Keystore); err != nil || !st.IsDir() {
			v.add(f+".keystore", "%s is not a readable directory", id.Keystore)
		}
	}
}

func (c *Config) validateUsers(v *validator) {
	if len(c.Users) == 0 {
		v.add("users", "at least one API user is required")
	}
	names, tokens, subjects := map[string]bool{}, map[string]string{}, map[string]string{}
	for i, u := range c.Users {
		f := fmt.Sprintf("users[%d]", i)
		if !namePattern.MatchString(u.Name) {
			v.add(f+".name", "%q: want 1 to 64 letters, digits, . _ @ -", u.Name)
		} else if names[u.Name] {
			v.add(f+".name", "user %q defined twice", u.Name)
		}
		names[u.Name] = true
		if _, ok := c.Identity(u.Identity); !ok {
			v.add(f+".identity", "unknown identity %q (identities: %s)", u.Identity, strings.Join(c.identityNames(), ", "))
		}
		if len(u.Roles) == 0 {
			v.add(f+".roles", "at least one role is required (roles: %s)", roleNames())
		}
		for j, r := range u.Roles {
			if _, err := roles.ParseRole(r); err != nil {
				v.add(fmt.Sprintf("%s.roles[%d]", f, j), "unknown role %q (roles: %s)", r, roleNames())
			} else if slices.Index(u.Roles, r) != j {
				v.add(fmt.Sprintf("%s.roles[%d]", f, j), "role %q listed twice", r)
			}
		}
		if u.TokenSHA256 == "" && u.CertSubject == "" {
			v.add(f, "set tokenSHA256, certSubject or both: the user has no way to authenticate")
		}
		if u.TokenSHA256 != "" {
			if !sha256HexPattern.MatchString(u.TokenSHA256) {
				v.add(f+".tokenSHA256", "want 64 lower-case hex digits (the SHA-256 of the token, never the token)")
			} else if other, dup := tokens[u.TokenSHA256]; dup {
				v.add(f+".tokenSHA256", "same token as user %q", other)
			} else {
				tokens[u.TokenSHA256] = u.Name
			}
		}
		if u.CertSubject != "" {
			if c.TLS == nil || c.TLS.ClientCA == "" {
				v.add(f+".certSubject", "client certificates need tls.clientCA")
			}
			if other, dup := subjects[u.CertSubject]; dup {
				v.add(f+".certSubject", "same subject as user %q", other)
			}
			subjects[u.CertSubject] = u.Name
		}
	}
}

func (c *Config) validateEndorsement(v *validator) {
	for i, msp := range c.Endorsement.Public {
		if err := roles.ValidMSP(msp); err != nil {
			v.add(fmt.Sprintf("endorsement.public[%d]", i), "%s", errText(err))
		}
	}
	colls := make([]string, 0, len(c.Endorsement.Collections))
	for name := range c.Endorsement.Collections {
		colls = append(colls, name)
	}
	slices.Sort(colls) // report problems in a stable order
	for _, name := range colls {
		f := "endorsement.collections." + name
		orgs := c.Endorsement.Collections[name]
		if name == "" {
			v.add("endorsement.collections", "empty collection name")
		}
		if len(orgs) == 0 {
			v.add(f, "list at least one endorsing org")
		}
		for i, msp := range orgs {
			if err := roles.ValidMSP(msp); err != nil {
				v.add(fmt.Sprintf("%s[%d]", f, i), "%s", errText(err))
			}
		}
	}
}

func (c *Config) validateRuntime(v *validator) {
	if !c.Events.Disabled {
		if c.Events.Identity == "" {
			v.add("events.identity", "required unless events.disabled (the identity that reads the event stream)")
		} else if _, ok := c.Identity(c.Events.Identity); !ok {
			v.add("events.identity", "unknown identity %q (identities: %s)", c.Events.Identity, strings.Join(c.identityNames(), ", "))
		}
		if s := c.Events.Stream; s != "" && s != StreamBlocks && s != StreamChaincodeEvents {
			v.add("events.stream", "%q: want %s or %s", s, StreamBlocks, StreamChaincodeEvents)
		}
	}
	if !slices.Contains(logLevels, c.LogLevel) {
		v.add("logLevel", "%q: want one of %s", c.LogLevel, strings.Join(logLevels, ", "))
	}
	if c.MaxBodyBytes <= 0 {
		v.add("maxBodyBytes", "must be positive")
	}
	if c.MaxUploadBytes <= 0 {
		v.add("maxUploadBytes", "must be positive")
	}
	if c.Events.FetchIdentity != "" {
		if _, ok := c.Identity(c.Events.FetchIdentity); !ok {
			v.add("events.fetchIdentity", "unknown identity %q (identities: %s)", c.Events.FetchIdentity, strings.Join(c.identityNames(), ", "))
		}
	}
	for _, d := range []struct {
		field string
		value Duration
	}{
		{"timeouts.evaluate", c.Timeouts.Evaluate}, {"timeouts.endorse", c.Timeouts.Endorse},
		{"timeouts.submit", c.Timeouts.Submit}, {"timeouts.commitStatus", c.Timeouts.CommitStatus},
		{"timeouts.shutdown", c.Timeouts.Shutdown}, {"timeouts.upload", c.Timeouts.Upload},
		{"idempotency.retention", c.Idempotency.Retention},
		{"events.maxBackoff", c.Events.MaxBackoff},
	} {
		if d.value <= 0 {
			v.add(d.field, "must be positive")
		}
	}
	if c.Events.BatchWindow != nil {
		if w := c.Events.BatchWindow.D(); w < 0 || w > maxBatchWindow {
			v.add("events.batchWindow", "must be from 0 to %s, got %s", maxBatchWindow, w)
		}
	}
}

// maxBatchWindow bounds how far the read model may be let trail the
// ledger to save reads.
const maxBatchWindow = 5 * time.Second

func (c *Config) identityNames() []string {
	out := make([]string, len(c.Identities))
	for i, id := range c.Identities {
		out[i] = id.Name
	}
	return out
}

func roleNames() string {
	rs := roles.All()
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// errText is an error's message without the "[CODE] " prefix that the
// chaincode's errs package renders.
func errText(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}
