package metrics

import (
	"strings"
	"sync"
	"testing"
)

func TestTextExposition(t *testing.T) {
	r := NewRegistry()
	req := r.NewCounterVec("http_requests_total", "Requests by route.", "route", "status")
	lag := r.NewGaugeVec("events_lag_seconds", "Lag.\nSecond line.")
	lat := r.NewHistogramVec("call_seconds", "Latency.", []float64{0.1, 1}, "fn")

	req.With("/v1/b", "200").Inc()
	req.With("/v1/a", "500").Add(2)
	req.With("/v1/a", "200").Inc()
	req.With(`/v1/"q"`, "200").Inc()
	lag.With().Set(1.5)
	lat.With("Probe:Put").Observe(0.1) // on the bound: counts in le="0.1"
	lat.With("Probe:Put").Observe(0.5)
	lat.With("Probe:Put").Observe(7)

	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP call_seconds Latency.
# TYPE call_seconds histogram
call_seconds_bucket{fn="Probe:Put",le="0.1"} 1
call_seconds_bucket{fn="Probe:Put",le="1"} 2
call_seconds_bucket{fn="Probe:Put",le="+Inf"} 3
call_seconds_sum{fn="Probe:Put"} 7.6
call_seconds_count{fn="Probe:Put"} 3
# HELP events_lag_seconds Lag.\nSecond line.
# TYPE events_lag_seconds gauge
events_lag_seconds 1.5
# HELP http_requests_total Requests by route.
# TYPE http_requests_total counter
http_requests_total{route="/v1/\"q\"",status="200"} 1
http_requests_total{route="/v1/a",status="200"} 1
http_requests_total{route="/v1/a",status="500"} 2
http_requests_total{route="/v1/b",status="200"} 1
`
	if b.String() != want {
		t.Fatalf("exposition:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestConcurrentUpdatesAreCounted(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounterVec("n_total", "n", "k")
	h := r.NewHistogramVec("h_seconds", "h", DefaultLatencyBuckets, "k")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				c.With("x").Inc()
				h.With("x").Observe(0.01)
			}
		}()
	}
	wg.Wait()
	if got := c.With("x").Value(); got != 8000 {
		t.Fatalf("counter = %v, want 8000", got)
	}
	if got := h.With("x").Count(); got != 8000 {
		t.Fatalf("histogram count = %d, want 8000", got)
	}
}

func TestMisuseIsRefused(t *testing.T) {
	cases := map[string]func(){
		"wrong label count": func() { NewRegistry().NewCounterVec("a_total", "a", "x").With() },
		"duplicate family": func() {
			r := NewRegistry()
			r.NewGaugeVec("g", "g")
			r.NewGaugeVec("g", "g")
		},
		"bad metric name":   func() { NewRegistry().NewGaugeVec("1bad", "x") },
		"reserved label":    func() { NewRegistry().NewHistogramVec("h", "h", []float64{1}, "le") },
		"unsorted buckets":  func() { NewRegistry().NewHistogramVec("h", "h", []float64{2, 1}) },
		"counter decreases": func() { NewRegistry().NewCounterVec("c_total", "c").With().Add(-1) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}
