package tnet

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"
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
}

// Client connects as user (e.g. "Admin", "User1") of the org with MSP ID msp.
func (n *Network) Client(msp, user string) (*Client, error) {
	org := n.Org(msp)
	peer := org.Peers[0]
	caPEM, err := os.ReadFile(filepath.Join(n.folder().PeerTLS(org, peer), "ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", peer.Port),
		grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, org.PeerHost(peer))))
	if err != nil {
		return nil, err
	}
	id, sign, err := LoadIdentity(msp, n.folder().UserMSP(org, user))
	if err != nil {
		conn.Close()
		return nil, err
	}
	gw, err := client.Connect(id, client.WithSign(sign), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(30*time.Second), client.WithEndorseTimeout(60*time.Second),
		client.WithSubmitTimeout(30*time.Second), client.WithCommitStatusTimeout(2*time.Minute))
	if err != nil {
		conn.Close()
		return nil, err
	}
	network := gw.GetNetwork(n.Consortium.Channel)
	return &Client{Org: msp, User: user, allOrgs: n.Consortium.MSPIDs(), conn: conn, gw: gw, network: network,
		contract: network.GetContract(n.Consortium.Chaincode)}, nil
}

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

// WaitForBlock waits until the peers of the given orgs have committed
// block (their ledger height exceeds it), asking each with qscc.
func (c *Client) WaitForBlock(ctx context.Context, orgs []string, block uint64) error {
	qscc := c.network.GetContract("qscc")
	for _, org := range orgs {
		if org == c.Org {
			continue
		}
		for attempt := 0; ; attempt++ {
			payload, err := qscc.EvaluateWithContext(ctx, "GetChainInfo",
				client.WithArguments(c.network.Name()), client.WithEndorsingOrganizations(org))
			if err != nil {
				return fmt.Errorf("height of %s: %w", org, err)
			}
			var info common.BlockchainInfo
			if err := proto.Unmarshal(payload, &info); err != nil {
				return fmt.Errorf("height of %s: %w", org, err)
			}
			if info.GetHeight() > block {
				break
			}
			if attempt > 400 {
				return fmt.Errorf("%s has not committed block %d after 20 s (height %d)", org, block, info.GetHeight())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// ChaincodeEvents streams chaincode events from a block number.
func (c *Client) ChaincodeEvents(ctx context.Context, chaincode string, fromBlock uint64) (<-chan *client.ChaincodeEvent, error) {
	return c.network.ChaincodeEvents(ctx, chaincode, client.WithStartBlock(fromBlock))
}
