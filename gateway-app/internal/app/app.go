// Package app assembles the gateway app from its parts — configuration,
// database, Fabric connection, event listener and HTTP API — and runs it
// until asked to stop, then shuts down in order: stop accepting and drain
// HTTP requests, stop the event listener, close the Fabric connection,
// close the database.
//
// Imports: every gateway package (it is the one place they meet); the
// database is opened through package store.
package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/alerts"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/console"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/logctx"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard"
	"github.com/tranchenet/tranchenet/gateway-app/internal/projections"
	"github.com/tranchenet/tranchenet/gateway-app/internal/resources"
	"github.com/tranchenet/tranchenet/gateway-app/internal/scheduler"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// App is a configured gateway app, bound to its listen address.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	store    *store.DB
	gateway  *ledger.Gateway
	listener *events.Listener
	onboard  *onboard.Service     // nil without a CA
	schedule *scheduler.Scheduler // nil without config scheduler
	api      *api.Server
	http     *http.Server
	ln       net.Listener
}

// sweepInterval is how often expired idempotency records are deleted.
const sweepInterval = time.Hour

// NewLogger returns the app's JSON logger at the given level, carrying each
// context's request and transaction attributes (package logctx).
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(logctx.NewHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})))
}

// New opens the database, loads the identities, prepares the Fabric
// connection, the event listener and the API, and binds the listen address
// (so Addr is known before Run). On error everything opened is closed.
func New(cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{cfg: cfg, log: log}
	if err := a.open(); err != nil {
		a.closeResources()
		return nil, err
	}
	return a, nil
}

