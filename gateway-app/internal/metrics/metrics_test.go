package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestHandlerServesTheRegisteredFamiliesInTextFormat(t *testing.T) {
	r := NewRegistry()
	req := r.NewCounterVec("http_requests_total", "Requests by route.", "route", "status")
	lag := r.NewGauge("events_lag_seconds", "Lag.")
	lat := r.NewHistogramVec("call_seconds", "Latency.", []float64{0.1, 1}, "fn")
	replays := r.NewCounter("replays_total", "Replays.")

	req.WithLabelValues("/v1/b", "200").Inc()
	req.WithLabelValues("/v1/a", "500").Add(2)
	lag.Set(1.5)
	lat.WithLabelValues("Probe:Put").Observe(0.1) // on the bound: counts in le="0.1"
	lat.WithLabelValues("Probe:Put").Observe(0.5)
	lat.WithLabelValues("Probe:Put").Observe(7)
	replays.Inc()

	w := httptest.NewRecorder()
	r.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Result().Body)
	if ct := w.Result().Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type %q", ct)
	}
	for _, want := range []string{
		`call_seconds_bucket{fn="Probe:Put",le="0.1"} 1`,
		`call_seconds_bucket{fn="Probe:Put",le="1"} 2`,
		`call_seconds_bucket{fn="Probe:Put",le="+Inf"} 3`,
		`call_seconds_sum{fn="Probe:Put"} 7.6`,
		"events_lag_seconds 1.5",
		`http_requests_total{route="/v1/a",status="500"} 2`,
		`http_requests_total{route="/v1/b",status="200"} 1`,
		"replays_total 1",
		"go_goroutines ", // the runtime collector
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("exposition lacks %q:\n%s", want, body)
		}
	}
	if got := testutil.ToFloat64(req.WithLabelValues("/v1/a", "500")); got != 2 {
		t.Fatalf("counter = %v, want 2", got)
	}
}

func TestRegisteringANameTwicePanics(t *testing.T) {
	r := NewRegistry()
	r.NewGauge("g", "g")
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	r.NewGauge("g", "g")
}
