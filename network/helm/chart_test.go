package helm

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// The three banks of README "Running it for a real consortium", each in its
// own cluster with its own values.
var examples = []struct {
	file    string
	release string
	peers   int
}{
	{"examples/org1-trustee-bank.yaml", "bank-a", 2},
	{"examples/org2-servicer-bank.yaml", "bank-b", 2},
	{"examples/org3-investor-bank.yaml", "bank-c", 3},
}

func TestEachBanksNodeSetRendersValidObjects(t *testing.T) {
	for _, ex := range examples {
		t.Run(filepath.Base(ex.file), func(t *testing.T) {
			files, err := render(t, ex.release, []string{filepath.Join(chartDir, ex.file)}, nil)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			vals := loadValues(t, ex.file)
			o := decode(t, manifests(files))
			checkWiring(t, o, secretNames(vals))

			full := ex.release + "-tranchenet-bank"
			peers := o.statefulSets[full+"-peer"]
			if peers == nil || peers.Spec.Replicas == nil || int(*peers.Spec.Replicas) != ex.peers {
				t.Fatalf("want a peer StatefulSet %s-peer with %d replicas", full, ex.peers)
			}
			checkPeers(t, o, peers, vals, full, ex.peers)
			checkGateway(t, o, vals, full, ex.peers)
			checkChaincode(t, o, vals, full)
			if !strings.Contains(files["tranchenet-bank/templates/NOTES.txt"], vals.Org.MSPID) {
				t.Errorf("NOTES.txt does not name the bank's MSP")
			}
		})
	}
}

// checkPeers: each peer has its own Service, its gossip endpoint is the
// public name its TLS certificate is enrolled for, and it bootstraps gossip
// from every peer of the bank.
func checkPeers(t *testing.T, o objects, sts *appsv1.StatefulSet, vals values, full string, n int) {
	t.Helper()
	for i := range n {
		if !hasService(o, fmt.Sprintf("%s-peer-%d", full, i)) {
			t.Errorf("no Service for peer %d", i)
		}
	}
	if hasService(o, fmt.Sprintf("%s-peer-%d", full, n)) {
		t.Errorf("a Service for a peer beyond peers.count")
	}
	peer := sts.Spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range peer.Env {
		env[e.Name] = e.Value
	}
	ext := vals.Org.ExternalDomain
	if ext == "" {
		ext = vals.Org.Domain
	}
	wantExternal := fmt.Sprintf("peer$(POD_INDEX).%s:%d", ext, vals.Peers.Port)
	if env["CORE_PEER_GOSSIP_EXTERNALENDPOINT"] != wantExternal {
		t.Errorf("gossip external endpoint %q, want %q", env["CORE_PEER_GOSSIP_EXTERNALENDPOINT"], wantExternal)
	}
	if env["CORE_PEER_LOCALMSPID"] != vals.Org.MSPID {
		t.Errorf("peer MSP %q, want %q", env["CORE_PEER_LOCALMSPID"], vals.Org.MSPID)
	}
	if got := len(strings.Fields(env["CORE_PEER_GOSSIP_BOOTSTRAP"])); got != n {
		t.Errorf("gossip bootstrap names %d peers, want %d", got, n)
	}
	enroll := strings.Join(sts.Spec.Template.Spec.InitContainers[0].Command, " ")
	if !strings.Contains(enroll, "peer$(POD_INDEX)."+ext) {
		t.Errorf("the peer's TLS certificate is not enrolled for its public name: %s", enroll)
	}
}

