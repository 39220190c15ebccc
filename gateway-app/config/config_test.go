package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// validConfig returns a configuration whose files exist under dir.
func validConfig(t *testing.T, dir string) Config {
	t.Helper()
	file := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("pem"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keystore := filepath.Join(dir, "keystore")
	os.MkdirAll(keystore, 0o700)
	c := Config{
		DataDir: filepath.Join(dir, "data"), MSPID: "Org1MSP", Channel: "tranchenet", Chaincode: "tranchenet",
		Peer:       Peer{Endpoint: "127.0.0.1:7051", TLSCACert: file("ca.crt"), HostOverride: "peer0.org1.example.com"},
		Identities: []Identity{{Name: "Admin", Cert: file("admin.pem"), Key: file("admin.key")}, {Name: "User1", Cert: file("user1.pem"), Keystore: keystore}},
		Users: []User{
			{Name: "admin", Identity: "Admin", Roles: []string{"admin"}, TokenSHA256: HashToken("a")},
			{Name: "trustee", Identity: "User1", Roles: []string{"trustee", "auditor"}, TokenSHA256: HashToken("b")},
		},
		Events: Events{Identity: "User1"},
	}
	c.SetDefaults()
	return c
}

func fieldsOf(err error) []string {
	var out []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *FieldError
		if errors.As(e, &fe) {
			out = append(out, fe.Field)
		}
	}
	return out
}

