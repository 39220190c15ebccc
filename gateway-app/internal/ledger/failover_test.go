package ledger

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// fakePeer is a gRPC server with a Gateway service that answers every
// evaluation with its own name, so a test sees which peer served a call.
type fakePeer struct {
	gateway.UnimplementedGatewayServer
	name string
	addr string
	cert tls.Certificate

	mu  sync.Mutex
	srv *grpc.Server
}

func (p *fakePeer) Evaluate(context.Context, *gateway.EvaluateRequest) (*gateway.EvaluateResponse, error) {
	return &gateway.EvaluateResponse{Result: &peer.Response{Status: 200, Payload: []byte(p.name)}}, nil
}

// start listens on p.addr (a fresh port the first time, the same port on a
// restart, as a restarted peer does).
func (p *fakePeer) start(t *testing.T) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lis net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old listener's port may take a moment to free
		if lis, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.addr = lis.Addr().String()
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{p.cert}})))
	gateway.RegisterGatewayServer(srv, p)
	p.mu.Lock()
	p.srv = srv
	p.mu.Unlock()
	go srv.Serve(lis)
	t.Cleanup(p.stop)
}

// stop kills the peer: connections drop and the port refuses.
func (p *fakePeer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		p.srv.Stop()
		p.srv = nil
	}
}

// peerTLS writes a self-signed TLS certificate for host "peer" and returns
// it with the path of its PEM (the peers' TLS CA in the configuration).
func peerTLS(t *testing.T, dir string) (tls.Certificate, string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: "peer"}, DNSNames: []string{"peer"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "peer-tls.pem")
	os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, path
}

func TestGatewayFailsOverToTheNextPeerAndReturnsToThePrimary(t *testing.T) {
	dir := t.TempDir()
	cert, caPath := peerTLS(t, dir)
	primary := &fakePeer{name: "primary", cert: cert}
	second := &fakePeer{name: "second", cert: cert}
	primary.start(t)
	second.start(t)

	userCert, userKey, _ := writeIdentity(t, dir, "User1", "client")
	cfg := config.Config{MSPID: "Org1MSP", Channel: "tranchenet", Chaincode: "tranchenet",
		Peer:          config.Peer{Endpoint: primary.addr, TLSCACert: caPath, HostOverride: "peer"},
		FailoverPeers: []config.Peer{{Endpoint: second.addr, TLSCACert: caPath, HostOverride: "peer"}},
		Identities:    []config.Identity{{Name: "User1", Cert: userCert, Key: userKey}}}
	cfg.SetDefaults()
	g, err := Dial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	now := time.Now()
	g.route.now = func() time.Time { return now }

	served := func(step string) string {
		t.Helper()
		res, err := g.Evaluate(t.Context(), "User1", Tx{Fn: "Probe:GetPublic"})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return string(res.Payload)
	}
	if got := served("both up"); got != "primary" || g.PeerInUse() != primary.addr {
		t.Fatalf("both up: served by %s, in use %s", got, g.PeerInUse())
	}

	primary.stop()
	if got := served("primary down"); got != "second" || g.PeerInUse() != second.addr {
		t.Fatalf("primary down: served by %s, in use %s", got, g.PeerInUse())
	}
	if got := served("still down"); got != "second" {
		t.Fatalf("still down: served by %s", got)
	}

	primary.start(t) // restarted on its port
	if got := served("primary back, before the retry interval"); got != "second" {
		t.Fatalf("the app must stay on the failover peer until the retry interval: served by %s", got)
	}
	now = now.Add(retryPrimaryAfter)
	if got := served("primary back, after the retry interval"); got != "primary" || g.PeerInUse() != primary.addr {
		t.Fatalf("after the retry interval: served by %s, in use %s", got, g.PeerInUse())
	}

	// Every peer down: the call fails as unavailable, retryable.
	primary.stop()
	second.stop()
	_, err = g.Evaluate(t.Context(), "User1", Tx{Fn: "Probe:GetPublic"})
	var le *Error
	if !errors.As(err, &le) || le.Kind != KindUnavailable || !le.Retryable {
		t.Fatalf("all peers down: %v", err)
	}
	if g.route.switches != 2 {
		t.Fatalf("%d switches of peer, want 2 (to the second, back to the primary)", g.route.switches)
	}
}

func TestRouterOrder(t *testing.T) {
	now := time.Unix(1000, 0)
	r := router{peers: 3, retryPrimaryAfter: 10 * time.Second, now: func() time.Time { return now }}
	check := func(step string, want ...int) {
		t.Helper()
		got := r.order()
		if len(got) != len(want) {
			t.Fatalf("%s: order %v, want %v", step, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: order %v, want %v", step, got, want)
			}
		}
	}
	check("start", 0, 1, 2)
	r.answered(2)
	check("on the third peer", 2, 0, 1)
	now = now.Add(10 * time.Second)
	check("time to try the primary", 0, 2, 1)
	r.answered(1)
	check("primary still down, second answered", 1, 2, 0)
	r.answered(0)
	check("primary back", 0, 1, 2)
}

func TestOnlyUnorderedSubmissionsMoveToAnotherPeer(t *testing.T) {
	down := gatewayError(codes.Unavailable, "connection error: connect: connection refused")
	if !peerDown(down) || peerDown(gatewayError(codes.Aborted, "failed to endorse")) || peerDown(nil) {
		t.Fatal("peerDown must recognise Unavailable only")
	}
	if !notOrdered(&client.EndorseError{TransactionError: &client.TransactionError{TransactionID: "tx1"}}) {
		t.Fatal("a failed endorsement was never ordered: it may move to another peer")
	}
	if notOrdered(&client.SubmitError{TransactionError: &client.TransactionError{TransactionID: "tx1"}}) ||
		notOrdered(&client.CommitStatusError{TransactionError: &client.TransactionError{TransactionID: "tx1"}}) {
		t.Fatal("a submission that reached ordering must not be repeated on another peer")
	}
}
