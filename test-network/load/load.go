// Package load measures a running network: N concurrent clients each submit
// one kind of operation as fast as they can, for a bounded count and time,
// and the run reports throughput and latency percentiles as JSON. Figures are
// meant to be compared as ratios between operations measured in the same run
// (these machines drift by about ±15 %).
//
// It imports only the standard library (operations are functions the
// caller supplies); no product package imports it.
package load

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Op performs one operation for client c (0..Clients-1), iteration i.
type Op func(ctx context.Context, c, i int) error

// Config bounds a run: it stops after Total operations or Duration,
// whichever comes first.
type Config struct {
	Name     string
	Clients  int
	Total    int
	Duration time.Duration
	// PerClient, when set, gives each client exactly that many operations
	// (i runs c×PerClient … c×PerClient+PerClient-1) and Total is ignored:
	// for workloads whose inputs are prepared per client, such as trades
	// instructed for one client's pair, which a shared count would let a
	// fast client run out of.
	PerClient int
	// Classify names an error's kind (MVCC_READ_CONFLICT, a rule code,
	// timeout…) for Report.ErrorKinds; nil counts errors without kinds.
	Classify func(error) string
}

// Report is one run's result.
type Report struct {
	Name       string `json:"name"`
	Clients    int    `json:"clients"`
	Done       int    `json:"done"`
	Errors     int    `json:"errors"`
	FirstError string `json:"firstError,omitempty"`
	// ErrorKinds counts errors by Config.Classify's kind.
	ErrorKinds map[string]int `json:"errorKinds,omitempty"`
	Seconds    float64        `json:"seconds"`
	PerSecond  float64        `json:"perSecond"`
	P50Millis  float64        `json:"p50Ms"`
	P90Millis  float64        `json:"p90Ms"`
	P99Millis  float64        `json:"p99Ms"`
	MaxMillis  float64        `json:"maxMs"`
}

// Run drives op with cfg.Clients goroutines.
func Run(ctx context.Context, cfg Config, op Op) Report {
	if cfg.Clients < 1 {
		cfg.Clients = 1
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		lat      []time.Duration
		errCount int
		kinds    map[string]int
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for c := 0; c < cfg.Clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for mine := 0; ctx.Err() == nil; mine++ {
				i, ok := cfg.index(c, mine, &next)
				if !ok {
					return
				}
				t0 := time.Now()
				err := op(ctx, c, i)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil {
						errCount++
						if cfg.Classify != nil {
							if kinds == nil {
								kinds = map[string]int{}
							}
							kinds[cfg.Classify(err)]++
						}
						if firstErr == "" {
							firstErr = err.Error()
						}
					}
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	r := Report{Name: cfg.Name, Clients: cfg.Clients, Done: len(lat), Errors: errCount, FirstError: firstErr, ErrorKinds: kinds,
		Seconds: round(elapsed.Seconds(), 3)}
	if elapsed > 0 {
		r.PerSecond = round(float64(len(lat))/elapsed.Seconds(), 1)
	}
	if len(lat) > 0 {
		r.P50Millis = ms(percentile(lat, 50))
		r.P90Millis = ms(percentile(lat, 90))
		r.P99Millis = ms(percentile(lat, 99))
		r.MaxMillis = ms(lat[len(lat)-1])
	}
	return r
}

// percentile of sorted durations, nearest-rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

func ms(d time.Duration) float64 { return round(float64(d.Microseconds())/1000, 2) }

func round(x float64, places int) float64 {
	p := 1.0
	for i := 0; i < places; i++ {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// String is a one-line summary for logs.
func (r Report) String() string {
	s := fmt.Sprintf("%s: %d ok, %d errors, %.1f/s with %d clients, p50 %.1f ms, p99 %.1f ms",
		r.Name, r.Done, r.Errors, r.PerSecond, r.Clients, r.P50Millis, r.P99Millis)
	if r.FirstError != "" {
		s += "; first error: " + r.FirstError
	}
	return s
}

// index is the operation client c runs as its mine-th: its own in a
// PerClient run, the next of the shared count otherwise; false when none
// is left.
func (cfg Config) index(c, mine int, next *atomic.Int64) (int, bool) {
	if cfg.PerClient > 0 {
		return c*cfg.PerClient + mine, mine < cfg.PerClient
	}
	i := int(next.Add(1)) - 1
	return i, i < cfg.Total
}
