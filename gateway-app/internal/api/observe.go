package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tranchenet/tranchenet/gateway-app/internal/logctx"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
)

// requestInfo is what the layers of one request learn about it, gathered
// for the access log line and the metrics. Only the request's goroutine
// touches it.
type requestInfo struct {
	requestID string
	route     string // the matched ServeMux pattern, or "unmatched"
	user      string
	txID      string
	// transient: the answer is a retryable failure after which nothing was
	// committed (see Problem.transient).
	transient bool
	// replayed: the answer came from the idempotency store.
	replayed bool
	// submitted: the request sent a transaction to the ledger (whatever
	// became of it).
	submitted bool
	// onTxID records each transaction the request proposes (the
	// idempotency layer sets it for a write with a key).
	onTxID func(txID string)
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	i, _ := ctx.Value(infoKey{}).(*requestInfo)
	return i
}

// begin assigns the request ID (the caller's X-Request-Id when it is sane,
// otherwise a fresh one), echoes it, and puts it in the log context.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) (*http.Request, *requestInfo) {
	id := r.Header.Get(HeaderRequestID)
	if !saneRequestID(id) {
		var b [12]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	w.Header().Set(HeaderRequestID, id)
	info := &requestInfo{requestID: id, route: "unmatched"}
	ctx := context.WithValue(r.Context(), infoKey{}, info)
	ctx = logctx.With(ctx, slog.String("request_id", id))
	return r.WithContext(ctx), info
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// finish writes the access log line and the request metrics.
func (s *Server) finish(r *http.Request, info *requestInfo, status int, d time.Duration) {
	s.m.requests.WithLabelValues(info.route, r.Method, strconv.Itoa(status)).Inc()
	s.m.latency.WithLabelValues(info.route, r.Method).Observe(d.Seconds())
	attrs := []slog.Attr{
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", info.route),
		slog.Int("status", status), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
	}
	if info.user != "" {
		attrs = append(attrs, slog.String("user", info.user))
	}
	if info.txID != "" {
		attrs = append(attrs, slog.String("tx_id", info.txID))
	}
	if info.replayed {
		attrs = append(attrs, slog.Bool("idempotent_replay", true))
	}
	level := slog.LevelInfo
	if info.route == "/healthz" || info.route == "/readyz" || info.route == "/metrics" {
		level = slog.LevelDebug // probes and scrapes would drown the log
	}
	s.log.LogAttrs(r.Context(), level, "http request", attrs...)
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(r *metrics.Registry) *httpMetrics {
	return &httpMetrics{
		requests: r.NewCounterVec("tranchenet_gateway_http_requests_total", "HTTP requests by route pattern, method and status.", "route", "method", "status"),
		latency: r.NewHistogramVec("tranchenet_gateway_http_request_duration_seconds", "HTTP request latency by route pattern and method.",
			metrics.DefaultLatencyBuckets, "route", "method"),
	}
}
