package ledger

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// Gateway is the Ledger backed by a Fabric peer's Gateway service. It holds
// one gRPC connection per peer of the bank (the configured peer, then its
// failover peers) and, on each, one client.Gateway per identity: the
// connection is shared (Gateway.Close leaves it open), each client.Gateway
// signs with its own key. Calls go to one peer at a time (see failover.go).
type Gateway struct {
	peers   []*peerConn // cfg.Peer first, then cfg.FailoverPeers
	channel string
	msp     string
	cfg     config.Config
	route   router
	// mu guards names, infos and every peer's sessions: onboarding adds
	// and removes identities while requests run (dynamic.go).
	mu    sync.RWMutex
	names []string // identity names in configuration order, then onboarded ones
	infos map[string]IdentityInfo
}

// peerConn is the connection to one peer and the sessions over it.
type peerConn struct {
	endpoint string
	conn     *grpc.ClientConn
	ids      map[string]*session
}

type session struct {
	gw       *client.Gateway
	network  *client.Network
	contract *client.Contract
}

// Dial loads every configured identity and connects to the bank's peers.
// gRPC connects lazily, so Dial succeeds while a peer is down; Ready tells
// whether one answers.
func Dial(cfg config.Config) (*Gateway, error) {
	g := &Gateway{channel: cfg.Channel, msp: cfg.MSPID, cfg: cfg, infos: map[string]IdentityInfo{},
		route: router{retryPrimaryAfter: retryPrimaryAfter}}
	for _, p := range append([]config.Peer{cfg.Peer}, cfg.FailoverPeers...) {
		conn, err := dialPeer(p)
		if err != nil {
			g.Close()
			return nil, err
		}
		g.peers = append(g.peers, &peerConn{endpoint: p.Endpoint, conn: conn, ids: map[string]*session{}})
	}
	g.route.peers = len(g.peers)
	for _, c := range cfg.Identities {
		li, err := loadIdentity(cfg.MSPID, c)
		if err != nil {
			g.Close()
			return nil, err
		}
		if err := g.add(li); err != nil {
			g.Close()
			return nil, err
		}
	}
	return g, nil
}

