// Package metrics is the gateway app's Prometheus registry: the counters,
// gauges and histograms the app exports on /metrics, built on
// github.com/prometheus/client_golang (the project adds a well-kept
// library before writing what it already does).
//
// The registry is the app's own, not the client library's global default,
// so tests and several apps in one process never share series. It also
// carries the Go runtime and process collectors that every Prometheus
// exporter offers.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds the app's metric families.
type Registry struct {
	*prometheus.Registry
}

// NewRegistry returns a registry with the Go runtime and process
// collectors registered.
func NewRegistry() *Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Registry{Registry: r}
}

// Handler serves the registry in the exposition format the scraper asks
// for (the text format by default).
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.Registry, promhttp.HandlerOpts{Registry: r.Registry})
}

// DefaultLatencyBuckets suit request and ledger latencies, in seconds: from
// a fast read (ms) to a slow commit (tens of seconds).
var DefaultLatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// NewCounterVec registers a counter family with labels; name should end
// in _total. Registering a name twice panics: it is a programming error.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	r.MustRegister(c)
	return c
}

// NewCounter registers a counter without labels.
func (r *Registry) NewCounter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	r.MustRegister(c)
	return c
}

// NewGauge registers a gauge without labels.
func (r *Registry) NewGauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	r.MustRegister(g)
	return g
}

// NewHistogramVec registers a histogram family with the given upper bounds.
func (r *Registry) NewHistogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	r.MustRegister(h)
	return h
}
