package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Source opens a stream of chaincode events.
type Source interface {
	// Events streams the chaincode's events from cp: those of block cp.Block
	// after transaction cp.TxID (all of cp.Block if cp.TxID is ""), then
	// every later block, in order. The channel closes when the stream ends
	// for any reason, or when ctx is done.
	Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error)
}

// Projection applies one event to the read model inside the listener's
// transaction (w), whose checkpoint write commits with it. An error rolls back the whole transaction (projections and
// checkpoint) and the listener retries the event after a backoff, so a
// projection must be deterministic: never half-apply, never depend on
// anything but the event and the database.
type Projection func(w store.Writer, ev Event) error

// Enricher fetches, before an event's transaction opens, what projections
// need and the event does not carry: chaincode events are public, so they
// never hold private amounts, and a projection of this bank's own clients'
// holdings asks the ledger for them. The facts it returns reach every
// projection as Event.Facts. An error leaves the event unapplied and the
// checkpoint where it was; the listener reconnects after a backoff and
// tries the event again, so nothing is applied without its facts.
//
// The enricher runs outside the database's write transaction: a ledger
// call must not hold the single writer's lock, which the API's idempotency
// records need too.
type Enricher func(ctx context.Context, ev Event) (facts any, err error)

// BatchEnricher is an Enricher for the events of a batch at once (those
// the stream had ready together: a block's, under load several blocks'),
// so that it can read every fact they need in a few ledger calls instead
// of one per event. It sets each event's Facts; an error leaves the whole
// batch unapplied, as Enricher's does.
type BatchEnricher func(ctx context.Context, evs []Event) error

// maxBatch bounds the raw events applied in one store transaction.
const maxBatch = 256

// Options configure a Listener.
type Options struct {
	// StartBlock is where to start when there is no checkpoint yet.
	StartBlock uint64
	// MinBackoff and MaxBackoff bound the reconnect delay, which doubles
	// after each failed attempt and resets once events flow. Defaults 250ms, 30s.
	MinBackoff, MaxBackoff time.Duration
	Logger                 *slog.Logger
	// Metrics registers the listener's metrics when not nil.
	Metrics *metrics.Registry
	// Now is the clock used for lag; default time.Now.
	Now func() time.Time
	// BatchWindow is how long the listener keeps gathering events after
	// the first of a batch before it applies them: under load one batch
	// (one round of ledger reads for the bank's clients, one store
	// transaction) then covers several blocks, at the cost of the read
	// model trailing the ledger by up to the window. 0 applies what the
	// stream has ready at once.
	BatchWindow time.Duration
}

// Listener feeds chaincode events to projections, exactly once.
type Listener struct {
	db     store.Store
	src    Source
	opts   Options
	log    *slog.Logger
	byEvt  map[string][]Projection
	all    []Projection
	enrich Enricher
	batch  BatchEnricher
	m      *listenerMetrics

	mu     sync.Mutex
	status Status
}

// Status is what the listener is doing, for readiness answers.
type Status struct {
	Connected bool      `json:"connected"`
	LastError string    `json:"lastError,omitempty"`
	LastEvent time.Time `json:"lastEvent,omitzero"`
}

// New returns a listener that keeps its checkpoint in db and reads src.
func New(db store.Store, src Source, opts Options) *Listener {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 250 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(30*time.Second, opts.MinBackoff)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	l := &Listener{db: db, src: src, opts: opts, log: opts.Logger, byEvt: map[string][]Projection{}}
	if opts.Metrics != nil {
		l.m = newListenerMetrics(opts.Metrics)
	}
	return l
}

// Register adds a projection for events of one type (Event.Name). Register
// every projection before Run.
func (l *Listener) Register(eventName string, p Projection) {
	l.byEvt[eventName] = append(l.byEvt[eventName], p)
}

// RegisterAll adds a projection that sees every event (such as the event log).
func (l *Listener) RegisterAll(p Projection) { l.all = append(l.all, p) }

// SetEnricher sets the function that fetches each event's facts before it
// is applied (see Enricher). Set it before Run.
func (l *Listener) SetEnricher(e Enricher) { l.enrich = e }

// SetBatchEnricher sets the function that fetches a batch's facts; it
// replaces an Enricher. Set it before Run.
func (l *Listener) SetBatchEnricher(e BatchEnricher) { l.batch = e }

// Checkpoint returns the stored checkpoint, or the start position.
func (l *Listener) Checkpoint() (store.Checkpoint, error) {
	var cp store.Checkpoint
	err := l.db.View(func(r store.Reader) error {
		var err error
		cp, err = l.checkpointIn(r)
		return err
	})
	return cp, err
}

