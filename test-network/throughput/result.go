package throughput

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tranchenet/tranchenet/test-network/load"
)

// The workloads, each measured at every client count.
const (
	PlainTransfer = "plain transfer"
	// PrivateTransfer is the plain token's private twin: its two balances
	// in the registry collections where the two tranche positions live.
	PrivateTransfer = "private transfer"
	// PrivateDvP is the twin of a DvP settlement: a swap of two private
	// balances each way across the same two collections, and a public
	// record.
	PrivateDvP        = "private DvP"
	CompliantTransfer = "compliant transfer"
	DvPSettle         = "DvP settle"
	PositionRead      = "position read"
	BalanceRead       = "plain balance read"
)

// The paths an operation takes.
const (
	Direct = "direct" // the Fabric Gateway client, as the bank's identity
	REST   = "REST"   // the bank's gateway app
)

// Measure is one workload at one client count along one path.
type Measure struct {
	Workload string `json:"workload"`
	Path     string `json:"path"`
	// Apps says whether the gateway apps (and their event listeners) ran.
	Apps bool `json:"apps"`
	// Window is the listeners' batch window the apps ran with (apps on).
	Window string `json:"listenerWindow,omitempty"`
	// Round numbers the rounds of (apps off, apps on) phases at a level,
	// from 0.
	Round int `json:"round"`
	load.Report
	// CPUPerOp is each process's CPU per completed operation, in ms.
	CPUPerOp map[string]float64 `json:"cpuMsPerOp"`
	CPUTotal float64            `json:"cpuMsPerOpTotal"`
}

// Result is a whole run.
type Result struct {
	Measures []Measure `json:"measures"`
}

// Find returns the measure taken with the gateway apps stopped, or nil.
func (r Result) Find(workload, path string, clients int) *Measure {
	return r.FindIn(workload, path, false, clients, "")
}

// FindIn returns the first round's measure taken with the given listener
// window, or nil.
func (r Result) FindIn(workload, path string, apps bool, clients int, window string) *Measure {
	return r.FindRound(workload, path, apps, clients, window, 0)
}

// FindRound returns one round's measure, or nil.
func (r Result) FindRound(workload, path string, apps bool, clients int, window string, round int) *Measure {
	for i := range r.Measures {
		m := &r.Measures[i]
		if m.Workload == workload && m.Path == path && m.Apps == apps && m.Clients == clients && m.Window == window && m.Round == round {
			return m
		}
	}
	return nil
}

// Windows are the listener windows the apps ran with, in run order.
func (r Result) Windows() []string {
	var out []string
	for _, m := range r.Measures {
		if m.Apps && !slices.Contains(out, m.Window) {
			out = append(out, m.Window)
		}
	}
	return out
}

// Rounds is how many rounds of (apps off, apps on) each level ran.
func (r Result) Rounds() int {
	n := 0
	for _, m := range r.Measures {
		n = max(n, m.Round+1)
	}
	return n
}

// AppsRatios are a workload's direct-write throughput with the apps on
// over off, one a round (each round's two phases side by side), and
// their median; ok is false when no round has both.
func (r Result) AppsRatios(workload string, clients int, window string) (each []float64, median float64, ok bool) {
	return r.appsRatios(workload, clients, window, func(on, off *Measure) (float64, bool) {
		return on.PerSecond / off.PerSecond, off.PerSecond > 0
	})
}

// AppsCPURatios are, a round each, the CPU an operation took with the apps
// off over with them on (all processes, the apps' included), and their
// median: on a CPU-bound box a second reading of the throughput the apps
// leave, from what each operation costs rather than from a phase's rate.
func (r Result) AppsCPURatios(workload string, clients int, window string) (each []float64, median float64, ok bool) {
	return r.appsRatios(workload, clients, window, func(on, off *Measure) (float64, bool) {
		return off.CPUTotal / on.CPUTotal, on.CPUTotal > 0
	})
}

