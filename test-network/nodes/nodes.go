// Package nodes reads what every orderer and peer of the local test network
// says about the channel: its block height and, for an orderer, its Raft
// role and its relation to the channel. network.sh's `up` waits with it until
// every node is at the same height, `status` prints it and flags a node that
// lags, and the chaos campaign uses it to time recoveries.
//
// The sources are the ones an operator has: an orderer's channel
// participation API (the admin port, mutual TLS as the orderer org's admin,
// what `osnadmin channel list` reads) and every node's operations endpoint
// (Prometheus metrics: consensus_etcdraft_is_leader, ledger_blockchain_height).
//
// As a test-network tool it may import the consortium description and the
// standard library.
package nodes

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
)

// Kind is what a node is.
type Kind string

const (
	Orderer Kind = "orderer"
	Peer    Kind = "peer"
)

// Role is an orderer's place in the channel's Raft cluster.
type Role string

const (
	Leader   Role = "leader"
	Follower Role = "follower"
	// NoRole: the orderer runs no Raft chain for the channel (not joined,
	// onboarding, or the chain has halted).
	NoRole Role = "-"
)

// Node is one node's view of the channel at one moment.
type Node struct {
	Name string // host name, e.g. orderer2.example.com
	Kind Kind
	Org  string // MSP ID
	// Height is the channel's block height on the node (blocks 0..Height-1).
	Height uint64
	Role   Role // orderers only
	// Relation and Status are the channel participation API's
	// consensusRelation (consenter, follower, ...) and status (active,
	// onboarding, ...); orderers only.
	Relation, Status string
	// Err says why the node could not be read (down, refusing, ...); the
	// other fields are then empty.
	Err error
}

// Reader reads the nodes of one network.
type Reader struct {
	c       *consortium.Consortium
	run     string
	client  *http.Client // plain HTTP: operations endpoints
	admin   *http.Client // mutual TLS: orderer admin endpoints
	adminMu sync.Mutex
}

// NewReader reads the network described by c whose run folder is run (for
// the orderer org admin's TLS credentials).
func NewReader(c *consortium.Consortium, run string) *Reader {
	return &Reader{c: c, run: run, client: &http.Client{Timeout: 3 * time.Second}}
}

// adminClient is the orderer org admin's mutual-TLS client, made once.
func (r *Reader) adminClient() (*http.Client, error) {
	r.adminMu.Lock()
	defer r.adminMu.Unlock()
	if r.admin != nil {
		return r.admin, nil
	}
	o := r.c.OrdererOrg
	dir := filepath.Join(consortium.RunFolder(r.run).Org(o.MSPID), "users", "Admin@"+o.Domain, "tls")
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key"))
	if err != nil {
		return nil, fmt.Errorf("orderer admin TLS identity: %w", err)
	}
	ca, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return nil, fmt.Errorf("orderer admin TLS CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("orderer admin TLS CA: no certificate in %s", filepath.Join(dir, "ca.crt"))
	}
	r.admin = &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}
	return r.admin, nil
}

// Read reads every orderer and peer, concurrently, in consortium order
// (orderers first).
func (r *Reader) Read(ctx context.Context) []Node {
	var jobs []func() Node
	o := r.c.OrdererOrg
	for _, n := range o.Nodes {
		jobs = append(jobs, func() Node { return r.orderer(ctx, o.OrdererHost(n), o.MSPID, n) })
	}
	for _, org := range r.c.Orgs {
		for _, p := range org.Peers {
			jobs = append(jobs, func() Node { return r.peer(ctx, org.PeerHost(p), org.MSPID, p) })
		}
	}
	out := make([]Node, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = job()
		}()
	}
	wg.Wait()
	return out
}

// channelInfo is the channel participation API's answer for one channel.
type channelInfo struct {
	Name              string `json:"name"`
	ConsensusRelation string `json:"consensusRelation"`
	Status            string `json:"status"`
	Height            uint64 `json:"height"`
}

func (r *Reader) orderer(ctx context.Context, host, msp string, n consortium.OrdererNode) Node {
	node := Node{Name: host, Kind: Orderer, Org: msp, Role: NoRole}
	admin, err := r.adminClient()
	if err != nil {
		node.Err = err
		return node
	}
	url := fmt.Sprintf("https://127.0.0.1:%d/participation/v1/channels/%s", n.AdminPort, r.c.Channel)
	var info channelInfo
	if err := getJSON(ctx, admin, url, &info); err != nil {
		node.Err = err
		return node
	}
	node.Height, node.Relation, node.Status = info.Height, info.ConsensusRelation, info.Status
	metrics, err := r.metrics(ctx, n.OperationsPort)
	if err != nil {
		node.Err = err
		return node
	}
	if v, ok := metrics[`consensus_etcdraft_is_leader{channel="`+r.c.Channel+`"}`]; ok {
		node.Role = Follower
		if v == 1 {
			node.Role = Leader
		}
	}
	return node
}

func (r *Reader) peer(ctx context.Context, host, msp string, p consortium.Peer) Node {
	node := Node{Name: host, Kind: Peer, Org: msp}
	metrics, err := r.metrics(ctx, p.OperationsPort)
	if err != nil {
		node.Err = err
		return node
	}
	h, ok := metrics[`ledger_blockchain_height{channel="`+r.c.Channel+`"}`]
	if !ok {
		node.Err = fmt.Errorf("peer reports no height for channel %s (not joined?)", r.c.Channel)
		return node
	}
	node.Height = uint64(h)
	return node
}

// metrics reads an operations endpoint's Prometheus text into sample name
// (with labels) → value.
func (r *Reader) metrics(ctx context.Context, port int) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/metrics", port), nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("operations endpoint :%d answered %s", port, resp.Status)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads Prometheus text format lines "name{labels} value".
func parseMetrics(body io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

func getJSON(ctx context.Context, c *http.Client, url string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return json.Unmarshal(body, into)
}
