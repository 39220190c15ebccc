package tnet

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/tranchenet/tranchenet/network/consortium"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	grpcstatus "google.golang.org/grpc/status"
)

// Client is a Fabric Gateway client acting as one identity of one org,
// connected to that org's first peer: what a bank's application does.
type Client struct {
	Org, User string
	allOrgs   []string // every org of the channel
	conn      *grpc.ClientConn
	gw        *client.Gateway
	contract  *client.Contract
	network   *client.Network

	// Every peer of the channel, dialled on first wait: a wait asks each
	// peer itself, because a gateway asked for "a peer of org X" answers
	// from whichever of X's peers it picks, and the next query may be
	// served by the other one.
	orgs     []consortium.Org
	ownPeer  string
	watchers *peerWatchers // shared with the clients On returns
}

// peerWatchers holds one connection per peer, dialled on first use.
type peerWatchers struct {
	dial   func(org consortium.Org, p consortium.Peer) (*grpc.ClientConn, *client.Gateway, error)
	mu     sync.Mutex
	byPeer map[string]*peerWatcher
}

// peerWatcher is a gateway connection to one peer, used for its deliver
// service only.
type peerWatcher struct {
	conn    *grpc.ClientConn
	gw      *client.Gateway
	network *client.Network
}

// Client connects as user (e.g. "Admin", "User1") of the org with MSP ID msp.
func (n *Network) Client(msp, user string) (*Client, error) {
	org := n.Org(msp)
	id, sign, err := LoadIdentity(msp, n.folder().UserMSP(org, user))
	if err != nil {
		return nil, err
	}
	dial := func(o consortium.Org, p consortium.Peer) (*grpc.ClientConn, *client.Gateway, error) {
		caPEM, err := os.ReadFile(filepath.Join(n.folder().PeerTLS(o, p), "ca.crt"))
		if err != nil {
			return nil, nil, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(caPEM)
		conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", p.Port),
			grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, o.PeerHost(p))))
		if err != nil {
			return nil, nil, err
		}
		gw, err := client.Connect(id, client.WithSign(sign), client.WithClientConnection(conn),
			client.WithEvaluateTimeout(30*time.Second), client.WithEndorseTimeout(60*time.Second),
			client.WithSubmitTimeout(30*time.Second), client.WithCommitStatusTimeout(2*time.Minute))
		if err != nil {
			conn.Close()
			return nil, nil, err
		}
		return conn, gw, nil
	}
	peer := org.Peers[0]
	conn, gw, err := dial(org, peer)
	if err != nil {
		return nil, err
	}
	network := gw.GetNetwork(n.Consortium.Channel)
	return &Client{Org: msp, User: user, allOrgs: n.Consortium.MSPIDs(), conn: conn, gw: gw, network: network,
		contract: network.GetContract(n.Consortium.Chaincode),
		orgs:     n.Consortium.Orgs, ownPeer: peerKey(org, peer), watchers: &peerWatchers{dial: dial, byPeer: map[string]*peerWatcher{}}}, nil
}

func peerKey(o consortium.Org, p consortium.Peer) string { return o.MSPID + "/" + p.Name }

// LoadIdentity reads an MSP folder's signing certificate and key.
func LoadIdentity(msp, mspDir string) (*identity.X509Identity, identity.Sign, error) {
	certs, err := filepath.Glob(filepath.Join(mspDir, "signcerts", "*.pem"))
	if err != nil || len(certs) == 0 {
		return nil, nil, fmt.Errorf("no certificate in %s/signcerts", mspDir)
	}
	certPEM, err := os.ReadFile(certs[0])
	if err != nil {
		return nil, nil, err
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, nil, err
	}
	id, err := identity.NewX509Identity(msp, cert)
	if err != nil {
		return nil, nil, err
	}
	keys, err := filepath.Glob(filepath.Join(mspDir, "keystore", "*"))
	if err != nil || len(keys) == 0 {
		return nil, nil, fmt.Errorf("no key in %s/keystore", mspDir)
	}
	keyPEM, err := os.ReadFile(keys[0])
	if err != nil {
		return nil, nil, err
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, nil, err
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, nil, err
	}
	return id, sign, nil
}

// On returns a client of the same identity and connection that calls
// another chaincode of the channel (such as the throughput benchmark's
// plain token). Close the original only.
func (c *Client) On(chaincode string) *Client {
	other := *c
	other.contract = c.network.GetContract(chaincode)
	return &other
}

// Close releases the connection.
func (c *Client) Close() {
	c.gw.Close()
	c.conn.Close()
	c.watchers.mu.Lock()
	defer c.watchers.mu.Unlock()
	for key, w := range c.watchers.byPeer {
		w.gw.Close()
		w.conn.Close()
		delete(c.watchers.byPeer, key)
	}
}

// Evaluate runs a query on the client's own peer.
func (c *Client) Evaluate(ctx context.Context, fn string, args ...string) ([]byte, error) {
	return c.contract.EvaluateWithContext(ctx, fn, client.WithArguments(args...))
}

// EvaluateOn runs a query on the peers of the given orgs (own peer if none).
func (c *Client) EvaluateOn(ctx context.Context, orgs []string, fn string, args ...string) ([]byte, error) {
	opts := []client.ProposalOption{client.WithArguments(args...)}
	if len(orgs) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(orgs...))
	}
	return c.contract.EvaluateWithContext(ctx, fn, opts...)
}

