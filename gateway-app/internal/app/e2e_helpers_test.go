package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/gatewayconfig"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// The end-to-end tests run each bank's gateway app as a real process
// (built from cmd/gateway-app, configured as network.sh gateways does, serving
// until it is killed), against a real network, and talk to them over HTTP
// as a bank's systems would.

// buildGateway builds the gateway-app binary once per test run.
func buildGateway(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gateway-app")
	cmd := exec.Command("go", "build", "-o", bin, "./gateway-app/cmd/gateway-app")
	cmd.Dir = tnet.RepoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build gateway-app: %v\n%s", err, out)
	}
	return bin
}

// bank is one bank's gateway app process.
type bank struct {
	t       *testing.T
	msp     string
	bin     string
	dir     string
	config  string
	base    string
	port    int
	tokens  map[string]string   // API user → token
	roles   map[string][]string // API user → roles
	keys    map[string]string   // API user → identity key
	ids     map[string]string   // API user → Fabric identity name
	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string

	// tip is the newest block any write of this test's client committed,
	// shared by the banks of one network: every request carries it as
	// X-Await-Block, as a client working through several banks' gateways
	// would, so no bank answers from a peer that lags another bank's write.
	tip *atomic.Uint64

	mu      sync.Mutex
	covered map[string]bool // "METHOD /path" answered 2xx
	txIDs   []string
	lastTx  uint64
}

// startBank writes the org's configuration as network.sh gateways does and starts
// its app on a free loopback port with its own data directory.
// upWithBanks starts the network and the three banks' gateway apps (the
// gateway compiles while the network comes up) and has each bank's admin
// grant its roles: how every test of a deal's life through the gateways
// begins.
func upWithBanks(t *testing.T) (n *tnet.Network, org1, org2, org3 *bank) {
	t.Helper()
	var bin string
	built := make(chan struct{})
	go func() { defer close(built); bin = buildGateway(t) }()
	n = tnet.UpForTest(t)
	<-built
	org1, org2, org3 = startBank(t, bin, n.Run, "Org1MSP"), startBank(t, bin, n.Run, "Org2MSP"), startBank(t, bin, n.Run, "Org3MSP")
	grantRoles(t, []*bank{org1, org2, org3})
	return n, org1, org2, org3
}

func startBank(t *testing.T, bin, run, msp string) *bank {
	t.Helper()
	b := &bank{t: t, msp: msp, bin: bin, dir: t.TempDir(), tokens: map[string]string{}, roles: map[string][]string{},
		keys: map[string]string{}, ids: map[string]string{}, covered: map[string]bool{}, tip: tipOf(run)}
	b.config = filepath.Join(b.dir, "config.yaml")
	c, err := consortium.Load(tnet.ConsortiumPath())
	if err != nil {
		t.Fatal(err)
	}
	cfg, issued, err := gatewayconfig.ForOrg(c, run, msp)
	if err != nil {
		t.Fatalf("gateway config %s: %v", msp, err)
	}
	if err := config.WriteFile(b.config, cfg); err != nil {
		t.Fatal(err)
	}
	for _, tok := range issued {
		b.tokens[tok.User], b.roles[tok.User], b.ids[tok.User] = tok.Token, tok.Roles, tok.Identity
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	b.base = fmt.Sprintf("http://127.0.0.1:%d", b.port)
	b.logPath = filepath.Join(b.dir, "gateway.log")
	b.start()
	t.Cleanup(func() {
		b.stop(syscall.SIGTERM)
		if t.Failed() {
			b.dumpLog()
		}
	})
	return b
}

// start runs the process and waits until it is ready.
func (b *bank) start() {
	b.t.Helper()
	b.launch()
	b.waitReady()
}

// launch runs the process.
func (b *bank) launch() {
	b.t.Helper()
	logFile, err := os.OpenFile(b.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		b.t.Fatal(err)
	}
	cmd := exec.Command(b.bin, "serve", "-config", b.config)
	cmd.Env = append(os.Environ(), fmt.Sprintf("TRANCHENET_GATEWAY_LISTEN=127.0.0.1:%d", b.port),
		"TRANCHENET_GATEWAY_DATA_DIR="+filepath.Join(b.dir, "data"), "TRANCHENET_GATEWAY_LOG_LEVEL=debug")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	b.cmd, b.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); logFile.Close(); close(b.exited) }()
}

// setBatchWindow rewrites the app's configuration with the listener
// batch window w (it takes effect at the next launch); nil is the app's
// default.
func (b *bank) setBatchWindow(w *time.Duration) {
	b.t.Helper()
	if err := gatewayconfig.SetListener(b.config, w, ""); err != nil {
		b.t.Fatal(err)
	}
}

