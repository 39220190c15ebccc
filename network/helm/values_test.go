package helm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// values is what the test reads back from a values file (the chart's
// defaults filled in by loadValues).
type values struct {
	Org struct {
		Name, MSPID, Domain, ExternalDomain string
	}
	Secrets struct {
		BootstrapSecret, EnrollmentSecret, CATLS string
	}
	Peers struct {
		Count, Port int
	}
	Chaincode struct {
		Enabled   bool
		Port      int
		PackageID string
		TLSSecret string
	}
	Gateway struct {
		TLSSecret  string
		Onboarding struct{ Enabled bool }
	}
}

// loadValues reads the chart's defaults overlaid with an example file.
func loadValues(t *testing.T, example string) values {
	t.Helper()
	var v values
	for _, f := range []string{"values.yaml", example} {
		raw, err := os.ReadFile(filepath.Join(chartDir, f))
		if err != nil {
			t.Fatal(err)
		}
		// Field names in the values are lowerCamel; yaml (through JSON)
		// matches them case-insensitively onto this struct.
		if err := yaml.Unmarshal(fixKeys(raw), &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return v
}

// fixKeys maps the two keys whose Go names differ from lowerCamel by more
// than case.
func fixKeys(raw []byte) []byte {
	s := strings.NewReplacer("mspID:", "MSPID:", "caTLS:", "CATLS:").Replace(string(raw))
	return []byte(s)
}

// secretNames are the Secrets the bank creates and the values name.
func secretNames(v values) []string {
	names := []string{v.Secrets.BootstrapSecret, v.Secrets.EnrollmentSecret, v.Secrets.CATLS}
	for _, s := range []string{v.Chaincode.TLSSecret, v.Gateway.TLSSecret} {
		if s != "" {
			names = append(names, s)
		}
	}
	return names
}

// Bad values stop `helm install` with the field and the rule, before
// anything reaches a cluster.
func TestBadValuesAreRefusedWithTheFieldNamed(t *testing.T) {
	example := filepath.Join(chartDir, examples[0].file)
	cases := []struct {
		name      string
		overrides map[string]any
		want      string
	}{
		{"no peers", map[string]any{"peers.count": 0}, "peers/count"},
		{"unknown key", map[string]any{"peers.replicas": 2}, "replicas"},
		{"MSP ID with a space", map[string]any{"org.mspID": "Org 1"}, "org/mspID"},
		{"token hash not hex", map[string]any{"gateway.users": []any{map[string]any{"name": "x", "identity": "admin", "roles": []any{"trustee"}, "tokenSHA256": "secret"}}}, "tokenSHA256"},
		{"user without a way to authenticate", map[string]any{"gateway.users": []any{map[string]any{"name": "x", "identity": "admin", "roles": []any{"trustee"}}}}, "gateway/users/0"},
		{"registrar as a gateway identity", map[string]any{"gateway.identities": []any{map[string]any{"name": "registrar", "type": "client"}}}, "gateway/identities/0/name"},
		{"package ID without a hash", map[string]any{"chaincode.packageID": "tranchenet"}, "chaincode/packageID"},
		{"package ID of another label", map[string]any{"chaincode.packageID": "other:" + strings.Repeat("a", 64)}, `must start with the package label "tranchenet"`},
		{"intermediate CA without its secret", map[string]any{"ca.parentURL": "https://root-ca.bank-a.example:7054"}, "ca.parentSecret"},
		{"gateway without API users", map[string]any{"gateway.users": []any{}}, "gateway.users"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := render(t, "bank-a", []string{example}, c.overrides)
			if err == nil {
				t.Fatalf("rendered; want an error naming %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %q", err, c.want)
			}
		})
	}
}

// The chart's defaults alone are not an installation: the chaincode
// service needs the bank's package ID, and the message says where it
// comes from.
func TestDefaultsNeedThePackageID(t *testing.T) {
	_, err := render(t, "bank", nil, map[string]any{"gateway.users": []any{map[string]any{"name": "ops", "identity": "admin", "roles": []any{"admin"}, "tokenSHA256": strings.Repeat("0", 64)}}})
	if err == nil || !strings.Contains(err.Error(), "chaincode.packageID") {
		t.Fatalf("want an error naming chaincode.packageID, got %v", err)
	}
	// The first step of an installation: everything but the chaincode
	// service, so the bank can package and install, then upgrade.
	files, err := render(t, "bank", nil, map[string]any{
		"chaincode.enabled": false,
		"gateway.users":     []any{map[string]any{"name": "ops", "identity": "admin", "roles": []any{"admin"}, "tokenSHA256": strings.Repeat("0", 64)}},
	})
	if err != nil {
		t.Fatalf("render without the chaincode service: %v", err)
	}
	o := decode(t, manifests(files))
	if _, ok := o.configMaps["bank-tranchenet-bank-chaincode-package"]; !ok {
		t.Errorf("the package ConfigMap must render before the service is enabled: its hash is the package ID")
	}
	if len(o.deployments) != 0 {
		t.Errorf("chaincode.enabled=false still renders a Deployment")
	}
}
