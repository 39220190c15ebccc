package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// gateway is one bank's gateway app, spoken to as any bank system would:
// JSON over HTTP with a bearer token per API user, an Idempotency-Key on
// every write, and RFC 9457 problem+json answers on refusal.
type gateway struct {
	bankConfig
	client *http.Client
	keys   *idempotencyKeys
	causal *causality // shared by every bank's gateway
	actors []*actor   // its API users, once identified
}

// idempotencyKeys hands out one key per logical write. The prefix is
// random per process, so a second run of the demo never presents a key
// the first one used (the gateway keeps them for a day).
type idempotencyKeys struct {
	prefix string
	next   atomic.Int64
}

func (k *idempotencyKeys) key() string {
	return fmt.Sprintf("demo-%s-%d", k.prefix, k.next.Add(1))
}

func newGateway(cfg bankConfig, keys *idempotencyKeys, causal *causality) *gateway {
	g := &gateway{bankConfig: cfg, client: &http.Client{Timeout: 10 * time.Minute}, keys: keys, causal: causal}
	causal.banks = append(causal.banks, g)
	return g
}

// problem is an application/problem+json answer with tranchenet's
// extensions.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	Rule      int    `json:"rule"`
	Field     string `json:"field"`
	Row       int    `json:"row"`
	TxID      string `json:"txId"`
	RequestID string `json:"requestId"`
	Errors    []struct {
		Row         int    `json:"row"`
		AssetNumber string `json:"assetNumber"`
		Field       string `json:"field"`
		Rule        string `json:"rule"`
		Detail      string `json:"detail"`
	} `json:"errors"`
}

// summary is the problem on one line: status, code, rule, field, row,
// transaction, then the detail.
func (p *problem) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", p.Status, p.Code)
	if p.Rule != 0 {
		fmt.Fprintf(&b, " (rule %d)", p.Rule)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, " field %s", p.Field)
	}
	if p.Row != 0 {
		fmt.Fprintf(&b, " row %d", p.Row)
	}
	if p.TxID != "" {
		fmt.Fprintf(&b, " tx %s", shortTx(p.TxID))
	}
	if p.Detail != "" {
		b.WriteString(": " + p.Detail)
	}
	return b.String()
}

// callError is a request the gateway refused or did not answer. It names
// everything a person needs to follow it up: the bank, the request, the
// API user, the problem and the app's log file.
type callError struct {
	bank, log    string
	method, url  string
	user         string
	status       int
	problem      *problem // nil when the answer was not problem+json
	body         []byte
	transportErr error
}

func (e *callError) Error() string {
	where := fmt.Sprintf("%s %s as %s of %s", e.method, e.url, e.user, e.bank)
	switch {
	case e.transportErr != nil:
		return where + ": " + e.transportErr.Error()
	case e.problem != nil:
		return where + ": " + e.problem.summary()
	}
	return fmt.Sprintf("%s: HTTP %d: %s", where, e.status, clip(string(e.body), 300))
}

