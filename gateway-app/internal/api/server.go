// Package api is the gateway app's HTTP API: JSON in and out under /v1,
// RFC 9457 problem details for every error, API users authenticated by
// bearer token or client certificate and mapped to one of the bank's Fabric
// identities, idempotency keys on every write, an OpenAPI 3.1 document built
// from the route declarations (served at /openapi.json and rendered at
// /docs), and the operations endpoints /healthz, /readyz and /metrics.
//
// A resource is declared once (see Endpoint): method and path, request and
// response types, the chaincode transaction it runs and the roles it needs.
// The same declaration serves requests, checks roles and documents the
// operation.
//
// Imports: the chaincode's pure core (canon, errs, money, roles),
// config, ledger, endorse, metrics, logctx and store
// (through its interfaces: the API never sees how the database keeps its
// records); never the resources it serves, the projections or bbolt.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/alerts"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Version is the gateway app's version, reported in the OpenAPI document.
const Version = "0.1.0"

// Response headers naming the transaction a request ran.
const (
	HeaderTransactionID = "X-Transaction-Id"
	HeaderBlockNumber   = "X-Block-Number"
	HeaderRequestID     = "X-Request-Id"
)

// Deps is what the API needs from the rest of the app.
type Deps struct {
	Config config.Config
	Ledger ledger.Ledger
	// Identities are the bank's loaded Fabric identities (ledger.Gateway.Identities).
	Identities []ledger.IdentityInfo
	// Store holds the read model and the idempotency records.
	Store   Store
	Logger  *slog.Logger
	Metrics *metrics.Registry
	// Ready reports whether the ledger answers; /readyz calls it.
	Ready func(ctx context.Context) (ReadyReport, error)
	// Endorsement resolves each chaincode function to the peers that must
	// endorse (or answer) it; nil lets the Fabric Gateway choose.
	Endorsement *endorse.Resolver
	// Resources register more endpoints (with Register) after this
	// package's own, for resources declared in other packages.
	Resources []func(*Server)
	// Onboarded are API users and identities added while the app runs
	// (POST /v1/identities); nil when the bank has no CA configured.
	Onboarded Onboarded
	// Alerts are the gateway's operational alerts (the scheduler's), sent
	// on the live event stream as `event: alert`; nil: none.
	Alerts *alerts.Hub
}

// ReadyReport is /readyz's answer when the app is ready.
type ReadyReport struct {
	Status string `json:"status"`
	// Height is the channel's block height as the bank's peer reports it.
	Height uint64 `json:"height"`
	// Events describes the chaincode event listener.
	Events any `json:"events,omitempty"`
}

// Server is the HTTP API.
type Server struct {
	cfg        config.Config
	ledger     ledger.Ledger
	identities map[string]ledger.IdentityInfo
	store      Store
	log        *slog.Logger
	auth       *authenticator
	idem       *idempotency
	ready      func(ctx context.Context) (ReadyReport, error)
	reg        *metrics.Registry
	m          *httpMetrics
	endorsers  *endorse.Resolver
	onboarded  Onboarded
	alerts     *alerts.Hub

	mux      *http.ServeMux
	routes   []*route
	buildDoc sync.Once
	doc      []byte
}

// New builds the server with every resource of this version registered.
func New(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = metrics.NewRegistry()
	}
	d.Config.SetDefaults() // a zero body limit or retention would refuse or forget everything
	s := &Server{
		cfg: d.Config, ledger: d.Ledger, store: d.Store, log: d.Logger, ready: d.Ready, reg: d.Metrics, endorsers: d.Endorsement,
		identities: map[string]ledger.IdentityInfo{}, mux: http.NewServeMux(), alerts: d.Alerts,
	}
	for _, id := range d.Identities {
		s.identities[id.Name] = id
	}
	var err error
	if s.auth, err = newAuthenticator(d.Config.Users, s.identities); err != nil {
		return nil, err
	}
	s.auth.onboarded, s.onboarded = d.Onboarded, d.Onboarded
	if s.idem, err = newIdempotency(d.Store.Idempotency(), d.Config.Idempotency.Retention.D(), d.Metrics); err != nil {
		return nil, err
	}
	if err := s.clearUploads(); err != nil {
		return nil, fmt.Errorf("clear %s: %w", s.uploadDir(), err)
	}
	s.m = newHTTPMetrics(d.Metrics)
	s.registerOperations()
	for _, register := range append(slices.Clone(resources), d.Resources...) {
		register(s)
	}
	return s, nil
}