// add opens a client.Gateway for a loaded identity on every peer's
// connection, so a failover finds the identity on the next peer too.
func (g *Gateway) add(li *loadedIdentity) error {
	cfg := g.cfg
	sessions := make([]*session, 0, len(g.peers))
	closeAll := func() {
		for _, s := range sessions {
			s.gw.Close()
		}
	}
	for _, pc := range g.peers {
		gw, err := client.Connect(li.id, client.WithSign(li.sign), client.WithClientConnection(pc.conn),
			client.WithEvaluateTimeout(cfg.Timeouts.Evaluate.D()),
			client.WithEndorseTimeout(cfg.Timeouts.Endorse.D()),
			client.WithSubmitTimeout(cfg.Timeouts.Submit.D()),
			client.WithCommitStatusTimeout(cfg.Timeouts.CommitStatus.D()))
		if err != nil {
			closeAll()
			return fmt.Errorf("identity %s: %w", li.info.Name, err)
		}
		network := gw.GetNetwork(cfg.Channel)
		sessions = append(sessions, &session{gw: gw, network: network, contract: network.GetContract(cfg.Chaincode)})
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, dup := g.infos[li.info.Name]; dup {
		closeAll()
		return fmt.Errorf("identity %s: loaded twice", li.info.Name)
	}
	for i, pc := range g.peers {
		pc.ids[li.info.Name] = sessions[i]
	}
	g.infos[li.info.Name] = li.info
	g.names = append(g.names, li.info.Name)
	return nil
}

// maxMessageBytes bounds one message from a peer: a block of the
// orderer's largest size plus its private data.
const maxMessageBytes = 256 << 20

func dialPeer(p config.Peer) (*grpc.ClientConn, error) {
	caPEM, err := os.ReadFile(p.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("peer.tlsCACert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("peer.tlsCACert: no PEM certificate in %s", p.TLSCACert)
	}
	tc := &tls.Config{RootCAs: pool, ServerName: p.HostOverride, MinVersion: tls.VersionTLS12}
	if p.ClientCert != "" {
		pair, err := tls.LoadX509KeyPair(p.ClientCert, p.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("peer.clientCert: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	// A block with its private data (the listener's stream) can exceed
	// gRPC's 4 MB default: the orderer cuts blocks of up to 99 MB
	// (AbsoluteMaxBytes), and a servicer's report chunks bring their rows.
	conn, err := grpc.NewClient(p.Endpoint, grpc.WithTransportCredentials(credentials.NewTLS(tc)),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessageBytes)))
	if err != nil {
		return nil, fmt.Errorf("peer.endpoint: %w", err)
	}
	return conn, nil
}

// Close closes every identity's gateway and the connections.
func (g *Gateway) Close() error {
	var first error
	for _, p := range g.peers {
		for _, s := range p.ids {
			s.gw.Close()
		}
		if err := p.conn.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Identities describes the bank's identities, in configuration order.
func (g *Gateway) Identities() []IdentityInfo {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]IdentityInfo, 0, len(g.names))
	for _, n := range g.names {
		out = append(out, g.infos[n])
	}
	return out
}

// Network returns the channel as seen by an identity on the peer in use,
// for event streams: ask again at each reconnect, so the stream follows a
// failover (a peer whose connection is failing is passed over).
func (g *Gateway) Network(identity string) (*client.Network, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if _, ok := g.infos[identity]; !ok {
		return nil, fmt.Errorf("%w %q", ErrNoIdentity, identity)
	}
	for _, i := range g.route.order() {
		if st := g.peers[i].conn.GetState(); st != connectivity.TransientFailure && st != connectivity.Shutdown {
			return g.peers[i].ids[identity].network, nil
		}
	}
	return g.peers[g.route.order()[0]].ids[identity].network, nil
}

func proposalOptions(tx Tx) []client.ProposalOption {
	opts := []client.ProposalOption{client.WithArguments(tx.Args...)}
	if len(tx.Transient) > 0 {
		opts = append(opts, client.WithTransient(tx.Transient))
	}
	if len(tx.Endorsers) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(slices.Clone(tx.Endorsers)...))
	}
	return opts
}

// Evaluate runs a query. Errors are *Error.
func (g *Gateway) Evaluate(ctx context.Context, identity string, tx Tx) (Result, error) {
	var res Result
	err := g.onPeers(identity, func(s *session) error {
		proposal, err := s.contract.NewProposal(tx.Fn, proposalOptions(tx)...)
		if err != nil {
			return err
		}
		payload, err := proposal.EvaluateWithContext(ctx)
		if err != nil {
			return err
		}
		res = Result{Payload: payload, TxID: proposal.TransactionID()}
		return nil
	}, alwaysAgain)
	if err != nil {
		// An evaluation is never ordered: its transaction ID names nothing
		// on the ledger, so errors do not carry it.
		return Result{}, classifyCall(err, "")
	}
	return res, nil
}

// Submit endorses the transaction, sends it to ordering without waiting
// (SubmitAsync) and then waits for its commit status, so the block number
// is known and an invalid transaction is reported with its validation code.
// Errors are *Error.
func (g *Gateway) Submit(ctx context.Context, identity string, tx Tx) (Result, error) {
	var (
		s       *session
		payload []byte
		commit  *client.Commit
	)
	// Only an endorsement that failed because the peer is down moves to
	// the next peer: nothing was ordered then. A failure after ordering
	// began is reported (the transaction may commit), not repeated.
	err := g.onPeers(identity, func(on *session) error {
		s = on
		var err error
		payload, commit, err = submitAsync(ctx, s, tx)
		return err
	}, notOrdered)
	if errors.Is(err, ErrNoIdentity) {
		return Result{}, err
	}
	// Endorsers disagreeing means one peer simulated on state another
	// bank's write had not yet reached (each gateway waits only for its
	// own transaction's endorsers): nothing was ordered, so propose again
	// once the lagging peer has caught up, which takes milliseconds.
	reproposals, err := reproposeWhileEndorsersDiffer(ctx, err, mismatchBackoff, func() error {
		var err error
		payload, commit, err = submitAsync(ctx, s, tx)
		return err
	})
	if err != nil {
		return Result{Reproposals: reproposals}, Classify(err, "")
	}
	txID := commit.TransactionID()
	st, err := commit.StatusWithContext(ctx)
	if err != nil {
		// The transaction reached the orderers but its status was lost:
		// the ledger, not a guess, says whether it committed.
		found, lookupErr := g.resolveCommit(ctx, identity, txID)
		if lookupErr != nil {
			e := Classify(err, txID)
			if errors.Is(lookupErr, errTxNotFound) {
				e.Message += fmt.Sprintf("; the bank's peers did not hold the transaction %s later", resolveTimeout)
			}
			return Result{TxID: txID}, e
		}
		st = &client.Status{Code: found.code, Successful: found.code == peer.TxValidationCode_VALID,
			BlockNumber: found.block, TransactionID: txID}
	}
	if !st.Successful {
		e := &Error{TxID: txID}
		classifyValidation(e, st.Code)
		return Result{TxID: txID, Block: st.BlockNumber, Reproposals: reproposals}, e
	}
	// The commit status is the bank's own peer's. The next transaction may
	// be endorsed by the other endorsers' peers, which would simulate it on
	// stale state (a spurious refusal or an MVCC conflict) until they have
	// this block too: wait for them, as a client reading its own write
	// expects. The transaction is committed either way, so a peer that
	// lags beyond the wait is not an error of this call.
	g.awaitBlock(ctx, s, tx.Endorsers, st.BlockNumber)
	return Result{Payload: payload, TxID: txID, Block: st.BlockNumber, Reproposals: reproposals}, nil
}

// submitAsync is the client's SubmitAsync with the transaction ID told to
// tx.OnTxID before the proposal is sent for endorsement.
func submitAsync(ctx context.Context, s *session, tx Tx) ([]byte, *client.Commit, error) {
	proposal, err := s.contract.NewProposal(tx.Fn, proposalOptions(tx)...)
	if err != nil {
		return nil, nil, err
	}
	if tx.OnTxID != nil {
		tx.OnTxID(proposal.TransactionID())
	}
	transaction, err := proposal.EndorseWithContext(ctx)
	if err != nil {
		return nil, nil, err
	}
	commit, err := transaction.SubmitWithContext(ctx)
	return transaction.Result(), commit, err
}

// Bounds of re-proposing when endorsers disagree (see Submit).
const (
	mismatchRetries = 8
	mismatchBackoff = 100 * time.Millisecond
)

// reproposeWhileEndorsersDiffer calls propose again while err says the
// endorsers disagreed, at most mismatchRetries times, waiting attempt ×
// backoff before each. A lagging peer catches up in milliseconds, so the
// disagreement is transient; any other error, or success, ends it. It
// returns, for each re-proposal, which peers disagreed and what they
// said (mismatchReason), for the log, and the last error.
//
// On this network the read that differs is the record an earlier step
// of the same flow wrote one block before: Settlement:InstructReceive
// (endorsed by the buyer's bank and the trustee) reads the settlement
// record the seller's InstructDeliver created, and a peer that has not
// committed that block yet simulates a new record where the other
// matches the two legs. The dependency is the protocol's (the second
// instruction matches the first), so the gateway waits it out.
func reproposeWhileEndorsersDiffer(ctx context.Context, err error, backoff time.Duration, propose func() error) ([]string, error) {
	var reasons []string
	for attempt := 1; err != nil && attempt <= mismatchRetries && endorsementsDiffer(err); attempt++ {
		reasons = append(reasons, mismatchReason(err))
		select {
		case <-ctx.Done():
			return reasons, err
		case <-time.After(time.Duration(attempt) * backoff):
		}
		err = propose()
	}
	return reasons, err
}

// endorsementsDiffer reports the gateway's "ProposalResponsePayloads do not
// match": the endorsing peers computed different results.
func endorsementsDiffer(err error) bool {
	return strings.Contains(err.Error(), "ProposalResponsePayloads do not match") ||
		strings.Contains(detailsText(err), "ProposalResponsePayloads do not match")
}

// Bounds of awaitBlock: peers normally commit a block within
// milliseconds of each other.
const (
	awaitPoll    = 25 * time.Millisecond
	awaitTimeout = 10 * time.Second
)

// awaitBlock waits until the peers of the given orgs (other than the
// bank's own) report a ledger height above block (qscc GetChainInfo).
func (g *Gateway) awaitBlock(ctx context.Context, s *session, orgs []string, block uint64) {
	ctx, cancel := context.WithTimeout(ctx, awaitTimeout)
	defer cancel()
	qscc := s.network.GetContract("qscc")
	for _, org := range orgs {
		if org == g.msp {
			continue
		}
		for ctx.Err() == nil {
			raw, err := qscc.EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(g.channel), client.WithEndorsingOrganizations(org))
			var info common.BlockchainInfo
			if err == nil && proto.Unmarshal(raw, &info) == nil && info.GetHeight() > block {
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(awaitPoll):
			}
		}
	}
}

// Height asks the peer for the channel's block height through the query
// system chaincode (qscc GetChainInfo): a cheap evaluate that proves the
// peer is reachable, serves the channel and accepts the identity.
func (g *Gateway) Height(ctx context.Context, identity string) (uint64, error) {
	var raw []byte
	err := g.onPeers(identity, func(s *session) error {
		var err error
		raw, err = s.network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(g.channel))
		return err
	}, alwaysAgain)
	if err != nil {
		return 0, classifyCall(err, "")
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return 0, fmt.Errorf("qscc GetChainInfo: %w", err)
	}
	return info.GetHeight(), nil
}

// ErrNoIdentity is returned for an identity name that Dial did not load: a
// configuration error, never the API client's (users map to loaded identities).
var ErrNoIdentity = errors.New("ledger: no loaded identity")

var _ Ledger = (*Gateway)(nil)