// Status returns the listener's current state.
func (l *Listener) Status() Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

// errStreamClosed reports a stream that ended without an error of its own:
// the Fabric client closes the channel silently on any stream error.
var errStreamClosed = errors.New("event stream closed")

// Run reads events until ctx is done, reconnecting from the checkpoint with
// exponential backoff whenever the stream fails, closes or an event cannot
// be applied. It returns nil when ctx is done.
func (l *Listener) Run(ctx context.Context) error {
	defer l.setStatus(false, nil)
	backoff := l.opts.MinBackoff
	for {
		progressed, err := l.stream(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if progressed {
			backoff = l.opts.MinBackoff
		}
		l.setStatus(false, err)
		wait := jitter(backoff)
		l.log.Warn("chaincode event stream interrupted; reconnecting from checkpoint",
			"error", err.Error(), "retry_in_ms", wait.Milliseconds())
		if l.m != nil {
			l.m.reconnects.Inc()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		backoff = min(2*backoff, l.opts.MaxBackoff)
	}
}

// stream runs one connection: open from the checkpoint, apply events until
// the stream ends or an event fails. progressed reports that at least one
// event was applied.
func (l *Listener) stream(ctx context.Context) (progressed bool, err error) {
	cp, err := l.Checkpoint()
	if err != nil {
		return false, err
	}
	sctx, cancel := context.WithCancel(ctx)
	ch, err := l.src.Events(sctx, cp)
	if err != nil {
		cancel()
		return false, fmt.Errorf("open event stream at block %d: %w", cp.Block, err)
	}
	defer func() {
		cancel()
		// Drain so the producer, which may be blocked sending, can see the
		// cancellation and exit.
		go func() {
			for range ch {
			}
		}()
	}()
	l.log.Info("chaincode event stream open", "from_block", cp.Block, "after_tx", cp.TxID)
	l.setStatus(true, nil)
	for {
		select {
		case <-ctx.Done():
			return progressed, ctx.Err()
		case raw, ok := <-ch:
			if !ok {
				return progressed, errStreamClosed
			}
			// Apply a batch together: one round of ledger reads, one
			// store transaction.
			batch, open := l.gather(ctx, raw, ch)
			if err := l.apply(sctx, batch); err != nil {
				if l.m != nil {
					l.m.applyErrors.Inc()
				}
				return progressed, err
			}
			progressed = true
			if !open {
				return progressed, errStreamClosed
			}
		}
	}
}

// gather takes first, then, with a BatchWindow, the events arriving
// until the window closes, then every event the stream already has (the
// rest of the block, under load more blocks), up to maxBatch. open is
// false once the stream has ended.
func (l *Listener) gather(ctx context.Context, first RawEvent, ch <-chan RawEvent) (batch []RawEvent, open bool) {
	batch = []RawEvent{first}
	if l.opts.BatchWindow > 0 {
		window := time.NewTimer(l.opts.BatchWindow)
		defer window.Stop()
	wait:
		for len(batch) < maxBatch {
			select {
			case more, ok := <-ch:
				if !ok {
					return batch, false
				}
				batch = append(batch, more)
			case <-window.C:
				break wait
			case <-ctx.Done():
				return batch, true
			}
		}
	}
	for len(batch) < maxBatch {
		select {
		case more, ok := <-ch:
			if !ok {
				return batch, false
			}
			batch = append(batch, more)
		default:
			return batch, true
		}
	}
	return batch, true
}

// apply runs the projections for a batch of chaincode events and advances
// the checkpoint past the last, in one transaction. Events at or before
// the checkpoint are skipped. The enricher, if any, runs first, outside
// the transaction.
func (l *Listener) apply(ctx context.Context, raws []RawEvent) error {
	var (
		next    store.Checkpoint
		evs     []Event
		applied []RawEvent
		// after[i] is the checkpoint after applied[i], ends[i] the end of
		// its events in evs.
		after []store.Checkpoint
		ends  []int
		// stop ends the batch at an event that cannot be unpacked (or whose facts
		// could not be fetched):
		// the events before it are applied, the checkpoint stays before it.
		stop error
	)
	err := l.db.View(func(r store.Reader) error {
		cp, err := l.checkpointIn(r)
		if err != nil {
			return err
		}
		for _, raw := range raws {
			if seen(cp, raw.Block, raw.TxID) {
				continue
			}
			nextCP, txSeq := advance(cp, raw.Block, raw.TxID)
			unpacked, err := Unpack(raw, txSeq)
			if err != nil {
				stop = err
				break
			}
			cp = nextCP
			evs = append(evs, unpacked...)
			applied, after, ends = append(applied, raw), append(after, cp), append(ends, len(evs))
		}
		next = cp
		return nil
	})
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		return stop
	}
	if fetched, err := l.fetchFacts(ctx, evs); err != nil {
		// Apply the transactions whose facts were all fetched; the rest
		// wait for the retry.
		n := 0
		for n < len(ends) && ends[n] <= fetched {
			n++
		}
		if n == 0 {
			return err
		}
		applied, evs, next, stop = applied[:n], evs[:ends[n-1]], after[n-1], err
	}
	err = l.db.Update(func(w store.Writer) error {
		// The listener is the checkpoint's only writer: it cannot have
		// moved since the view above.
		for _, ev := range evs {
			for _, p := range l.all {
				if err := p(w, ev); err != nil {
					return fmt.Errorf("block %d tx %s event %s: %w", ev.Block, ev.TxID, ev.Name, err)
				}
			}
			for _, p := range l.byEvt[ev.Name] {
				if err := p(w, ev); err != nil {
					return fmt.Errorf("block %d tx %s event %s: %w", ev.Block, ev.TxID, ev.Name, err)
				}
			}
		}
		return w.SetCheckpoint(next)
	})
	if err != nil {
		return err
	}
	l.observe(applied, evs)
	return stop
}

// fetchFacts runs the batch enricher, or the enricher on each event in
// order, and says how many events have their facts (all, or those before
// the first failure).
func (l *Listener) fetchFacts(ctx context.Context, evs []Event) (int, error) {
	if l.batch != nil {
		if err := l.batch(ctx, evs); err != nil {
			first := evs[0]
			return 0, fmt.Errorf("events from block %d tx %s: fetch their facts: %w", first.Block, first.TxID, err)
		}
		return len(evs), nil
	}
	if l.enrich == nil {
		return len(evs), nil
	}
	for i := range evs {
		facts, err := l.enrich(ctx, evs[i])
		if err != nil {
			return i, fmt.Errorf("block %d tx %s event %s: fetch its facts: %w", evs[i].Block, evs[i].TxID, evs[i].Name, err)
		}
		evs[i].Facts = facts
	}
	return len(evs), nil
}

// checkpointIn reads the checkpoint, or the start position before the first event.
func (l *Listener) checkpointIn(r store.Reader) (store.Checkpoint, error) {
	cp, found, err := r.Checkpoint()
	if err != nil {
		return store.Checkpoint{}, err
	}
	if !found {
		cp = store.Checkpoint{Block: l.opts.StartBlock}
	}
	return cp, nil
}

func (l *Listener) observe(raws []RawEvent, evs []Event) {
	now := l.opts.Now()
	l.mu.Lock()
	l.status.LastEvent = now
	l.mu.Unlock()
	last := raws[len(raws)-1]
	l.log.Debug("chaincode events applied", "block", last.Block, "tx_id", last.TxID, "transactions", len(raws), "events", len(evs))
	if l.m == nil {
		return
	}
	l.m.block.Set(float64(last.Block))
	for _, ev := range evs {
		l.m.applied.WithLabelValues(ev.Name).Inc()
		if !ev.Time.IsZero() {
			l.m.lag.Set(now.Sub(ev.Time).Seconds())
		}
	}
}

func (l *Listener) setStatus(connected bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.status.Connected = connected
	if err != nil {
		l.status.LastError = err.Error()
	}
	if l.m != nil {
		up := 0.0
		if connected {
			up = 1
		}
		l.m.up.Set(up)
	}
}

// jitter spreads reconnects of many gateways over ±20 % of the delay.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

type listenerMetrics struct {
	applied                 *prometheus.CounterVec
	reconnects, applyErrors prometheus.Counter
	block, lag, up          prometheus.Gauge
}

func newListenerMetrics(r *metrics.Registry) *listenerMetrics {
	return &listenerMetrics{
		applied:     r.NewCounterVec("tranchenet_gateway_events_applied_total", "Chaincode events applied to the read model, by event type.", "event"),
		reconnects:  r.NewCounter("tranchenet_gateway_events_reconnects_total", "Times the chaincode event stream was reopened from the checkpoint."),
		applyErrors: r.NewCounter("tranchenet_gateway_events_apply_errors_total", "Events whose projection failed (the listener retries them)."),
		block:       r.NewGauge("tranchenet_gateway_events_checkpoint_block", "Block number of the last applied chaincode event."),
		lag:         r.NewGauge("tranchenet_gateway_events_lag_seconds", "Time between the last applied event's transaction timestamp and its application."),
		up:          r.NewGauge("tranchenet_gateway_events_stream_up", "1 while the chaincode event stream is connected."),
	}
}