// resources lists the functions that register this package's resources; a
// new resource adds its file and one line here (or, declared elsewhere,
// comes in through Deps.Resources).
var resources = []func(*Server){
	registerWhoami,
	registerEvents,
	registerEventStream,
	registerProbe,
}

// Handler returns the root handler: request IDs, access log, metrics and
// panic recovery around the routes, with problem+json for unknown paths and
// methods.
func (s *Server) Handler() http.Handler {
	s.buildDoc.Do(s.buildOpenAPI)
	return http.HandlerFunc(s.serve)
}

// Store is the gateway's database as the API uses it: the read model in
// transactions, and the idempotency records (*store.DB).
type Store interface {
	store.Store
	Idempotency() store.Idempotency
}

// Store is the app's database (read model, loan book).
func (s *Server) Store() store.Store { return s.store }

// Config is the app's configuration.
func (s *Server) Config() config.Config { return s.cfg }

// SweepIdempotency deletes idempotency records older than the retention;
// the app calls it periodically.
func (s *Server) SweepIdempotency(now time.Time) (int, error) { return s.idem.sweep(now) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	r, info := s.begin(w, r)
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic serving request", "panic", fmt.Sprint(v))
			if !rec.wroteHeader {
				s.writeProblem(rec, r, NewProblem(CodeInternal, "internal error; the gateway's log has the details under this request's ID"))
			}
		}
		s.finish(r, info, rec.status(), time.Since(start))
	}()

	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		s.notRouted(rec, r)
		return
	}
	_, info.route, _ = strings.Cut(pattern, " ") // "GET /v1/x/{id}" → "/v1/x/{id}"
	s.mux.ServeHTTP(rec, r)
}

// notRouted answers 404 or 405 (with Allow) as problem+json, asking the mux
// which of the two applies.
func (s *Server) notRouted(w http.ResponseWriter, r *http.Request) {
	h, _ := s.mux.Handler(r)
	probe := &headerOnlyRecorder{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.writeProblem(w, r, NewProblem(CodeMethodNotAllowed, "%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, probe.header.Get("Allow")))
		return
	}
	s.writeProblem(w, r, NewProblem(CodeNotFound, "no resource at %s; the API is described at /openapi.json", r.URL.Path))
}

// headerOnlyRecorder captures the status and headers a handler writes.
type headerOnlyRecorder struct {
	header http.Header
	code   int
}

func (h *headerOnlyRecorder) Header() http.Header         { return h.header }
func (h *headerOnlyRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerOnlyRecorder) WriteHeader(code int)        { h.code = code }

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.code, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.wroteHeader {
		s.code, s.wroteHeader = http.StatusOK, true
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) status() int {
	if !s.wroteHeader {
		return http.StatusOK
	}
	return s.code
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// register adds a route to the mux and to the OpenAPI document.
func (s *Server) register(rt *route) {
	if s.doc != nil {
		panic("api: route " + rt.method + " " + rt.path + " registered after Handler")
	}
	for _, other := range s.routes {
		if other.method == rt.method && other.path == rt.path {
			panic("api: route " + rt.method + " " + rt.path + " registered twice")
		}
	}
	s.routes = append(s.routes, rt)
	s.mux.Handle(rt.method+" "+rt.path, rt.handler)
}

// authorize authenticates the request and checks the route's roles; it
// answers 401 or 403 itself and returns nil then.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, need []roles.Role) *User {
	user, p := s.auth.authenticate(r)
	if p != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tranchenet-gateway"`)
		s.writeProblem(w, r, p)
		return nil
	}
	if info := infoFrom(r.Context()); info != nil {
		info.user = user.Name
	}
	if len(need) > 0 && !slices.ContainsFunc(need, user.Roles.Has) {
		s.writeProblem(w, r, NewProblem(CodeForbidden, "user %s holds role %s; this operation needs role %s", user.Name, user.Roles, strings.ReplaceAll(roles.SetOf(need...).String(), ", ", " or ")))
		return nil
	}
	return user
}
