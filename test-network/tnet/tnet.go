// Package tnet drives the local test network from Go tests: it runs
// test-network/network.sh and the Fabric peer CLI as an org's admin or user,
// so integration tests prove behaviour on real peers, orderers and the real
// chaincode service.
//
// Tests that need the network are opt-in: they skip unless TRANCHENET_INTEGRATION=1
// (which `make test` and .ci/run set), because the network binds fixed
// loopback ports and takes seconds to start.
//
// As a test-network tool it may import the consortium description, Fabric's
// client libraries and the standard library; only tests import it.
package tnet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
)

// EnvIntegration is the variable that enables integration tests.
const EnvIntegration = "TRANCHENET_INTEGRATION"

// Network is a running test network.
type Network struct {
	Root       string // repository root
	Run        string // run folder (TRANCHENET_RUN)
	Consortium *consortium.Consortium
	env        map[string][]string // MSP ID -> peer CLI environment of its admin
}

// RequireIntegration skips the test unless integration tests are enabled.
func RequireIntegration(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvIntegration) != "1" {
		t.Skipf("integration test: set %s=1 (make test does) to run it against a real Fabric network", EnvIntegration)
	}
}

// RequireBenchmark skips t unless the benchmark's own variable env is 1
// and integration tests run: benchmarks against the network take minutes
// and are never part of make test.
func RequireBenchmark(t testing.TB, env string) {
	t.Helper()
	if os.Getenv(env) != "1" {
		t.Skipf("benchmark: set %s=1 (and %s=1) to measure", env, EnvIntegration)
	}
	RequireIntegration(t)
}

// ConsortiumPath is the consortium the tests run: $TRANCHENET_CONSORTIUM
// (which network.sh reads too), or network/consortium.yaml. Another file
// with other ports lets the tests run beside a demo network.
func ConsortiumPath() string {
	if p := os.Getenv("TRANCHENET_CONSORTIUM"); p != "" {
		return p
	}
	return filepath.Join(RepoRoot(), "network", "consortium.yaml")
}

