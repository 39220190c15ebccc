package ledger

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// fakeSubmitPeer is a Gateway service that endorses, accepts for ordering
// and then either loses the commit status or answers it, and whose qscc
// knows the transactions listed in ledger (by ID: validation code and
// block), as a peer's ledger would after they commit.
type fakeSubmitPeer struct {
	gateway.UnimplementedGatewayServer

	mu sync.Mutex
	// endorseErr, when set, is every endorsement's answer.
	endorseErr error
	// statusErr, when set, is every commit-status answer.
	statusErr error
	// ledger is what qscc answers: transactions committed so far.
	ledger    map[string]committed
	endorsed  int
	submitted []string
	// commitAfterStatusLost puts a submitted transaction on the ledger
	// once its commit status has been lost.
	commitAfterStatusLost *committed
}

func (p *fakeSubmitPeer) Endorse(_ context.Context, req *gateway.EndorseRequest) (*gateway.EndorseResponse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endorsed++
	if p.endorseErr != nil {
		return nil, p.endorseErr
	}
	return &gateway.EndorseResponse{PreparedTransaction: preparedEnvelope(req.GetChannelId(), []byte("result"))}, nil
}

func (p *fakeSubmitPeer) Submit(_ context.Context, req *gateway.SubmitRequest) (*gateway.SubmitResponse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.submitted = append(p.submitted, req.GetTransactionId())
	return &gateway.SubmitResponse{}, nil
}

func (p *fakeSubmitPeer) CommitStatus(_ context.Context, req *gateway.SignedCommitStatusRequest) (*gateway.CommitStatusResponse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var r gateway.CommitStatusRequest
	if err := proto.Unmarshal(req.GetRequest(), &r); err != nil {
		return nil, err
	}
	if p.statusErr != nil {
		if p.commitAfterStatusLost != nil {
			p.ledger[r.GetTransactionId()] = *p.commitAfterStatusLost
		}
		return nil, p.statusErr
	}
	return &gateway.CommitStatusResponse{Result: peer.TxValidationCode_VALID, BlockNumber: 5}, nil
}

// Evaluate answers qscc's GetTransactionByID and GetBlockByTxID from ledger.
func (p *fakeSubmitPeer) Evaluate(_ context.Context, req *gateway.EvaluateRequest) (*gateway.EvaluateResponse, error) {
	args, err := proposalArgs(req.GetProposedTransaction())
	if err != nil {
		return nil, err
	}
	if len(args) != 3 {
		return nil, status.Errorf(codes.Unimplemented, "fake peer: unexpected evaluation %q", args)
	}
	p.mu.Lock()
	c, ok := p.ledger[string(args[2])]
	p.mu.Unlock()
	if !ok {
		st, _ := status.New(codes.Unknown, "evaluate call to endorser returned error").WithDetails(&gateway.ErrorDetail{
			Address: "peer:7051", MspId: "Org1MSP",
			Message: "chaincode response 500, Failed to get transaction with id " + string(args[2]) + ", error no such transaction ID [" + string(args[2]) + "] in index"})
		return nil, st.Err()
	}
	var payload []byte
	switch string(args[0]) {
	case "GetTransactionByID":
		payload, err = proto.Marshal(&peer.ProcessedTransaction{ValidationCode: int32(c.code)})
	case "GetBlockByTxID":
		payload, err = proto.Marshal(&common.Block{Header: &common.BlockHeader{Number: c.block}})
	default:
		return nil, status.Errorf(codes.Unimplemented, "fake peer: qscc %s", args[0])
	}
	if err != nil {
		return nil, err
	}
	return &gateway.EvaluateResponse{Result: &peer.Response{Status: 200, Payload: payload}}, nil
}

// proposalArgs digs the chaincode arguments out of a signed proposal.
func proposalArgs(sp *peer.SignedProposal) ([][]byte, error) {
	var prop peer.Proposal
	if err := proto.Unmarshal(sp.GetProposalBytes(), &prop); err != nil {
		return nil, err
	}
	var payload peer.ChaincodeProposalPayload
	if err := proto.Unmarshal(prop.GetPayload(), &payload); err != nil {
		return nil, err
	}
	var spec peer.ChaincodeInvocationSpec
	if err := proto.Unmarshal(payload.GetInput(), &spec); err != nil {
		return nil, err
	}
	return spec.GetChaincodeSpec().GetInput().GetArgs(), nil
}

