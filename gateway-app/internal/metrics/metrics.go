// Package metrics is a small Prometheus instrumentation library: counters,
// gauges and histograms with labels, exposed in the Prometheus text format
// (version 0.0.4) that every Prometheus server and agent scrapes.
//
// Why not github.com/prometheus/client_golang: it is listed in go.mod, but
// go.sum lacks the checksums of its own dependencies (client_model, common,
// procfs, perks, xxhash), and this module's go.mod/go.sum may not be edited
// from here. The gateway needs only the three metric kinds below, and their
// exposition format is short and stable, so it is written out here; metric
// and label names follow the Prometheus conventions, so swapping in
// client_golang later changes no dashboard.
//
// Output is deterministic: families sorted by name, series by label values.
package metrics

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Registry holds metric families and writes them out.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
}

// family is one named metric with its series.
type family interface {
	name() string
	write(w *strings.Builder)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{families: map[string]family{}} }

func (r *Registry) register(f family) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[f.name()]; dup {
		panic("metrics: " + f.name() + " registered twice")
	}
	r.families[f.name()] = f
}

// WriteText writes every family in the Prometheus text format.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	names := make([]string, 0, len(r.families))
	for n := range r.families {
		names = append(names, n)
	}
	fams := make([]family, 0, len(names))
	sort.Strings(names)
	for _, n := range names {
		fams = append(fams, r.families[n])
	}
	r.mu.Unlock()
	var b strings.Builder
	for _, f := range fams {
		f.write(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ContentType is the media type of WriteText's output.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// vec is the label bookkeeping shared by every metric kind.
type vec[S any] struct {
	mu     sync.Mutex
	fname  string
	help   string
	labels []string
	series map[string]*entry[S]
	newS   func() *S
}

type entry[S any] struct {
	values []string
	s      *S
}

func (v *vec[S]) name() string { return v.fname }

// with returns the series for the label values, creating it on first use.
func (v *vec[S]) with(values []string) *S {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values (%v), got %d", v.fname, len(v.labels), v.labels, len(values)))
	}
	key := strings.Join(values, "\xff")
	v.mu.Lock()
	defer v.mu.Unlock()
	if e, ok := v.series[key]; ok {
		return e.s
	}
	e := &entry[S]{values: slices.Clone(values), s: v.newS()}
	v.series[key] = e
	return e.s
}

// sorted returns the series ordered by label values.
func (v *vec[S]) sorted() []*entry[S] {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]*entry[S], 0, len(v.series))
	for _, e := range v.series {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return slices.Compare(out[i].values, out[j].values) < 0 })
	return out
}

func (v *vec[S]) header(b *strings.Builder, kind string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", v.fname, escapeHelp(v.help), v.fname, kind)
}

func newVec[S any](name, help string, labels []string, newS func() *S) vec[S] {
	if !validName(name) {
		panic("metrics: invalid metric name " + strconv.Quote(name))
	}
	for _, l := range labels {
		if !validName(l) || strings.HasPrefix(l, "__") || l == "le" {
			panic("metrics: invalid label name " + strconv.Quote(l))
		}
	}
	return vec[S]{fname: name, help: help, labels: labels, series: map[string]*entry[S]{}, newS: newS}
}

// labelText renders {a="x",b="y"} (empty for no labels), with extra pairs appended.
func labelText(names, values []string, extra ...string) string {
	if len(names) == 0 && len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(values[i]))
		b.WriteByte('"')
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(extra[i])
		b.WriteString(`="`)
		b.WriteString(escapeLabel(extra[i+1]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
		if !ok {
			return false
		}
	}
	return true
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