// open builds the parts in dependency order; New closes what it opened on error.
func (a *App) open() error {
	cfg, log := a.cfg, a.log
	var err error
	if a.store, err = store.Open(cfg.DataDir); err != nil {
		return err
	}
	if a.gateway, err = ledger.Dial(cfg); err != nil {
		return err
	}
	reg := metrics.NewRegistry()
	ldg := ledger.Instrument(a.gateway, log.With("component", "ledger"), reg)
	fetch := ownPeerQuery(ldg, cfg.MSPID, cfg.Events.FetchIdentity)
	resolver := endorse.NewResolver(func(ctx context.Context) (roles.OrgConfig, error) {
		var c roles.OrgConfig
		raw, err := fetch(ctx, "Admin:Config")
		if err == nil {
			err = json.Unmarshal(raw, &c)
		}
		return c, err
	})
	if !cfg.Events.Disabled {
		if _, err := a.gateway.Network(cfg.Events.Identity); err != nil {
			return err
		}
		a.listener = newListener(cfg, a.store, eventSource(cfg, a.gateway, log), fetch, log, reg)
		// A new consortium configuration changes who endorses what.
		a.listener.Register("ConfigApplied", func(store.Writer, events.Event) error { resolver.Invalidate(); return nil })
	}
	deps := api.Deps{
		Config: cfg, Ledger: ldg,
		Identities: a.gateway.Identities(), Store: a.store, Logger: log.With("component", "http"), Metrics: reg,
		Ready: a.ready, Endorsement: resolver, Resources: []func(*api.Server){resources.Register, console.Register},
	}
	if cfg.Scheduler != nil { // the payment dates of the configured deals
		a.schedule = newScheduler(cfg, ldg, a.gateway.Identities(), resolver, a.store, log, reg)
		deps.Alerts = alerts.NewHub()
		a.schedule.PublishAlerts(deps.Alerts)
		deps.Resources = append(deps.Resources, a.schedule.Routes)
	}
	if cfg.CA != nil { // onboarding through the bank's CA (POST /v1/identities)
		if a.onboard, err = onboard.Open(cfg, a.gateway); err != nil {
			return err
		}
		deps.Onboarded, deps.Resources = a.onboard, append(deps.Resources, resources.Identities(a.onboard))
	}
	a.api, err = api.New(deps)
	if err != nil {
		return err
	}
	tlsConfig, err := serverTLS(cfg.TLS)
	if err != nil {
		return err
	}
	a.http = &http.Server{
		Handler:           a.api.Handler(),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		// Submits wait for their commit: allow the configured endorse,
		// submit and commit-status timeouts plus a margin.
		WriteTimeout: cfg.Timeouts.Endorse.D() + cfg.Timeouts.Submit.D() + cfg.Timeouts.CommitStatus.D() + 10*time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if a.ln, err = net.Listen("tcp", cfg.Listen); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return nil
}

// newListener is the event listener that feeds db's read model from src:
// the event log and the bank's projections (the app's, and a rebuild's).
func newListener(cfg config.Config, db store.Store, src events.Source, fetch projections.Fetch, log *slog.Logger, reg *metrics.Registry) *events.Listener {
	l := events.New(db, src, events.Options{
		StartBlock: cfg.Events.StartBlock, MaxBackoff: cfg.Events.MaxBackoff.D(), BatchWindow: cfg.Events.Window(),
		Logger: log.With("component", "events"), Metrics: reg,
	})
	l.RegisterAll(projections.EventLog)
	projections.New(cfg.MSPID, fetch, log.With("component", "projections")).Register(l)
	return l
}

// eventSource is the stream the configuration asks for (events.stream).
func eventSource(cfg config.Config, peers events.Channels, log *slog.Logger) events.Source {
	log.Info("event listener", "stream", cfg.Events.Stream, "identity", cfg.Events.Identity)
	if cfg.Events.Stream == config.StreamChaincodeEvents {
		return events.ChaincodeEventSource{Peers: peers, Identity: cfg.Events.Identity, Chaincode: cfg.Chaincode}
	}
	// The projections read only the bank's own registry (its clients'
	// positions and cash) and implicit collection (its settlement terms).
	own := []string{roles.RegistryCollection(cfg.MSPID), roles.ImplicitCollection(cfg.MSPID)}
	return events.BlockSource{Peers: peers, Identity: cfg.Events.Identity, Chaincode: cfg.Chaincode,
		Keep: func(c string) bool { return slices.Contains(own, c) }, Logger: log.With("component", "events")}
}

// ownPeerQuery evaluates chaincode queries as one identity on the bank's
// own peer: the read model's fetches and the consortium configuration.
func ownPeerQuery(l ledger.Ledger, msp, identity string) projections.Fetch {
	return func(ctx context.Context, fn string, args ...string) ([]byte, error) {
		res, err := l.Evaluate(ctx, identity, ledger.Tx{Fn: fn, Args: args, Endorsers: []string{msp}})
		return res.Payload, err
	}
}

// Addr is the address the app listens on (useful with port 0).
func (a *App) Addr() string { return a.ln.Addr().String() }

// Run serves until ctx is done or the server fails, then shuts down:
// HTTP first (in-flight requests finish within timeouts.shutdown), then the
// event listener, then the Fabric connection and the database. It returns
// nil after a requested shutdown.
func (a *App) Run(ctx context.Context) error {
	a.log.Info("gateway-app serving", "addr", a.Addr(), "msp", a.cfg.MSPID, "channel", a.cfg.Channel,
		"chaincode", a.cfg.Chaincode, "peer", a.cfg.Peer.Endpoint, "tls", a.cfg.TLS != nil)
	bg, stopBackground := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if a.listener != nil {
		wg.Go(func() { a.listener.Run(bg) })
	}
	wg.Go(func() { a.sweepLoop(bg) })
	if a.schedule != nil {
		wg.Go(func() { a.schedule.Run(bg) })
	}

	served := make(chan error, 1)
	go func() {
		if a.http.TLSConfig != nil {
			served <- a.http.ServeTLS(a.ln, "", "") // certificates come from TLSConfig
		} else {
			served <- a.http.Serve(a.ln)
		}
	}()

	var serveErr error
	select {
	case <-ctx.Done():
		a.log.Info("shutting down: draining HTTP requests", "timeout", a.cfg.Timeouts.Shutdown.D().String())
	case serveErr = <-served:
		a.log.Error("HTTP server failed", "error", serveErr.Error())
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.Timeouts.Shutdown.D())
	defer cancel()
	if err := a.http.Shutdown(shutdownCtx); err != nil {
		a.log.Warn("HTTP drain incomplete; closing connections", "error", err.Error())
		a.http.Close()
	}
	stopBackground()
	wg.Wait()
	a.closeResources()
	a.log.Info("gateway-app stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

func (a *App) sweepLoop(ctx context.Context) {
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for {
		if n, err := a.api.SweepIdempotency(time.Now()); err != nil {
			a.log.Warn("idempotency sweep failed", "error", err.Error())
		} else if n > 0 {
			a.log.Info("idempotency records expired", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ready answers /readyz: the peer must answer a query on the channel.
func (a *App) ready(ctx context.Context) (api.ReadyReport, error) {
	identity := a.cfg.Events.Identity
	if identity == "" {
		identity = a.cfg.Identities[0].Name
	}
	height, err := a.gateway.Height(ctx, identity)
	if err != nil {
		return api.ReadyReport{}, err
	}
	report := api.ReadyReport{Height: height}
	if a.listener != nil {
		type listenerReport struct {
			events.Status
			Checkpoint store.Checkpoint `json:"checkpoint"`
		}
		cp, _ := a.listener.Checkpoint()
		cp.Applied = nil // the list is bookkeeping, not news
		report.Events = listenerReport{Status: a.listener.Status(), Checkpoint: cp}
	}
	return report, nil
}

func (a *App) closeResources() {
	if a.ln != nil {
		a.ln.Close()
	}
	if a.onboard != nil {
		a.onboard.Close()
		a.onboard = nil
	}
	if a.gateway != nil {
		if err := a.gateway.Close(); err != nil {
			a.log.Warn("closing the Fabric connection", "error", err.Error())
		}
		a.gateway = nil
	}
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Warn("closing the database", "error", err.Error())
		}
		a.store = nil
	}
}

// serverTLS builds the HTTPS configuration: the server certificate and, when
// a client CA is configured, verification of client certificates that are
// offered (bearer-token clients need none).
func serverTLS(c *config.ServerTLS) (*tls.Config, error) {
	if c == nil {
		return nil, nil
	}
	pair, err := tls.LoadX509KeyPair(c.Cert, c.Key)
	if err != nil {
		return nil, fmt.Errorf("tls.cert/tls.key: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	if c.ClientCA != "" {
		pem, err := os.ReadFile(c.ClientCA)
		if err != nil {
			return nil, fmt.Errorf("tls.clientCA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.clientCA: no PEM certificate in %s", c.ClientCA)
		}
		tc.ClientCAs, tc.ClientAuth = pool, tls.VerifyClientCertIfGiven
	}
	return tc, nil
}