// preparedEnvelope is an endorsed transaction as the client parses it:
// channel header and one action whose chaincode response carries result.
func preparedEnvelope(channel string, result []byte) *common.Envelope {
	must := func(b []byte, err error) []byte {
		if err != nil {
			panic(err)
		}
		return b
	}
	action := must(proto.Marshal(&peer.ChaincodeAction{Response: &peer.Response{Status: 200, Payload: result}}))
	prp := must(proto.Marshal(&peer.ProposalResponsePayload{Extension: action}))
	cap := must(proto.Marshal(&peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: prp}}))
	tx := must(proto.Marshal(&peer.Transaction{Actions: []*peer.TransactionAction{{Payload: cap}}}))
	ch := must(proto.Marshal(&common.ChannelHeader{ChannelId: channel}))
	payload := must(proto.Marshal(&common.Payload{Header: &common.Header{ChannelHeader: ch}, Data: tx}))
	return &common.Envelope{Payload: payload}
}

// dialFake serves p over TLS and returns a Gateway whose one peer it is.
func dialFake(t *testing.T, p *fakeSubmitPeer) *Gateway {
	t.Helper()
	dir := t.TempDir()
	cert, caPath := peerTLS(t, dir)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}})))
	gateway.RegisterGatewayServer(srv, p)
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	userCert, userKey, _ := writeIdentity(t, dir, "User1", "client")
	cfg := config.Config{MSPID: "Org1MSP", Channel: "tranchenet", Chaincode: "tranchenet",
		Peer:       config.Peer{Endpoint: lis.Addr().String(), TLSCACert: caPath, HostOverride: "peer"},
		Identities: []config.Identity{{Name: "User1", Cert: userCert, Key: userKey}}}
	cfg.SetDefaults()
	g, err := Dial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// fastResolve shortens the ledger polling for a test.
func fastResolve(t *testing.T, timeout time.Duration) {
	poll, limit := resolvePoll, resolveTimeout
	resolvePoll, resolveTimeout = 10*time.Millisecond, timeout
	t.Cleanup(func() { resolvePoll, resolveTimeout = poll, limit })
}

func TestLostCommitStatusIsResolvedFromTheLedger(t *testing.T) {
	fastResolve(t, 2*time.Second)
	for _, tc := range []struct {
		name      string
		onLedger  *committed
		wantKind  Kind // 0: success
		wantBlock uint64
	}{
		{"committed valid", &committed{code: peer.TxValidationCode_VALID, block: 41}, 0, 41},
		{"committed invalid", &committed{code: peer.TxValidationCode_MVCC_READ_CONFLICT, block: 42}, KindConflict, 42},
		{"never committed", nil, KindUnknownOutcome, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &fakeSubmitPeer{ledger: map[string]committed{}, commitAfterStatusLost: tc.onLedger,
				statusErr: status.Error(codes.DeadlineExceeded, "context deadline exceeded")}
			g := dialFake(t, p)
			res, err := g.Submit(t.Context(), "User1", Tx{Fn: "Probe:PutPublic", Args: []string{"k", "v"}})
			if len(p.submitted) != 1 || res.TxID != p.submitted[0] {
				t.Fatalf("submitted %v, result tx %q: want the one submitted transaction", p.submitted, res.TxID)
			}
			if tc.wantKind == 0 {
				if err != nil || res.Block != tc.wantBlock || string(res.Payload) != "result" {
					t.Fatalf("got %+v, %v; want block %d and the endorsed result", res, err, tc.wantBlock)
				}
				return
			}
			var le *Error
			if !errors.As(err, &le) || le.Kind != tc.wantKind || le.TxID != res.TxID {
				t.Fatalf("got %v, want kind %s for tx %s", err, tc.wantKind, res.TxID)
			}
			if tc.wantKind == KindUnknownOutcome && le.Retryable {
				t.Fatal("an unknown outcome must never be retryable: the transaction may still commit")
			}
			if tc.onLedger != nil && res.Block != tc.wantBlock {
				t.Fatalf("block %d, want %d", res.Block, tc.wantBlock)
			}
		})
	}
}