// code is the problem's code, or "" for an answer that had none.
func (e *callError) code() string {
	if e.problem == nil {
		return ""
	}
	return e.problem.Code
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// reply is a 2xx answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// txID is the transaction a write committed (absent for reads).
func (r reply) txID() string { return r.header.Get("X-Transaction-Id") }

// request is one API call.
type request struct {
	method, path, user string
	// body is sent as JSON unless raw is set, then raw with contentType.
	body        any
	raw         []byte
	contentType string
}

// Retries: nothing was committed after these answers, and the same
// Idempotency-Key makes a retry safe after a lost answer too.
const (
	maxAttempts  = 8
	firstBackoff = 250 * time.Millisecond
)

// A 502 with Retry-After failed before ordering (the endorsers disagreed):
// the gateway released its key, so the retry runs again.
func retryable(status int, code string, header http.Header) bool {
	return status == http.StatusServiceUnavailable || code == "TX_CONFLICT" ||
		status == http.StatusBadGateway && header.Get("Retry-After") != ""
}

// do sends a request as its API user and returns the 2xx answer, or a
// *callError. Writes carry one Idempotency-Key across their retries.
func (g *gateway) do(ctx context.Context, req request) (reply, error) {
	token := ""
	if req.user != "" {
		u, ok := g.user(req.user)
		if !ok {
			return reply{}, fmt.Errorf("%s has no API user %q in its tokens.json", g.MSP, req.user)
		}
		token = u.Token
	}
	payload, contentType := req.raw, req.contentType
	if payload == nil && req.body != nil {
		var err error
		if payload, err = json.Marshal(req.body); err != nil {
			return reply{}, fmt.Errorf("%s %s: encode the body: %w", req.method, req.path, err)
		}
		contentType = "application/json"
	}
	key, touches := "", []*gateway{g}
	if req.method != http.MethodGet {
		key, touches = g.keys.key(), g.causal.banks
	}
	if err := g.causal.await(ctx, touches); err != nil {
		return reply{}, err
	}
	backoff, start := firstBackoff, time.Now()
	for attempt := 1; ; attempt++ {
		r, err := g.once(ctx, req, token, key, payload, contentType)
		var ce *callError
		final := err == nil || !errors.As(err, &ce) || (ce.transportErr == nil && !retryable(ce.status, ce.code(), r.header))
		if client.retryFor > 0 {
			// A first attempt can outlast the budget (a gateway waiting on
			// a lost commit status, then killed): it still gets one retry,
			// which the restarted gateway answers from the ledger.
			final = final || attempt > 1 && time.Since(start) > client.retryFor
		} else {
			final = final || attempt == maxAttempts
		}
		if final {
			client.log.write(g, req, key, attempt, payload, r, err)
			return r, err
		}
		wait := backoff
		if s, err := strconv.Atoi(r.header.Get("Retry-After")); err == nil && s >= 0 {
			wait = min(time.Duration(s)*time.Second, 5*time.Second)
		}
		select {
		case <-ctx.Done():
			return r, err
		case <-time.After(wait):
		}
		backoff = min(2*backoff, 4*time.Second)
	}
}

func (g *gateway) once(ctx context.Context, req request, token, key string, payload []byte, contentType string) (reply, error) {
	url := g.URL + req.path
	fail := &callError{bank: g.MSP, log: g.Log, method: req.method, url: url, user: req.user}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, url, body)
	if err != nil {
		return reply{}, err
	}
	if token != "" {
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		hr.Header.Set("Idempotency-Key", key)
	}
	res, err := g.client.Do(hr)
	if err != nil {
		fail.transportErr = err
		return reply{}, fail
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		fail.transportErr = err
		return reply{}, fail
	}
	r := reply{status: res.StatusCode, header: res.Header, body: out}
	if res.StatusCode < 300 {
		if block, ok := blockOf(r); ok {
			g.causal.committed(g, block)
		}
		return r, nil
	}
	fail.status, fail.body = res.StatusCode, out
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		var p problem
		if json.Unmarshal(out, &p) == nil {
			fail.problem = &p
		}
	}
	return r, fail
}

func (g *gateway) user(name string) (apiToken, bool) {
	for _, u := range g.Users {
		if u.User == name {
			return u, true
		}
	}
	return apiToken{}, false
}

// get reads path as user into out.
func (g *gateway) get(ctx context.Context, path, user string, out any) error {
	r, err := g.do(ctx, request{method: http.MethodGet, path: path, user: user})
	if err != nil {
		return err
	}
	return decode(r, out)
}

// write sends a JSON write and decodes the answer into out (if not nil);
// it returns the transaction ID.
func (g *gateway) write(ctx context.Context, method, path, user string, in, out any) (string, error) {
	r, err := g.do(ctx, request{method: method, path: path, user: user, body: in})
	if err != nil {
		return "", err
	}
	return r.txID(), decode(r, out)
}

// upload sends a file (a loan tape or a servicer report) and decodes the
// answer into out.
func (g *gateway) upload(ctx context.Context, method, path, user, contentType string, file []byte, out any) error {
	r, err := g.do(ctx, request{method: method, path: path, user: user, raw: file, contentType: contentType})
	if err != nil {
		return err
	}
	return decode(r, out)
}

// refused sends a request that must be refused with status and code, and
// returns the problem; an answer that is not that refusal is an error.
func (g *gateway) refused(ctx context.Context, req request, status int, code string) (*problem, error) {
	_, err := g.do(ctx, req)
	var ce *callError
	switch {
	case err == nil:
		return nil, fmt.Errorf("%s %s as %s of %s was accepted; want %d %s", req.method, req.path, req.user, g.MSP, status, code)
	case !errors.As(err, &ce) || ce.problem == nil:
		return nil, err
	case ce.status != status || ce.problem.Code != code:
		return nil, fmt.Errorf("want %d %s, got: %w", status, code, err)
	}
	return ce.problem, nil
}

func decode(r reply, out any) error {
	if out == nil || len(r.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		return fmt.Errorf("decode the answer %s: %w", clip(string(r.body), 200), err)
	}
	return nil
}

// isNotFound reports whether err is the gateway's 404.
func isNotFound(err error) bool {
	var ce *callError
	return errors.As(err, &ce) && ce.status == http.StatusNotFound
}

// hasCode reports whether err is a refusal with the given code.
func hasCode(err error, code string) bool {
	var ce *callError
	return errors.As(err, &ce) && ce.code() == code
}