func TestValidConfigPasses(t *testing.T) {
	c := validConfig(t, t.TempDir())
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidationNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Config)
		fields []string
		msg    string
	}{
		{"public listen without TLS", func(c *Config) { c.Listen = "0.0.0.0:8080" }, []string{"listen"}, "is not a loopback address"},
		{"bad listen", func(c *Config) { c.Listen = "8080" }, []string{"listen"}, `"8080" is not host:port`},
		{"MSP ID", func(c *Config) { c.MSPID = "Org 1" }, []string{"mspID"}, `character ' ' not allowed`},
		{"channel", func(c *Config) { c.Channel = "Tranche" }, []string{"channel"}, "lower-case"},
		{"peer endpoint", func(c *Config) { c.Peer.Endpoint = "" }, []string{"peer.endpoint"}, "required"},
		{"missing CA file", func(c *Config) { c.Peer.TLSCACert = "/nonexistent/ca.crt" }, []string{"peer.tlsCACert"}, "cannot read /nonexistent/ca.crt"},
		{"half a client pair", func(c *Config) { c.Peer.ClientCert = c.Peer.TLSCACert }, []string{"peer.clientCert"}, "go together"},
		{"duplicate identity", func(c *Config) { c.Identities[1].Name = "Admin" }, []string{"identities[1].name", "users[1].identity", "events.identity"}, `identity "Admin" defined twice`},
		{"key and keystore", func(c *Config) { c.Identities[0].Keystore = c.Identities[1].Keystore }, []string{"identities[0].key"}, "not both"},
		{"no key", func(c *Config) { c.Identities[0].Key = "" }, []string{"identities[0].key"}, "set key"},
		{"unknown identity", func(c *Config) { c.Users[1].Identity = "User9" }, []string{"users[1].identity"}, `unknown identity "User9" (identities: Admin, User1)`},
		{"unknown role", func(c *Config) { c.Users[1].Roles = []string{"trustee", "king"} }, []string{"users[1].roles[1]"}, `unknown role "king"`},
		{"duplicate role", func(c *Config) { c.Users[1].Roles = []string{"trustee", "trustee"} }, []string{"users[1].roles[1]"}, "listed twice"},
		{"no roles", func(c *Config) { c.Users[0].Roles = nil }, []string{"users[0].roles"}, "at least one role"},
		{"plain token", func(c *Config) { c.Users[0].TokenSHA256 = "tng_secret" }, []string{"users[0].tokenSHA256"}, "never the token"},
		{"shared token", func(c *Config) { c.Users[1].TokenSHA256 = c.Users[0].TokenSHA256 }, []string{"users[1].tokenSHA256"}, `same token as user "admin"`},
		{"no credentials", func(c *Config) { c.Users[0].TokenSHA256 = "" }, []string{"users[0]"}, "no way to authenticate"},
		{"cert user without client CA", func(c *Config) { c.Users[0].CertSubject = "CN=a" }, []string{"users[0].certSubject"}, "tls.clientCA"},
		{"duplicate user", func(c *Config) { c.Users[1].Name = "admin" }, []string{"users[1].name"}, "defined twice"},
		{"endorser MSP", func(c *Config) { c.Endorsement.Collections = map[string][]string{"loanTape": {"Org1MSP", "bad msp"}} }, []string{"endorsement.collections.loanTape[1]"}, "not allowed"},
		{"empty endorsers", func(c *Config) { c.Endorsement.Collections = map[string][]string{"compliance": {}} }, []string{"endorsement.collections.compliance"}, "at least one"},
		{"events identity", func(c *Config) { c.Events.Identity = "" }, []string{"events.identity"}, "required unless events.disabled"},
		{"log level", func(c *Config) { c.LogLevel = "loud" }, []string{"logLevel"}, "want one of debug, info, warn, error"},
		{"negative timeout", func(c *Config) { c.Timeouts.Endorse = -1 }, []string{"timeouts.endorse"}, "must be positive"},
		{"batch window too long", func(c *Config) { w := Duration(6 * time.Second); c.Events.BatchWindow = &w }, []string{"events.batchWindow"}, "must be from 0 to 5s"},
		{"unknown event stream", func(c *Config) { c.Events.Stream = "filtered-blocks" }, []string{"events.stream"}, `"filtered-blocks": want blocks or chaincode-events`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig(t, t.TempDir())
			tt.mutate(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			if got := fieldsOf(err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v (%v)", got, tt.fields, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestNonLoopbackListenIsAllowedWithTLSOrExplicitly(t *testing.T) {
	dir := t.TempDir()
	c := validConfig(t, dir)
	c.Listen = "0.0.0.0:8443"
	c.InsecureListen = true
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.InsecureListen = false
	c.TLS = &ServerTLS{Cert: c.Peer.TLSCACert, Key: c.Identities[0].Key}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"127.0.0.1:1", "localhost:2", "[::1]:3"} {
		if !IsLoopback(l) {
			t.Errorf("IsLoopback(%q) = false", l)
		}
	}
	if IsLoopback(":8080") || IsLoopback("10.0.0.1:80") {
		t.Error("an all-interfaces or private address is not loopback")
	}
}

func TestParseIsStrict(t *testing.T) {
	if _, err := Parse([]byte("listen: 127.0.0.1:1\nlisen: x\n")); err == nil || !strings.Contains(err.Error(), "field lisen not found") {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := Parse([]byte("listen: a\n---\nlisten: b\n")); err == nil {
		t.Fatal("two documents accepted")
	}
	if _, err := Parse([]byte("timeouts:\n  endorse: soon\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("bad duration: %v", err)
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	c := Config{Listen: "127.0.0.1:1", Peer: Peer{Endpoint: "a:1"}}
	env := map[string]string{
		"TRANCHENET_GATEWAY_LISTEN":           "127.0.0.1:9999",
		"TRANCHENET_GATEWAY_PEER_ENDPOINT":    "peer.bank.example:7051",
		"TRANCHENET_GATEWAY_PEER_TLS_CA_CERT": "relative/ca.crt",
		"TRANCHENET_GATEWAY_EVENTS_DISABLED":  "true",
		"TRANCHENET_GATEWAY_EVENTS_STREAM":    "chaincode-events",
		"TRANCHENET_GATEWAY_CHANNEL":          "",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if err := c.ApplyEnv(lookup); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if c.Listen != "127.0.0.1:9999" || c.Peer.Endpoint != "peer.bank.example:7051" || !c.Events.Disabled ||
		c.Peer.TLSCACert != filepath.Join(wd, "relative/ca.crt") || c.Channel != "" || c.Events.Stream != StreamChaincodeEvents {
		t.Fatalf("%+v", c)
	}
	env["TRANCHENET_GATEWAY_EVENTS_DISABLED"] = "maybe"
	if err := c.ApplyEnv(lookup); err == nil || !strings.Contains(err.Error(), "TRANCHENET_GATEWAY_EVENTS_DISABLED (events.disabled)") {
		t.Fatalf("bad bool: %v", err)
	}
}

func TestEndorsers(t *testing.T) {
	c := Config{Endorsement: Endorsement{Collections: map[string][]string{
		"loanTape":        {"Org1MSP", "Org2MSP"},
		"registryOrg3MSP": {"Org1MSP", "Org3MSP"},
	}}}
	tests := []struct {
		colls []string
		want  []string
		ok    bool
	}{
		{[]string{"loanTape"}, []string{"Org1MSP", "Org2MSP"}, true},
		{[]string{"loanTape", "registryOrg3MSP"}, []string{"Org1MSP", "Org2MSP", "Org3MSP"}, true},
		{[]string{"_implicit_org_Org2MSP"}, []string{"Org2MSP"}, true},
		{[]string{"loanTape", "unknown"}, []string{"Org1MSP", "Org2MSP"}, false},
		{[]string{"_implicit_org_"}, nil, false},
	}
	for _, tt := range tests {
		got, ok := c.Endorsers(tt.colls...)
		if !slices.Equal(got, tt.want) || ok != tt.ok {
			t.Errorf("Endorsers(%v) = %v, %v; want %v, %v", tt.colls, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLoadResolvesPathsAgainstTheFile(t *testing.T) {
	dir := t.TempDir()
	c := validConfig(t, dir)
	// Make every path relative to the file's directory.
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return r }
	c.DataDir, c.Peer.TLSCACert = "data", rel(c.Peer.TLSCACert)
	for i := range c.Identities {
		c.Identities[i].Cert, c.Identities[i].Key, c.Identities[i].Keystore = rel(c.Identities[i].Cert), relOrEmpty(dir, c.Identities[i].Key), relOrEmpty(dir, c.Identities[i].Keystore)
	}
	path := filepath.Join(dir, "gw.yaml")
	if err := WriteFile(path, c); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // elsewhere: relative paths must not depend on the working directory
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.DataDir != filepath.Join(dir, "data") || got.Identities[1].Keystore != filepath.Join(dir, "keystore") {
		t.Fatalf("paths not resolved: %s %s", got.DataDir, got.Identities[1].Keystore)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("config file mode %v, want 0600", st.Mode().Perm())
	}
}

func relOrEmpty(dir, p string) string {
	if p == "" {
		return ""
	}
	r, _ := filepath.Rel(dir, p)
	return r
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || !strings.HasPrefix(a, TokenPrefix) || len(a) != len(TokenPrefix)+43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if HashToken("abc") != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal("HashToken is not hex SHA-256")
	}
}

func TestUploadAndFetchDefaults(t *testing.T) {
	c := validConfig(t, t.TempDir())
	if c.MaxUploadBytes != DefaultMaxUploadBytes || c.Timeouts.Upload.D().Minutes() != 30 || c.Events.FetchIdentity != "Admin" {
		t.Fatalf("defaults: upload %d bytes, %s; fetch identity %q", c.MaxUploadBytes, c.Timeouts.Upload.D(), c.Events.FetchIdentity)
	}
	noAdmin := Config{Identities: []Identity{{Name: "User7"}, {Name: "User8"}}}
	noAdmin.SetDefaults()
	if noAdmin.Events.FetchIdentity != "User7" {
		t.Fatalf("without an Admin identity the first is used, got %q", noAdmin.Events.FetchIdentity)
	}
	c.Events.FetchIdentity, c.MaxUploadBytes = "Nobody", -1
	err := c.Validate()
	if got := fieldsOf(err); !slices.Contains(got, "events.fetchIdentity") || !slices.Contains(got, "maxUploadBytes") {
		t.Fatalf("fields %v (%v)", got, err)
	}
}

func TestSchedulerValidation(t *testing.T) {
	base := func() Config {
		return Config{Identities: []Identity{{Name: "User2"}, {Name: "User3"}}}
	}
	cases := []struct {
		s     Scheduler
		field string
	}{
		{Scheduler{Identity: "User9", Deals: []ScheduledDeal{{Deal: "D"}}}, "scheduler.identity"},
		{Scheduler{Now: "tomorrow"}, "scheduler.now"},
		{Scheduler{Deals: []ScheduledDeal{{Deal: "D"}, {Deal: "D"}}}, "scheduler.deals[1].deal"},
		{Scheduler{Deals: []ScheduledDeal{{Deal: "D", DeterminationDays: 29}}}, "scheduler.deals[0].determinationDays"},
		{Scheduler{Deals: []ScheduledDeal{{Deal: "D", OptIn: []string{"User3", "Nobody"}}}}, "scheduler.deals[0].optIn[1]"},
	}
	for _, c := range cases {
		cfg := base()
		cfg.Scheduler = &c.s
		v := &validator{}
		cfg.validateScheduler(v)
		var fe *FieldError
		if len(v.errs) != 1 || !errors.As(v.errs[0], &fe) || fe.Field != c.field {
			t.Errorf("%+v: %v, want one error on %s", c.s, v.errs, c.field)
		}
	}
	cfg := base()
	cfg.Scheduler = &Scheduler{Identity: "User2", Now: "2026-02-17T09:00:00Z", Deals: []ScheduledDeal{{Deal: "D", DeterminationDays: 2, OptIn: []string{"User3"}}}}
	v := &validator{}
	cfg.validateScheduler(v)
	cfg.Scheduler.setDefaults()
	if now, ok, err := cfg.Scheduler.SchedulerNow(); len(v.errs) != 0 || !ok || err != nil || now.Day() != 17 || cfg.Scheduler.Concurrency != 32 {
		t.Errorf("valid scheduler: %v %v %v %+v", v.errs, ok, err, cfg.Scheduler)
	}
}

// The listener gathers events for DefaultBatchWindow unless the config
// says otherwise, and "0s" turns the window off (not back to the default).
func TestBatchWindowDefaultsAndTurnsOff(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want time.Duration
	}{
		{"events: {identity: Admin}\n", DefaultBatchWindow},
		{"events: {identity: Admin, batchWindow: 0s}\n", 0},
		{"events: {identity: Admin, batchWindow: 1s}\n", time.Second},
	} {
		c, err := Parse([]byte(tc.yaml))
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		c.SetDefaults()
		if got := c.Events.Window(); got != tc.want {
			t.Errorf("%q: window %s, want %s", tc.yaml, got, tc.want)
		}
	}
}