// checkGateway parses the rendered gateway configuration with the gateway
// app's own strict parser and validator: everything but the files (made on
// the volume at run time) must already be right, and every file it names
// must be on a volume the app's container mounts.
func checkGateway(t *testing.T, o objects, vals values, full string, peers int) {
	t.Helper()
	cm := o.configMaps[full+"-gateway"]
	if cm == nil {
		t.Fatalf("no gateway ConfigMap")
	}
	cfg, err := config.Parse([]byte(cm.Data["config.yaml"]))
	if err != nil {
		t.Fatalf("the gateway app refuses its rendered config: %v\n%s", err, cm.Data["config.yaml"])
	}
	cfg.SetDefaults()
	for _, e := range fieldErrors(cfg.Validate()) {
		if !strings.HasPrefix(e.Msg, "cannot read ") && !strings.Contains(e.Msg, "not a readable directory") {
			t.Errorf("gateway config: %v", e)
		}
	}
	if cfg.MSPID != vals.Org.MSPID || len(cfg.FailoverPeers) != peers-1 {
		t.Errorf("gateway config: msp %s with %d failover peers, want %s with %d", cfg.MSPID, len(cfg.FailoverPeers), vals.Org.MSPID, peers-1)
	}
	for _, p := range append([]config.Peer{cfg.Peer}, cfg.FailoverPeers...) {
		host, _, _ := strings.Cut(p.Endpoint, ":")
		if !hasService(o, host) {
			t.Errorf("gateway peer %s is not a Service of the release", p.Endpoint)
		}
	}
	if (cfg.CA != nil) != vals.Gateway.Onboarding.Enabled {
		t.Errorf("gateway onboarding: CA configured %v, want %v", cfg.CA != nil, vals.Gateway.Onboarding.Enabled)
	}
	sts := o.statefulSets[full+"-gateway"]
	if sts == nil || len(sts.Spec.VolumeClaimTemplates) != 1 {
		t.Fatalf("the gateway must keep its read model on a persistent volume claim")
	}
	app := sts.Spec.Template.Spec.Containers[0]
	var files []string
	files = append(files, cfg.DataDir, cfg.Peer.TLSCACert)
	for _, id := range cfg.Identities {
		files = append(files, id.Cert, id.Keystore)
	}
	if cfg.CA != nil {
		files = append(files, cfg.CA.TLSCACert, cfg.CA.Registrar.Cert, cfg.CA.Registrar.Keystore, cfg.CA.Wallet.Dir)
	}
	if cfg.TLS != nil {
		files = append(files, cfg.TLS.Cert, cfg.TLS.Key)
	}
	for _, f := range files {
		if !mounted(app.VolumeMounts, f) {
			t.Errorf("gateway config names %s, which is on no volume the app mounts", f)
		}
	}
}

// checkChaincode: the package's connection.json dials the bank's own
// chaincode Service, and the service serves the package ID of the values.
func checkChaincode(t *testing.T, o objects, vals values, full string) {
	t.Helper()
	cm := o.configMaps[full+"-chaincode-package"]
	if cm == nil {
		t.Fatalf("no chaincode package ConfigMap")
	}
	var conn struct {
		Address string `json:"address"`
	}
	if err := json.Unmarshal([]byte(cm.Data["connection.json"]), &conn); err != nil {
		t.Fatalf("connection.json: %v", err)
	}
	want := fmt.Sprintf("%s-chaincode:%d", full, vals.Chaincode.Port)
	if conn.Address != want {
		t.Errorf("connection.json dials %q, want %q", conn.Address, want)
	}
	d := o.deployments[full+"-chaincode"]
	if !vals.Chaincode.Enabled {
		if d != nil {
			t.Errorf("chaincode.enabled=false still renders the service")
		}
		return
	}
	if d == nil {
		t.Fatalf("no chaincode Deployment")
	}
	for _, e := range d.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "CORE_CHAINCODE_ID_NAME" && e.Value != vals.Chaincode.PackageID {
			t.Errorf("chaincode serves %q, want the package ID %q", e.Value, vals.Chaincode.PackageID)
		}
	}
}

func mounted(mounts []corev1.VolumeMount, path string) bool {
	for _, m := range mounts {
		if path == m.MountPath || strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/") {
			return true
		}
	}
	return false
}

func fieldErrors(err error) []*config.FieldError {
	var out []*config.FieldError
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			var fe *config.FieldError
			if errors.As(e, &fe) {
				out = append(out, fe)
			}
		}
	}
	return out
}