func (r Result) appsRatios(workload string, clients int, window string, of func(on, off *Measure) (float64, bool)) (each []float64, median float64, ok bool) {
	for round := range r.Rounds() {
		on, off := r.FindRound(workload, Direct, true, clients, window, round), r.FindRound(workload, Direct, false, clients, "", round)
		if on == nil || off == nil || on.Done == 0 || off.Done == 0 {
			continue
		}
		if x, ok := of(on, off); ok {
			each = append(each, x)
		}
	}
	if len(each) == 0 {
		return nil, 0, false
	}
	sorted := slices.Clone(each)
	slices.Sort(sorted)
	if n := len(sorted); n%2 == 1 {
		median = sorted[n/2]
	} else {
		median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return each, median, true
}

// medianCell renders a median and the rounds it came from.
func medianCell(each []float64, median float64, ok bool) string {
	if !ok {
		return "—"
	}
	rounds := make([]string, len(each))
	for i, x := range each {
		rounds[i] = fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("**%.2f** (%s)", median, strings.Join(rounds, ", "))
}

// Levels are the client counts measured, ascending.
func (r Result) Levels() []int {
	seen := map[int]bool{}
	var out []int
	for _, m := range r.Measures {
		if !seen[m.Clients] {
			seen[m.Clients] = true
			out = append(out, m.Clients)
		}
	}
	sort.Ints(out)
	return out
}

// ratio of two measures' throughputs, "—" when either is missing.
func ratio(a, b *Measure) string {
	if a == nil || b == nil || b.PerSecond == 0 || a.Done == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", a.PerSecond/b.PerSecond)
}

func tps(m *Measure) string {
	if m == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f", m.PerSecond)
}

func lat(m *Measure) string {
	if m == nil || m.Done == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f / %.0f", m.P50Millis, m.P99Millis)
}

func cpu(m *Measure) string {
	if m == nil || m.Done == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", m.CPUTotal)
}

// Markdown renders the run as the README's tables: the ratios
// (direct client, gateway apps stopped), the same against the private
// twins (what is left once Fabric's private data is paid for), then what the gateway apps cost
// and what REST adds, then errors by kind.
func (r Result) Markdown() string {
	var b strings.Builder
	b.WriteString("| clients | compliant / plain transfer (TPS) | DvP settle / plain (TPS) | position read / plain balance read | p50 / p99 ms: plain · compliant · DvP | CPU ms per tx: plain · compliant · DvP |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, n := range r.Levels() {
		plain, comp, dvp := r.Find(PlainTransfer, Direct, n), r.Find(CompliantTransfer, Direct, n), r.Find(DvPSettle, Direct, n)
		pos, bal := r.Find(PositionRead, Direct, n), r.Find(BalanceRead, Direct, n)
		fmt.Fprintf(&b, "| %d | %s (%s vs %s) | %s (%s) | %s (%s vs %s/s) | %s · %s · %s | %s · %s · %s |\n", n,
			ratio(comp, plain), tps(comp), tps(plain), ratio(dvp, plain), tps(dvp), ratio(pos, bal), tps(pos), tps(bal),
			lat(plain), lat(comp), lat(dvp), cpu(plain), cpu(comp), cpu(dvp))
	}
	b.WriteString("\n| clients | private transfer / plain (TPS) | compliant / private transfer | private DvP / plain (TPS) | DvP settle / private DvP | p50 / p99 ms: private transfer · private DvP | CPU ms per tx: private transfer · compliant · private DvP · DvP |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, n := range r.Levels() {
		plain, private, swap := r.Find(PlainTransfer, Direct, n), r.Find(PrivateTransfer, Direct, n), r.Find(PrivateDvP, Direct, n)
		comp, dvp := r.Find(CompliantTransfer, Direct, n), r.Find(DvPSettle, Direct, n)
		fmt.Fprintf(&b, "| %d | %s (%s) | %s | %s (%s) | %s | %s · %s | %s · %s · %s · %s |\n", n,
			ratio(private, plain), tps(private), ratio(comp, private), ratio(swap, plain), tps(swap), ratio(dvp, swap),
			lat(private), lat(swap), cpu(private), cpu(comp), cpu(swap), cpu(dvp))
	}
	b.WriteString("\n| clients | listener window | direct writes with apps / without: plain · compliant · DvP | REST / direct (apps running): compliant · DvP · position read | CPU ms per compliant tx, apps off → on (gateway apps' share) |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, n := range r.Levels() {
		for _, window := range r.Windows() {
			var with, rest []string
			for _, w := range []string{PlainTransfer, CompliantTransfer, DvPSettle} {
				with = append(with, ratio(r.FindIn(w, Direct, true, n, window), r.Find(w, Direct, n)))
			}
			for _, w := range []string{CompliantTransfer, DvPSettle, PositionRead} {
				rest = append(rest, ratio(r.FindIn(w, REST, true, n, window), r.FindIn(w, Direct, true, n, window)))
			}
			off, on := r.Find(CompliantTransfer, Direct, n), r.FindIn(CompliantTransfer, Direct, true, n, window)
			share := "—"
			if on != nil && on.Done > 0 {
				g := 0.0
				for name, ms := range on.CPUPerOp {
					if strings.HasPrefix(name, "gateway-") {
						g += ms
					}
				}
				share = fmt.Sprintf("%s → %s (%.1f)", cpu(off), cpu(on), g)
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", n, window, strings.Join(with, " · "), strings.Join(rest, " · "), share)
		}
	}
	if r.Rounds() > 1 {
		b.WriteString("\n| clients | listener window | direct writes with apps / without, median of rounds (each round): plain · compliant · DvP | CPU an op without the apps / with them, median (each round): compliant · DvP |\n")
		b.WriteString("|---|---|---|---|\n")
		for _, n := range r.Levels() {
			for _, window := range r.Windows() {
				var rates, costs []string
				for _, w := range []string{PlainTransfer, CompliantTransfer, DvPSettle} {
					rates = append(rates, medianCell(r.AppsRatios(w, n, window)))
				}
				for _, w := range []string{CompliantTransfer, DvPSettle} {
					costs = append(costs, medianCell(r.AppsCPURatios(w, n, window)))
				}
				fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", n, window, strings.Join(rates, " · "), strings.Join(costs, " · "))
			}
		}
	}
	var errs []string
	for _, m := range r.Measures {
		if m.Errors == 0 {
			continue
		}
		kinds := make([]string, 0, len(m.ErrorKinds))
		for k, c := range m.ErrorKinds {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, c))
		}
		sort.Strings(kinds)
		apps := "apps off"
		if m.Apps {
			apps = "apps on, window " + m.Window
		}
		if r.Rounds() > 1 {
			apps += fmt.Sprintf(", round %d", m.Round+1)
		}
		errs = append(errs, fmt.Sprintf("- %s, %s, %s, %d clients: %d of %d (%s)", m.Workload, m.Path, apps, m.Clients,
			m.Errors, m.Errors+m.Done, strings.Join(kinds, ", ")))
	}
	if len(errs) > 0 {
		b.WriteString("\nErrors by kind:\n" + strings.Join(errs, "\n") + "\n")
	}
	return b.String()
}
