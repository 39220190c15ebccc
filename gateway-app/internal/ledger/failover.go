package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
)

// Failover between the bank's peers. The Gateway talks to one peer at a
// time, the configured peer first. When a call fails because that peer's
// Gateway service does not answer (gRPC Unavailable), the call moves to the
// next peer (config.FailoverPeers, in order) if repeating it is safe, and
// that peer stays in use. After retryPrimaryAfter, the next call tries the
// configured peer first again, so the app returns to it once it is back.

// retryPrimaryAfter is how long the app keeps using a failover peer before
// trying its configured peer again.
const retryPrimaryAfter = 15 * time.Second

// router remembers which peer is in use and since when the configured one
// was left.
type router struct {
	peers             int
	retryPrimaryAfter time.Duration
	now               func() time.Time // nil: time.Now

	mu       sync.Mutex
	active   int
	leftAt   time.Time // when active became a failover peer
	switches int       // how many times the peer in use changed
}

func (r *router) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}

// order lists the peers to try, best first: the one in use and then the
// rest in configuration order, or the configured peer first when it is time
// to try it again.
func (r *router) order() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	first := r.active
	if first != 0 && r.clock().Sub(r.leftAt) >= r.retryPrimaryAfter {
		first = 0
	}
	out := []int{first}
	for i := 0; i < r.peers; i++ {
		if j := (r.active + i) % r.peers; j != first {
			out = append(out, j)
		}
	}
	return out
}

// answered records that peer i answered (with a result or with an error of
// its own): it becomes the peer in use.
func (r *router) answered(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i == r.active {
		return
	}
	r.active = i
	r.switches++
	if i != 0 {
		r.leftAt = r.clock()
	}
}

// inUse is the index of the peer in use (0: the configured peer).
func (r *router) inUse() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active
}

// onPeers runs call as identity on the peers in router order until one
// answers: a peer that is down (peerDown) passes the call to the next one
// when again(err) says the call may be repeated. The error of the last
// attempt is returned, unclassified.
func (g *Gateway) onPeers(identity string, call func(*session) error, again func(error) bool) error {
	sessions, ok := g.sessions(identity)
	if !ok {
		return fmt.Errorf("%w %q", ErrNoIdentity, identity)
	}
	var err error
	for _, i := range g.route.order() {
		if i != g.route.inUse() {
			g.peers[i].wake()
		}
		err = call(sessions[i])
		if !peerDown(err) {
			g.route.answered(i)
			return err
		}
		if !again(err) {
			return err
		}
	}
	return err
}

// sessions returns identity's session on every peer, in peer order, read
// under the lock that onboarding takes to add or remove identities.
func (g *Gateway) sessions(identity string) ([]*session, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if _, ok := g.infos[identity]; !ok {
		return nil, false
	}
	out := make([]*session, len(g.peers))
	for i, pc := range g.peers {
		out[i] = pc.ids[identity]
	}
	return out, true
}

// wakeTimeout bounds how long a call waits for a peer it switches to to
// finish connecting.
const wakeTimeout = 2 * time.Second

// wake makes a connection that has been failing try again now: gRPC backs
// off up to two minutes between attempts, and a call on a connection in
// backoff fails at once even when the peer is back. It waits until the
// connection is ready or fails again.
func (p *peerConn) wake() {
	st := p.conn.GetState()
	if st == connectivity.Ready || st == connectivity.Shutdown {
		return
	}
	p.conn.ResetConnectBackoff()
	p.conn.Connect()
	ctx, cancel := context.WithTimeout(context.Background(), wakeTimeout)
	defer cancel()
	for st = p.conn.GetState(); st != connectivity.Ready; st = p.conn.GetState() {
		if !p.conn.WaitForStateChange(ctx, st) {
			return
		}
		if next := p.conn.GetState(); next == connectivity.TransientFailure {
			return
		}
	}
}

// PeerInUse is the endpoint of the peer the app currently talks to.
func (g *Gateway) PeerInUse() string { return g.peers[g.route.inUse()].endpoint }

// peerDown reports a call that failed because the peer's Gateway service
// did not answer: the connection is refused or broken.
func peerDown(err error) bool {
	if err == nil {
		return false
	}
	st, ok := status.FromError(err)
	return ok && st.Code() == codes.Unavailable
}

func alwaysAgain(error) bool { return true }

// notOrdered allows repeating a submission whose endorsement failed: the
// transaction never reached the orderers.
func notOrdered(err error) bool {
	var endorse *client.EndorseError
	return errors.As(err, &endorse)
}

// classifyCall is Classify, except for the configuration error of an
// unknown identity, which stays as it is.
func classifyCall(err error, txID string) error {
	if errors.Is(err, ErrNoIdentity) {
		return err
	}
	return Classify(err, txID)
}
