package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"sync"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/logctx"
)

// route is a registered operation: its handler and what the OpenAPI
// document says about it.
type route struct {
	method, path                  string
	id, summary, description, tag string
	roles                         []roles.Role
	params                        []compiledParam
	status                        int
	write                         bool
	public                        bool   // no authentication (operations endpoints)
	hidden                        bool   // not in the OpenAPI document (the docs page's assets)
	contentType                   string // of a non-JSON success response
	reqType, respType             reflect.Type
	tx                            *txDoc
	functions                     []string // chaincode functions a Handle endpoint runs
	upload                        *Upload
	alternates                    []string // content types of other representations
	handler                       http.Handler
}

// txDoc is what the OpenAPI document says about an endpoint's transaction.
type txDoc struct {
	Fn          string   `json:"transaction"`
	Submit      bool     `json:"submit"`
	Transient   []string `json:"transient,omitempty"`
	Collections bool     `json:"privateData,omitempty"`
	// Endorsement is the function's kind in the endorsement table
	// (trustee, majority, query, query:trustee...).
	Endorsement string `json:"endorsement,omitempty"`
}

// Call is one authenticated request being served. Its reads and
// submissions may run from several goroutines at once (an upload's chunks
// in flight together): mu guards what they note on the request.
type Call struct {
	Request *http.Request
	User    *User
	w       http.ResponseWriter
	s       *Server
	mu      sync.Mutex
}

// Context is the request's context.
func (c *Call) Context() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Request.Context()
}

// Path returns a path parameter.
func (c *Call) Path(name string) string { return c.Request.PathValue(name) }

// Query returns a query parameter ("" if absent).
func (c *Call) Query(name string) string { return c.Request.URL.Query().Get(name) }

// MSPID is the bank's MSP ID.
func (c *Call) MSPID() string { return c.s.cfg.MSPID }

// Identity describes the Fabric identity the user acts as.
func (c *Call) Identity() ledger.IdentityInfo {
	if id, ok := c.s.identities[c.User.Identity]; ok || c.s.onboarded == nil {
		return id
	}
	id, _ := c.s.onboarded.Identity(c.User.Identity)
	return id
}

// Endorsers returns the configured endorsing orgs for writes to the given
// collections, or nil to let the Fabric Gateway choose.
func (c *Call) Endorsers(collections ...string) []string {
	orgs, ok := c.s.cfg.Endorsers(collections...)
	if !ok {
		return nil
	}
	return orgs
}

// IdentityKey is the user's identity as the chaincode names it (MSP/id).
func (c *Call) IdentityKey() string { return c.Identity().ID.Key() }

// resolveEndorsers names the peers for fn from the endorsement table, or
// nil (the Fabric Gateway chooses) for a function outside it or without a
// resolver.
func (c *Call) resolveEndorsers(fn, party string) ([]string, error) {
	if c.s.endorsers == nil {
		return nil, nil
	}
	if _, ok := endorse.Kind(fn); !ok {
		return nil, nil
	}
	return c.s.endorsers.Resolve(c.Context(), fn, c.MSPID(), party)
}

// Ask evaluates fn as the user, on the peer the endorsement table names
// (the bank's own, or the trustee's for queries over several banks'
// registries).
func (c *Call) Ask(fn string, args ...string) (ledger.Result, error) {
	return c.AskWith(ledger.Tx{Fn: fn, Args: args})
}

// AskWith is Ask for a transaction with transient data.
func (c *Call) AskWith(tx ledger.Tx) (ledger.Result, error) {
	if tx.Endorsers == nil {
		var err error
		if tx.Endorsers, err = c.resolveEndorsers(tx.Fn, ""); err != nil {
			return ledger.Result{}, err
		}
	}
	return c.Evaluate(tx)
}

// SubmitFn submits tx as the user, endorsed by the peers the endorsement
// table names (party as in Tx.Party).
func (c *Call) SubmitFn(tx ledger.Tx, party string) (ledger.Result, error) {
	if tx.Endorsers == nil {
		var err error
		if tx.Endorsers, err = c.resolveEndorsers(tx.Fn, party); err != nil {
			return ledger.Result{}, err
		}
	}
	return c.Submit(tx)
}

// Evaluate runs a query as the user's identity.
func (c *Call) Evaluate(tx ledger.Tx) (ledger.Result, error) {
	res, err := c.s.ledger.Evaluate(c.Context(), c.User.Identity, tx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.noteTx(res, err, false)
	return res, err
}

// Submit runs a write as the user's identity and waits for its commit.
func (c *Call) Submit(tx ledger.Tx) (ledger.Result, error) {
	ctx := c.Context()
	if info := infoFrom(ctx); info != nil {
		c.mu.Lock()
		info.submitted = true
		c.mu.Unlock()
		if tx.OnTxID == nil {
			tx.OnTxID = info.onTxID
		}
	}
	res, err := c.s.ledger.Submit(ctx, c.User.Identity, tx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.noteTx(res, err, true)
	return res, err
}

// noteTx puts the transaction ID (and block) in the response headers and
// in the request's log context, so the access log line names it. The
// caller holds c.mu.
func (c *Call) noteTx(res ledger.Result, err error, submitted bool) {
	txID := res.TxID
	var le *ledger.Error
	if errors.As(err, &le) && txID == "" {
		txID = le.TxID
	}
	if txID == "" || !submitted && err == nil {
		return // a successful query's transaction ID means nothing to the client
	}
	c.w.Header().Set(HeaderTransactionID, txID)
	if err == nil {
		c.w.Header().Set(HeaderBlockNumber, strconv.FormatUint(res.Block, 10))
	}
	if info := infoFrom(c.Request.Context()); info != nil {
		info.txID = txID
	}
	c.Request = c.Request.WithContext(logctx.With(c.Request.Context(), slog.String("tx_id", txID)))
}

// wrap builds a route's handler: authentication and role check, parameter
// checks, the idempotency layer for writes, then serve.
func (s *Server) wrap(rt *route, serve func(c *Call)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := s.authorize(w, r, rt.roles)
		if user == nil {
			return
		}
		r = r.WithContext(logctx.With(r.Context(), slog.String("user", user.Name)))
		for _, p := range rt.params {
			if prob := p.check(r); prob != nil {
				s.writeProblem(w, r, prob)
				return
			}
		}
		if rt.upload != nil {
			sp := s.spool(w, r, rt.upload)
			if sp == nil {
				return
			}
			defer sp.remove()
			r = r.WithContext(context.WithValue(r.Context(), spoolKey{}, sp))
		}
		if prob := s.awaitBlock(r, user.Identity); prob != nil {
			s.writeProblem(w, r, prob)
			return
		}
		run := func(w http.ResponseWriter, r *http.Request) {
			serve(&Call{Request: r, User: user, w: w, s: s})
		}
		if rt.write {
			s.idem.serve(s, w, r, user, run)
			return
		}
		run(w, r)
	})
}
