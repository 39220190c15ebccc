package ledger

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
)

// Instrumented wraps a Ledger with a latency histogram and one log line per
// call carrying the transaction ID, so every line about a transaction can be
// found by it. It wraps fakes as well as the real Gateway.
type Instrumented struct {
	Ledger
	log     *slog.Logger
	latency *prometheus.HistogramVec
}

// Instrument wraps l; reg may be nil (no metrics).
func Instrument(l Ledger, log *slog.Logger, reg *metrics.Registry) *Instrumented {
	in := &Instrumented{Ledger: l, log: log}
	if reg != nil {
		in.latency = reg.NewHistogramVec("tranchenet_gateway_ledger_call_duration_seconds",
			"Latency of chaincode calls through the Fabric Gateway, by kind (evaluate, submit), transaction and outcome.",
			metrics.DefaultLatencyBuckets, "kind", "fn", "outcome")
	}
	return in
}

// Evaluate calls the wrapped Evaluate and records it.
func (in *Instrumented) Evaluate(ctx context.Context, identity string, tx Tx) (Result, error) {
	start := time.Now()
	res, err := in.Ledger.Evaluate(ctx, identity, tx)
	in.record(ctx, "evaluate", identity, tx, res, err, time.Since(start))
	return res, err
}

// Submit calls the wrapped Submit and records it.
func (in *Instrumented) Submit(ctx context.Context, identity string, tx Tx) (Result, error) {
	start := time.Now()
	res, err := in.Ledger.Submit(ctx, identity, tx)
	in.record(ctx, "submit", identity, tx, res, err, time.Since(start))
	return res, err
}

func (in *Instrumented) record(ctx context.Context, kind, identity string, tx Tx, res Result, err error, d time.Duration) {
	outcome := "ok"
	txID := res.TxID
	var le *Error
	if errors.As(err, &le) {
		outcome = le.Kind.String()
		if txID == "" {
			txID = le.TxID
		}
	} else if err != nil {
		outcome = "error"
	}
	if in.latency != nil {
		in.latency.WithLabelValues(kind, tx.Fn, outcome).Observe(d.Seconds())
	}
	attrs := []slog.Attr{
		slog.String("fn", tx.Fn), slog.String("identity", identity), slog.String("tx_id", txID),
		slog.String("outcome", outcome), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
	}
	if kind == "submit" && err == nil {
		attrs = append(attrs, slog.Uint64("block", res.Block))
	}
	if n := len(res.Reproposals); n > 0 {
		// Endorsers that disagreed (one peer behind a block) and were
		// asked again: the last reason stands for the others.
		attrs = append(attrs, slog.Int("reproposed", n), slog.String("reproposed_because", res.Reproposals[n-1]))
	}
	level := slog.LevelInfo
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		if le == nil || le.Kind != KindRefused {
			level = slog.LevelWarn // refusals are the chaincode doing its job
		}
	}
	in.log.LogAttrs(ctx, level, "ledger "+kind, attrs...)
}

// ErrNoHeight is Height's answer for a wrapped ledger that cannot report
// its peer's block height.
var ErrNoHeight = errors.New("ledger: this ledger does not report its peer's height")

// Height passes through to the wrapped ledger's Height (the peer's block
// height, for X-Await-Block), when it has one.
func (in *Instrumented) Height(ctx context.Context, identity string) (uint64, error) {
	h, ok := in.Ledger.(interface {
		Height(context.Context, string) (uint64, error)
	})
	if !ok {
		return 0, ErrNoHeight
	}
	return h.Height(ctx, identity)
}

// ErrNoTxStatus is TxStatus's answer for a wrapped ledger that cannot look
// transactions up.
var ErrNoTxStatus = errors.New("ledger: this ledger cannot look transactions up")

// TxStatus passes through to the wrapped ledger's TxStatus.
func (in *Instrumented) TxStatus(ctx context.Context, identity, txID string) (TxOutcome, error) {
	l, ok := in.Ledger.(interface {
		TxStatus(context.Context, string, string) (TxOutcome, error)
	})
	if !ok {
		return TxOutcome{}, ErrNoTxStatus
	}
	return l.TxStatus(ctx, identity, txID)
}