// waitReady waits until the app answers /readyz.
func (b *bank) waitReady() {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if r, err := b.try("GET", "/readyz", "", nil, "", ""); err == nil && r.status == 200 {
			return
		}
		select {
		case <-b.exited:
			b.dumpLog()
			b.t.Fatalf("%s gateway exited at start", b.msp)
		default:
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s gateway not ready after 60 s", b.msp)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// running reports whether the process is alive.
func (b *bank) running() bool {
	select {
	case <-b.exited:
		return false
	default:
		return b.cmd != nil
	}
}

// stop signals the process and waits for it to exit.
func (b *bank) stop(sig syscall.Signal) {
	if b.cmd == nil || b.cmd.Process == nil {
		return
	}
	select {
	case <-b.exited:
		return
	default:
	}
	b.cmd.Process.Signal(sig)
	select {
	case <-b.exited:
	case <-time.After(30 * time.Second):
		b.cmd.Process.Kill()
		<-b.exited
	}
}

func (b *bank) dumpLog() {
	f, err := os.Open(b.logPath)
	if err != nil {
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	b.t.Logf("last lines of the %s gateway's log:\n%s", b.msp, strings.Join(lines, "\n"))
}

// resp is an HTTP answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r resp) field(name string) any {
	var m map[string]any
	json.Unmarshal(r.body, &m)
	return m[name]
}

func (b *bank) try(method, path, user string, body []byte, contentType, idemKey string) (resp, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, b.base+path, rd)
	if err != nil {
		return resp{}, err
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+b.tokens[user])
	}
	if body != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	if tip := b.tip.Load(); tip > 0 {
		req.Header.Set(api.HeaderAwaitBlock, strconv.FormatUint(tip, 10))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, out}, err
}

// call sends a request as user and records what it covered.
func (b *bank) call(method, path, user string, body any) resp {
	b.t.Helper()
	var raw []byte
	switch v := body.(type) {
	case nil:
	case string:
		raw = []byte(v)
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			b.t.Fatal(err)
		}
	}
	return b.send(method, path, user, raw, "", "")
}

func (b *bank) send(method, path, user string, body []byte, contentType, idemKey string) resp {
	b.t.Helper()
	r, err := b.try(method, path, user, body, contentType, idemKey)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	if r.status < 300 {
		b.mu.Lock()
		b.covered[method+" "+strings.SplitN(path, "?", 2)[0]] = true
		if tx := r.header.Get("X-Transaction-Id"); tx != "" && r.header.Get("Idempotent-Replayed") == "" {
			b.txIDs = append(b.txIDs, tx)
			var n uint64
			fmt.Sscan(r.header.Get("X-Block-Number"), &n)
			b.lastTx = max(b.lastTx, n)
			for tip := b.tip.Load(); n > tip && !b.tip.CompareAndSwap(tip, n); tip = b.tip.Load() {
			}
		}
		b.mu.Unlock()
	}
	return r
}

// must sends a request that must answer want.
func (b *bank) must(want int, method, path, user string, body any) resp {
	b.t.Helper()
	r := b.call(method, path, user, body)
	if r.status != want {
		b.t.Fatalf("%s %s %s as %s: %d %s (want %d)", b.msp, method, path, user, r.status, r.body, want)
	}
	return r
}

// key is an API user's identity key (whoami, cached).
func (b *bank) key(user string) string {
	b.t.Helper()
	if k, ok := b.keys[user]; ok {
		return k
	}
	var who struct {
		Identity struct {
			Key string `json:"key"`
		} `json:"identity"`
	}
	b.must(200, "GET", "/v1/whoami", user, nil).decode(b.t, &who)
	b.keys[user] = who.Identity.Key
	return who.Identity.Key
}

// checkpoint is the listener's checkpoint as /readyz reports it.
func (b *bank) checkpoint() (block uint64, events uint64, ok bool) {
	r, err := b.try("GET", "/readyz", "", nil, "", "")
	if err != nil || r.status != 200 {
		return 0, 0, false
	}
	var ready struct {
		Events struct {
			Checkpoint struct {
				Block  uint64 `json:"block"`
				Events uint64 `json:"events"`
			} `json:"checkpoint"`
		} `json:"events"`
	}
	json.Unmarshal(r.body, &ready)
	return ready.Events.Checkpoint.Block, ready.Events.Checkpoint.Events, true
}

// caughtUp waits until the bank's listener has applied every event up to
// block.
func (b *bank) caughtUp(block uint64) {
	b.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		if cp, _, ok := b.checkpoint(); ok && cp >= block {
			return
		}
		if time.Now().After(deadline) {
			cp, _, _ := b.checkpoint()
			b.t.Fatalf("%s listener at block %d, want %d", b.msp, cp, block)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// user returns the first API user holding role.
func (b *bank) user(role string) string {
	b.t.Helper()
	for _, name := range []string{role, role + "1"} {
		if _, ok := b.tokens[name]; ok {
			return name
		}
	}
	b.t.Fatalf("%s has no %s user", b.msp, role)
	return ""
}

// operations lists the API's operations from the OpenAPI document, with
// their roles.
type operation struct {
	method, path string
	roles        []string
	re           *regexp.Regexp
}

func (b *bank) operations() []operation {
	b.t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Roles []string `json:"x-roles"`
		} `json:"paths"`
	}
	b.must(200, "GET", "/openapi.json", "", nil).decode(b.t, &doc)
	var out []operation
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v1/probe") {
			continue
		}
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				segs[i] = "[^/]+"
			} else {
				segs[i] = regexp.QuoteMeta(s)
			}
		}
		re := regexp.MustCompile("^" + strings.Join(segs, "/") + "$")
		for m, op := range ops {
			out = append(out, operation{method: strings.ToUpper(m), path: path, roles: op.Roles, re: re})
		}
	}
	return out
}

// waitFor polls cond for up to d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached after %s", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tips holds each network's (run folder's) client tip, shared by its banks.
var tips sync.Map

func tipOf(run string) *atomic.Uint64 {
	tip, _ := tips.LoadOrStore(run, new(atomic.Uint64))
	return tip.(*atomic.Uint64)
}
