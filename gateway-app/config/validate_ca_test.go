package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// withCA adds a valid CA section to c, its files under dir.
func withCA(t *testing.T, c *Config, dir string) {
	t.Helper()
	for _, f := range []string{"ca-tls.pem", "registrar.pem", "registrar.key", "libsofthsm2.so"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("pem"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c.CA = &CA{URL: "https://ca.org1.example.com:7054", Name: "ca-org1", TLSCACert: filepath.Join(dir, "ca-tls.pem"),
		Registrar: Identity{Name: "registrar", Cert: filepath.Join(dir, "registrar.pem"), Key: filepath.Join(dir, "registrar.key")}}
}

func TestCASectionValid(t *testing.T) {
	dir := t.TempDir()
	c := validConfig(t, dir)
	withCA(t, &c, dir)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.CA.Wallet.PKCS11 = &PKCS11{Library: filepath.Join(dir, "libsofthsm2.so"), Label: "tranchenet", PIN: "${HSM_PIN}"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.CA.URL, c.CA.TLSCACert = "http://127.0.0.1:7054", "" // a loopback test CA without TLS
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestCAValidationNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Config, dir string)
		fields []string
		msg    string
	}{
		{"no url", func(c *Config, _ string) { c.CA.URL = "" }, []string{"ca.url"}, "required"},
		{"no port", func(c *Config, _ string) { c.CA.URL = "https://ca.example.com" }, []string{"ca.url"}, "want https://host:port"},
		{"plain http off loopback", func(c *Config, _ string) { c.CA.URL = "http://ca.example.com:7054" }, []string{"ca.url"}, "plain http only on a loopback"},
		{"a path", func(c *Config, _ string) { c.CA.URL = "https://ca.example.com:7054/api/v1" }, []string{"ca.url"}, "no path"},
		{"ca name", func(c *Config, _ string) { c.CA.Name = "ca org1" }, []string{"ca.name"}, "want 1 to 64"},
		{"TLS CA missing", func(c *Config, _ string) { c.CA.TLSCACert = "/nonexistent/tls.pem" }, []string{"ca.tlsCACert"}, "cannot read /nonexistent/tls.pem"},
		{"registrar without key", func(c *Config, _ string) { c.CA.Registrar.Key = "" }, []string{"ca.registrar.key"}, "set key"},
		{"registrar cert missing", func(c *Config, _ string) { c.CA.Registrar.Cert = "" }, []string{"ca.registrar.cert"}, "required"},
		{"wallet dir is a file", func(c *Config, dir string) { c.CA.Wallet.Dir = filepath.Join(dir, "ca-tls.pem") }, []string{"ca.wallet.dir"}, "is a file"},
		{"pkcs11 without label and pin", func(c *Config, dir string) {
			c.CA.Wallet.PKCS11 = &PKCS11{Library: filepath.Join(dir, "libsofthsm2.so")}
		}, []string{"ca.wallet.pkcs11.label", "ca.wallet.pkcs11.pin"}, "label of the token"},
		{"pkcs11 library missing", func(c *Config, _ string) {
			c.CA.Wallet.PKCS11 = &PKCS11{Library: "/nonexistent/lib.so", Label: "t", PIN: "1"}
		}, []string{"ca.wallet.pkcs11.library"}, "cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := validConfig(t, dir)
			withCA(t, &c, dir)
			tt.mutate(&c, dir)
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

func TestLoadResolvesCAPaths(t *testing.T) {
	dir := t.TempDir()
	c := Config{CA: &CA{TLSCACert: "tls.pem", Registrar: Identity{Cert: "r.pem", Keystore: "ks"}, Wallet: Wallet{Dir: "wallet", PKCS11: &PKCS11{Library: "lib.so"}}}}
	c.ResolvePaths(dir)
	for _, p := range []string{c.CA.TLSCACert, c.CA.Registrar.Cert, c.CA.Registrar.Keystore, c.CA.Wallet.Dir, c.CA.Wallet.PKCS11.Library} {
		if !strings.HasPrefix(p, dir+"/") {
			t.Errorf("%s not resolved against %s", p, dir)
		}
	}
}