func TestPayloadMismatchIsNotOrdered(t *testing.T) {
	mismatch, _ := status.New(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info").
		WithDetails(&gateway.ErrorDetail{Address: "127.0.0.1:9051", MspId: "Org3MSP", Message: "ProposalResponsePayloads do not match"})
	p := &fakeSubmitPeer{endorseErr: mismatch.Err()}
	g := dialFake(t, p)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := g.Submit(ctx, "User1", Tx{Fn: "Probe:PutPublic", Args: []string{"k", "v"}})
	var le *Error
	if !errors.As(err, &le) || !le.NotOrdered {
		t.Fatalf("got %#v, want an error marked not ordered", err)
	}
	if len(p.submitted) != 0 {
		t.Fatalf("a transaction whose endorsements differ must never reach ordering: %v", p.submitted)
	}
	if p.endorsed != 1+mismatchRetries {
		t.Fatalf("%d endorsements, want 1 + %d re-proposals", p.endorsed, mismatchRetries)
	}
}

// Failures where nothing was endorsed and a retry succeeds once the other
// side answers are unavailable (503, not 502), and retryable: the
// chaincode service down (killed, restarting), and an endorsing peer that
// could not push a collection's private data to the other member peers in
// time (seen on an overloaded box during a report upload).
func TestTransientPeerFailuresAreUnavailable(t *testing.T) {
	for _, err := range []error{
		gatewayError(codes.Unknown, "failed to evaluate transaction, see attached details for more info",
			"error in simulation: failed to execute transaction 7eb4: could not launch chaincode tranchenet_943c:b78c: error starting container: connection refused"),
		gatewayError(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			"error in simulation: failed to distribute private collection, txID c744d3, channel tranchenet: Failed disseminating 1 out of 3 private dissemination plans"),
	} {
		le := Classify(err, "")
		if le.Kind != KindUnavailable || !le.Retryable {
			t.Fatalf("got %s retryable=%v: %v", le.Kind, le.Retryable, le)
		}
	}
}

// An endorsing peer whose connection the gateway peer lost mid-call (seen
// as "use of closed network connection" on a loaded box, a 100,000-row
// report): the proposal never reached ordering, so it is retryable; one
// unreachable peer beside a real refusal is not.
func TestUnreachableEndorserIsRetryable(t *testing.T) {
	unreachable := "rpc error: code = Unavailable desc = error reading from server: read tcp 127.0.0.1:57848->127.0.0.1:7151: use of closed network connection"
	for _, tc := range []struct {
		details   []string
		retryable bool
	}{
		{[]string{unreachable}, true},
		{[]string{unreachable, unreachable}, true},
		{[]string{unreachable, "chaincode response 500, [NOT_FOUND] no such pool"}, false},
	} {
		st := status.New(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info")
		for _, d := range tc.details {
			st, _ = st.WithDetails(&gateway.ErrorDetail{Address: "127.0.0.1:7151", MspId: "Org1MSP", Message: d})
		}
		g := dialFake(t, &fakeSubmitPeer{endorseErr: st.Err()})
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		_, err := g.Submit(ctx, "User1", Tx{Fn: "Probe:PutPublic", Args: []string{"k", "v"}})
		cancel()
		var le *Error
		if !errors.As(err, &le) || !le.NotOrdered || le.Retryable != tc.retryable {
			t.Fatalf("%d details: got %#v, want not ordered, retryable %v", len(tc.details), err, tc.retryable)
		}
		if tc.retryable && le.Kind != KindUnavailable {
			t.Fatalf("kind %s, want unavailable", le.Kind)
		}
	}
	// Without the endorse step's marker (a bare status) nothing is assumed.
	if le := Classify(gatewayError(codes.Aborted, "failed", unreachable), ""); le.Retryable {
		t.Fatalf("a bare status was made retryable: %v", le)
	}
}
