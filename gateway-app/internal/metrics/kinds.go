package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// atomicFloat is a float64 updated without locks.
type atomicFloat struct{ bits atomic.Uint64 }

func (a *atomicFloat) add(d float64) {
	for {
		old := a.bits.Load()
		if a.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}
func (a *atomicFloat) set(v float64) { a.bits.Store(math.Float64bits(v)) }
func (a *atomicFloat) get() float64  { return math.Float64frombits(a.bits.Load()) }

// CounterVec is a family of counters: values that only go up.
type CounterVec struct{ vec[Counter] }

// Counter is one series of a CounterVec.
type Counter struct{ v atomicFloat }

// NewCounterVec registers a counter family; name should end in _total.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{newVec(name, help, labels, func() *Counter { return &Counter{} })}
	r.register(c)
	return c
}

// With returns the counter for the given label values (in label order).
func (c *CounterVec) With(values ...string) *Counter { return c.with(values) }

// Inc adds one.
func (c *Counter) Inc() { c.v.add(1) }

// Add adds d, which must not be negative.
func (c *Counter) Add(d float64) {
	if d < 0 {
		panic("metrics: counter decreased")
	}
	c.v.add(d)
}

// Value returns the current count.
func (c *Counter) Value() float64 { return c.v.get() }

func (c *CounterVec) write(b *strings.Builder) {
	c.header(b, "counter")
	for _, e := range c.sorted() {
		fmt.Fprintf(b, "%s%s %s\n", c.fname, labelText(c.labels, e.values), formatFloat(e.s.Value()))
	}
}

// GaugeVec is a family of gauges: values that go up and down.
type GaugeVec struct{ vec[Gauge] }

// Gauge is one series of a GaugeVec.
type Gauge struct{ v atomicFloat }

// NewGaugeVec registers a gauge family.
func (r *Registry) NewGaugeVec(name, help string, labels ...string) *GaugeVec {
	g := &GaugeVec{newVec(name, help, labels, func() *Gauge { return &Gauge{} })}
	r.register(g)
	return g
}

// With returns the gauge for the given label values (in label order).
func (g *GaugeVec) With(values ...string) *Gauge { return g.with(values) }

// Set sets the gauge.
func (g *Gauge) Set(v float64) { g.v.set(v) }

// Add adds d (which may be negative).
func (g *Gauge) Add(d float64) { g.v.add(d) }

// Value returns the current value.
func (g *Gauge) Value() float64 { return g.v.get() }

func (g *GaugeVec) write(b *strings.Builder) {
	g.header(b, "gauge")
	for _, e := range g.sorted() {
		fmt.Fprintf(b, "%s%s %s\n", g.fname, labelText(g.labels, e.values), formatFloat(e.s.Value()))
	}
}

// HistogramVec is a family of histograms with fixed bucket bounds.
type HistogramVec struct {
	vec[Histogram]
	bounds []float64
}

// Histogram is one series of a HistogramVec.
type Histogram struct {
	mu     sync.Mutex
	bounds []float64
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

// DefaultLatencyBuckets suit request and ledger latencies, in seconds: from
// a fast read (ms) to a slow commit (tens of seconds).
var DefaultLatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// NewHistogramVec registers a histogram family with the given upper bounds
// (ascending); an implicit +Inf bucket is added.
func (r *Registry) NewHistogramVec(name, help string, bounds []float64, labels ...string) *HistogramVec {
	if len(bounds) == 0 || !slices.IsSorted(bounds) {
		panic("metrics: histogram " + name + " needs ascending bounds")
	}
	bounds = slices.Clone(bounds)
	h := &HistogramVec{bounds: bounds}
	h.vec = newVec(name, help, labels, func() *Histogram {
		return &Histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
	})
	r.register(h)
	return h
}

// With returns the histogram for the given label values (in label order).
func (h *HistogramVec) With(values ...string) *Histogram { return h.with(values) }

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	i, _ := slices.BinarySearch(h.bounds, v) // first bound >= v: "le" is inclusive
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.count++
	h.mu.Unlock()
}

// Count returns the number of observations.
func (h *Histogram) Count() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

func (h *HistogramVec) write(b *strings.Builder) {
	h.header(b, "histogram")
	for _, e := range h.sorted() {
		s := e.s
		s.mu.Lock()
		counts, sum, count := slices.Clone(s.counts), s.sum, s.count
		s.mu.Unlock()
		var cum uint64
		for i, bound := range h.bounds {
			cum += counts[i]
			fmt.Fprintf(b, "%s_bucket%s %d\n", h.fname, labelText(h.labels, e.values, "le", formatFloat(bound)), cum)
		}
		fmt.Fprintf(b, "%s_bucket%s %d\n", h.fname, labelText(h.labels, e.values, "le", "+Inf"), count)
		fmt.Fprintf(b, "%s_sum%s %s\n", h.fname, labelText(h.labels, e.values), formatFloat(sum))
		fmt.Fprintf(b, "%s_count%s %d\n", h.fname, labelText(h.labels, e.values), count)
	}
}