// Tx is a transaction to submit.
type Tx struct {
	Fn        string
	Args      []string
	Transient map[string][]byte
	Endorsers []string // MSP IDs whose peers must endorse
	// WaitOrgs are the orgs whose peers must have committed the block
	// before Submit returns; nil means every org of the channel.
	WaitOrgs []string
}

// Submit endorses, orders and waits for the commit; it returns the payload
// and the transaction ID, or the error (an invalid transaction is an error).
func (c *Client) Submit(ctx context.Context, tx Tx) ([]byte, string, error) {
	opts := []client.ProposalOption{client.WithArguments(tx.Args...)}
	if len(tx.Transient) > 0 {
		opts = append(opts, client.WithTransient(tx.Transient))
	}
	if len(tx.Endorsers) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(tx.Endorsers...))
	}
	result, commit, err := c.contract.SubmitAsyncWithContext(ctx, tx.Fn, opts...)
	if err != nil {
		return nil, "", err
	}
	status, err := commit.StatusWithContext(ctx)
	if err != nil {
		return nil, commit.TransactionID(), err
	}
	if !status.Successful {
		return nil, status.TransactionID, fmt.Errorf("transaction %s invalid: %s", status.TransactionID, status.Code)
	}
	// The commit status comes from this org's peer only. The next
	// transaction may be endorsed by any org's peers, which must have
	// committed this block too, or they simulate it on stale state (a
	// refusal, or endorsements whose results do not match).
	wait := tx.WaitOrgs
	if wait == nil {
		wait = c.allOrgs
	}
	if err := c.WaitForBlock(ctx, wait, status.BlockNumber); err != nil {
		return result, status.TransactionID, err
	}
	return result, status.TransactionID, nil
}

// WaitForBlock waits until every running peer of the given orgs has
// committed block. It asks each peer's own deliver service for the block,
// which answers only once that peer has committed it. A peer that refuses
// the connection is stopped (a fault test's doing) and is not waited for:
// no gateway sends it work until it is back, and it catches up first.
func (c *Client) WaitForBlock(ctx context.Context, orgs []string, block uint64) error {
	for _, o := range c.orgs {
		if !slices.Contains(orgs, o.MSPID) {
			continue
		}
		for _, p := range o.Peers {
			if peerKey(o, p) == c.ownPeer {
				continue // its commit status is what Submit waited for
			}
			if err := c.waitOnPeer(ctx, o, p, block); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Client) waitOnPeer(ctx context.Context, o consortium.Org, p consortium.Peer, block uint64) error {
	w, err := c.watcher(o, p)
	if err != nil {
		return fmt.Errorf("%s %s: %w", o.MSPID, p.Name, err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	// A deliver stream can end before it sends anything (under load the
	// peer or the connection cuts it, and the client's channel closes
	// without saying why): open another until the deadline.
	for {
		committed, err := blockArrives(waitCtx, w, block)
		switch {
		case grpcstatus.Code(err) == codes.Unavailable:
			return nil // the peer is stopped
		case err != nil:
			return fmt.Errorf("%s %s: block %d: %w", o.MSPID, p.Name, block, err)
		case committed:
			return nil
		}
		select {
		case <-waitCtx.Done():
			return fmt.Errorf("%s %s has not committed block %d after 20 s", o.MSPID, p.Name, block)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// blockArrives opens one filtered block stream on w's peer from block and
// reports whether the peer sent that block (it has committed it) before
// the stream ended or ctx was done.
func blockArrives(ctx context.Context, w *peerWatcher, block uint64) (bool, error) {
	streamCtx, cancel := context.WithCancel(ctx)
	blocks, err := w.network.FilteredBlockEvents(streamCtx, client.WithStartBlock(block))
	if err != nil {
		cancel()
		return false, err
	}
	// The stream sends on an unbuffered channel until it is cancelled;
	// drain it so its goroutine ends.
	defer func() {
		cancel()
		go func() {
			for range blocks {
			}
		}()
	}()
	select {
	case b, ok := <-blocks:
		return ok && b.GetNumber() >= block, nil
	case <-ctx.Done():
		return false, nil
	}
}

func (c *Client) watcher(o consortium.Org, p consortium.Peer) (*peerWatcher, error) {
	c.watchers.mu.Lock()
	defer c.watchers.mu.Unlock()
	if w, ok := c.watchers.byPeer[peerKey(o, p)]; ok {
		return w, nil
	}
	conn, gw, err := c.watchers.dial(o, p)
	if err != nil {
		return nil, err
	}
	w := &peerWatcher{conn: conn, gw: gw, network: gw.GetNetwork(c.network.Name())}
	c.watchers.byPeer[peerKey(o, p)] = w
	return w, nil
}

// ChaincodeEvents streams chaincode events from a block number.
func (c *Client) ChaincodeEvents(ctx context.Context, chaincode string, fromBlock uint64) (<-chan *client.ChaincodeEvent, error) {
	return c.network.ChaincodeEvents(ctx, chaincode, client.WithStartBlock(fromBlock))
}
