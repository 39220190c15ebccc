package config

import (
	"net/url"
	"os"
	"regexp"
)

// caNamePattern is what fabric-ca accepts as a CA name in practice.
var caNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// validateCA checks the bank's CA section: where the CA is and how to
// trust it, the registrar's certificate and key, and the wallet.
func (c *Config) validateCA(v *validator) {
	ca := c.CA
	if ca == nil {
		return
	}
	u, err := url.Parse(ca.URL)
	switch {
	case ca.URL == "":
		v.add("ca.url", "required (https://host:port)")
	case err != nil || u.Host == "" || u.Port() == "":
		v.add("ca.url", "%q: want https://host:port", ca.URL)
	case u.Scheme == "http" && !IsLoopback(u.Host):
		v.add("ca.url", "%q: plain http only on a loopback address: enrollment secrets and certificates cross it", ca.URL)
	case u.Scheme != "https" && u.Scheme != "http":
		v.add("ca.url", "%q: want https://host:port", ca.URL)
	case u.Path != "" && u.Path != "/":
		v.add("ca.url", "%q: no path (the API is under /api/v1)", ca.URL)
	}
	if ca.Name != "" && !caNamePattern.MatchString(ca.Name) {
		v.add("ca.name", "%q: want 1 to 64 letters, digits, . _ -", ca.Name)
	}
	if err == nil && u.Scheme == "https" {
		v.file("ca.tlsCACert", ca.TLSCACert)
	}
	v.certAndKey("ca.registrar", ca.Registrar)
	if ca.Wallet.Dir != "" {
		if st, err := os.Stat(ca.Wallet.Dir); err == nil && !st.IsDir() {
			v.add("ca.wallet.dir", "%s is a file, want a directory (created if missing)", ca.Wallet.Dir)
		}
	}
	if p := ca.Wallet.PKCS11; p != nil {
		v.file("ca.wallet.pkcs11.library", p.Library)
		if p.Label == "" {
			v.add("ca.wallet.pkcs11.label", "required: the label of the token holding the keys")
		}
		if p.PIN == "" {
			v.add("ca.wallet.pkcs11.pin", "required (write ${ENV_VAR} to keep it out of the file)")
		}
	}
}