// RepoRoot finds the repository root from the caller's source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Script runs network.sh with the given run folder and returns its output.
func Script(ctx context.Context, run string, args ...string) (string, error) {
	root := RepoRoot()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "test-network", "network.sh"), args...)
	cmd.Env = append(os.Environ(), "TRANCHENET_RUN="+run)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("network.sh %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Up brings a network up in run and deploys the chaincode. The caller owns
// the network and must call Down.
func Up(ctx context.Context, run string) (*Network, error) {
	if _, err := Script(ctx, run, "up"); err != nil {
		return nil, err
	}
	if _, err := Script(ctx, run, "deploy"); err != nil {
		return nil, err
	}
	return Attach(run)
}

// UpForTest brings a fresh network up in a run folder of its own under
// t.TempDir and deploys the chaincode (skipping the test unless
// integration tests are enabled), logs how long that took, and brings the
// network down when the test and the cleanups registered after this call
// are done.
func UpForTest(t testing.TB) *Network {
	t.Helper()
	RequireIntegration(t)
	start := time.Now()
	n, err := Up(context.Background(), filepath.Join(t.TempDir(), "run"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("network up and deployed in %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := n.Down(context.Background()); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	return n
}

// Attach returns a handle on a network that is already up in run. After
// `network.sh add-org` the run folder's consortium.yaml (the banks that
// joined included) describes the network, as network.sh reads it too.
func Attach(run string) (*Network, error) {
	root := RepoRoot()
	path := ConsortiumPath()
	if p := filepath.Join(run, "consortium.yaml"); isFile(p) {
		path = p
	}
	c, err := consortium.Load(path)
	if err != nil {
		return nil, err
	}
	n := &Network{Root: root, Run: run, Consortium: c, env: map[string][]string{}}
	for _, org := range c.Orgs {
		out, err := Script(context.Background(), run, "env", org.MSPID)
		if err != nil {
			return nil, err
		}
		n.env[org.MSPID] = parseExports(out)
	}
	return n, nil
}

// Down stops every process of the network.
func (n *Network) Down(ctx context.Context) error {
	_, err := Script(ctx, n.Run, "down")
	return err
}

func parseExports(s string) []string {
	var env []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if k, v, ok := strings.Cut(line, "="); ok {
			if k == "PATH" {
				v = strings.ReplaceAll(v, "$PATH", os.Getenv("PATH"))
			}
			env = append(env, k+"="+v)
		}
	}
	return env
}

// Org returns the consortium org with the given MSP ID.
func (n *Network) Org(msp string) consortium.Org {
	for _, o := range n.Consortium.Orgs {
		if o.MSPID == msp {
			return o
		}
	}
	panic("tnet: unknown org " + msp)
}

// Call describes one peer CLI chaincode call.
type Call struct {
	Org       string            // MSP ID of the caller
	User      string            // "Admin" (default) or "User1".. of that org
	Args      []string          // "Contract:Function", args...
	Transient map[string][]byte // private inputs
	Endorsers []string          // MSP IDs whose peers endorse (invoke only); default: the caller's org
	Peer      string            // the org's peer the CLI talks to (e.g. "peer1"); default: its first
	Chaincode string            // default: the consortium's chaincode
}

// Result is the outcome of a call.
type Result struct {
	Payload string // query result or invoke payload
	Output  string // everything the CLI printed
	TxID    string
}

// Query evaluates a transaction on the caller's own peer.
func (n *Network) Query(ctx context.Context, c Call) (Result, error) {
	args, err := n.chaincodeArgs(c)
	if err != nil {
		return Result{}, err
	}
	out, err := n.peerCLI(ctx, c, append([]string{"chaincode", "query", "-C", n.Consortium.Channel, "-n", n.chaincodeOf(c)}, args...)...)
	return Result{Payload: strings.TrimRight(out, "\n"), Output: out}, err
}

// Invoke submits a transaction endorsed by the peers of c.Endorsers and waits
// until it is committed; an invalid transaction is an error.
func (n *Network) Invoke(ctx context.Context, c Call) (Result, error) {
	args, err := n.chaincodeArgs(c)
	if err != nil {
		return Result{}, err
	}
	full := []string{"chaincode", "invoke", "-C", n.Consortium.Channel, "-n", n.chaincodeOf(c), "--waitForEvent", "--waitForEventTimeout", "60s"}
	full = append(full, n.ordererFlags(c.Org)...)
	endorsers := c.Endorsers
	if len(endorsers) == 0 {
		endorsers = []string{c.Org}
	}
	for _, msp := range endorsers {
		org := n.Org(msp)
		for _, p := range org.Peers {
			full = append(full, "--peerAddresses", fmt.Sprintf("127.0.0.1:%d", p.Port),
				"--tlsRootCertFiles", n.folder().TLSRoot(c.Org, org.MSPID))
		}
	}
	out, err := n.peerCLI(ctx, c, append(full, args...)...)
	res := Result{Output: out, TxID: txIDFrom(out)}
	if i := strings.Index(out, "payload:\""); i >= 0 {
		res.Payload = strings.TrimSuffix(strings.SplitN(out[i+len("payload:\""):], "\" \n", 2)[0], "\"")
	}
	return res, err
}

func (n *Network) chaincodeOf(c Call) string {
	if c.Chaincode != "" {
		return c.Chaincode
	}
	return n.Consortium.Chaincode
}

func (n *Network) chaincodeArgs(c Call) ([]string, error) {
	body, err := json.Marshal(map[string][]string{"Args": c.Args})
	if err != nil {
		return nil, err
	}
	args := []string{"-c", string(body)}
	if len(c.Transient) > 0 {
		tm := map[string]string{}
		for k, v := range c.Transient {
			tm[k] = base64.StdEncoding.EncodeToString(v)
		}
		b, err := json.Marshal(tm)
		if err != nil {
			return nil, err
		}
		args = append(args, "--transient", string(b))
	}
	return args, nil
}

// PeerCLI runs any peer CLI command as the caller's identity.
func (n *Network) peerCLI(ctx context.Context, c Call, args ...string) (string, error) {
	env, ok := n.env[c.Org]
	if !ok {
		return "", fmt.Errorf("tnet: unknown org %q", c.Org)
	}
	env = append([]string{}, env...)
	if c.User != "" && c.User != "Admin" {
		env = append(env, "CORE_PEER_MSPCONFIGPATH="+n.folder().UserMSP(n.Org(c.Org), c.User))
	}
	if c.Peer != "" {
		org := n.Org(c.Org)
		i := slices.IndexFunc(org.Peers, func(p consortium.Peer) bool { return p.Name == c.Peer })
		if i < 0 {
			return "", fmt.Errorf("tnet: %s has no peer %q", c.Org, c.Peer)
		}
		// Later entries win: exec keeps the last value of a repeated variable.
		env = append(env, fmt.Sprintf("CORE_PEER_ADDRESS=127.0.0.1:%d", org.Peers[i].Port),
			"CORE_PEER_TLS_ROOTCERT_FILE="+filepath.Join(n.folder().PeerTLS(org, org.Peers[i]), "ca.crt"))
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, peerBinary(env), args...)
	cmd.Env = append(minimalEnv(env), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("peer %s as %s/%s: %w\n%s", args[1], c.Org, c.User, err, out.String())
	}
	return out.String(), nil
}

// minimalEnv keeps only what the CLI needs from the test's environment, and
// takes PATH from the network env (which puts the Fabric binaries first).
func minimalEnv(env []string) []string {
	out := []string{"HOME=" + os.Getenv("HOME")}
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			return out
		}
	}
	return append(out, "PATH="+os.Getenv("PATH"))
}

// peerBinary finds the peer CLI on the network environment's PATH (the
// Fabric binaries cache), not the test process's.
func peerBinary(env []string) string {
	for _, e := range env {
		if path, ok := strings.CutPrefix(e, "PATH="); ok {
			for _, dir := range filepath.SplitList(path) {
				if p := filepath.Join(dir, "peer"); isExecutable(p) {
					return p
				}
			}
		}
	}
	return "peer"
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// ordererFlags reach the first orderer as org viewer's admin does: with
// the orderer org's TLS root viewer holds.
func (n *Network) ordererFlags(viewer string) []string {
	o := n.Consortium.OrdererOrg
	return []string{"-o", fmt.Sprintf("127.0.0.1:%d", o.Nodes[0].Port), "--tls", "--cafile",
		n.folder().TLSRoot(viewer, o.MSPID)}
}

// folder is the run folder's layout: each org's files in its own folder.
func (n *Network) folder() consortium.RunFolder { return consortium.RunFolder(n.Run) }

func txIDFrom(out string) string {
	if i := strings.Index(out, "txid ["); i >= 0 {
		rest := out[i+len("txid ["):]
		if j := strings.IndexByte(rest, ']'); j > 0 {
			return rest[:j]
		}
	}
	return ""
}
