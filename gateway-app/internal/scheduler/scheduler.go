package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/alerts"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Scheduler runs the payment dates of the configured deals and of those
// registered at run time (UseRegistry).
type Scheduler struct {
	cfg    config.Scheduler
	ledger Ledger
	book   store.ScheduleBook
	// registry holds the deals registered at run time (nil: none).
	registry    store.RegisteredDeals
	clock       Clock
	log         *slog.Logger
	steps       *prometheus.CounterVec
	alertsTotal *prometheus.CounterVec
	// notify carries new alerts to the gateway's live event stream (nil:
	// nowhere).
	notify  *alerts.Hub
	wake    chan struct{}
	passMu  sync.Mutex // one pass at a time
	trustee bool
}

// New returns a scheduler; reg may be nil (no metrics).
func New(cfg config.Scheduler, l Ledger, book store.ScheduleBook, clock Clock, log *slog.Logger, reg *metrics.Registry) *Scheduler {
	s := &Scheduler{cfg: cfg, ledger: l, book: book, clock: clock, log: log, wake: make(chan struct{}, 1), trustee: cfg.Identity != ""}
	if s.cfg.Concurrency < 1 {
		s.cfg.Concurrency = 1
	}
	if reg != nil {
		s.steps = reg.NewCounterVec("tranchenet_scheduler_steps_total", "Scheduler steps submitted, by step and outcome.", "step", "outcome")
		s.alertsTotal = reg.NewCounterVec("tranchenet_scheduler_alerts_total", "Scheduler steps found waiting past their date, by deal and step.", "deal", "step")
	}
	return s
}

// PublishAlerts sends each new alert (a step past its date, or what it
// misses changing) to h, for the gateway's live event stream.
func (s *Scheduler) PublishAlerts(h *alerts.Hub) { s.notify = h }

// Clock is the scheduler's clock.
func (s *Scheduler) Clock() Clock { return s.clock }

// Wake asks for a pass now (after the clock was set).
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run makes a pass every interval, or when woken, until ctx is done.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Interval.D())
	defer t.Stop()
	for {
		s.Pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// Pass looks at every deal once, runs what is due and saves each deal's
// schedule.
func (s *Scheduler) Pass(ctx context.Context) {
	s.passMu.Lock()
	defer s.passMu.Unlock()
	for _, d := range s.deals() {
		if ctx.Err() != nil {
			return
		}
		v := s.runDeal(ctx, d)
		if err := s.saveView(v); err != nil {
			s.log.Error("scheduler: saving the schedule", "deal", d.Deal, "error", err.Error())
		}
	}
}

// View returns the deal's schedule as the last pass left it; found is
// false for a deal the scheduler does not run.
func (s *Scheduler) View(deal string) (Schedule, bool, error) {
	if !s.runs(deal) {
		return Schedule{}, false, nil
	}
	var v Schedule
	found, err := s.book.Get(viewKey(deal), &v)
	if err == nil && !found {
		v = Schedule{Deal: deal, Mode: s.mode(), Now: s.clock.Now(), Ran: []Ran{}, Next: []Next{}, Alerts: []Alert{}}
	}
	return v, true, err
}

func (s *Scheduler) mode() string {
	if s.trustee {
		return "trustee"
	}
	return "claims"
}

// pass is one deal's pass in progress.
type pass struct {
	s    *Scheduler
	d    config.ScheduledDeal
	now  time.Time
	v    *Schedule
	prev Schedule
}

func (s *Scheduler) runDeal(ctx context.Context, d config.ScheduledDeal) Schedule {
	prev, _, _ := s.View(d.Deal)
	v := Schedule{Deal: d.Deal, Mode: s.mode(), Now: s.clock.Now(), Ran: prev.Ran, Next: []Next{}, Alerts: []Alert{}}
	if v.Ran == nil {
		v.Ran = []Ran{}
	}
	if o, ok := s.clock.(interface{ Overridden() bool }); ok {
		v.ClockOverridden = o.Overridden()
	}
	p := &pass{s: s, d: d, now: v.Now, v: &v, prev: prev}
	if err := p.run(ctx); err != nil {
		v.Error = err.Error()
		s.log.Warn("scheduler: pass failed", "deal", d.Deal, "error", err.Error())
	}
	return v
}

func (p *pass) run(ctx context.Context) error {
	l := p.s.ledger
	st, err := l.Status(ctx, p.d.Deal)
	if err != nil {
		return fmt.Errorf("servicing status: %w", err)
	}
	p.v.Certified = st.Period
	wf, err := l.Waterfall(ctx, p.d.Deal)
	if err != nil {
		return fmt.Errorf("waterfall: %w", err)
	}
	def, err := waterfall.ParseDefinition(wf.Definition)
	if err != nil {
		return fmt.Errorf("waterfall definition: %w", err)
	}
	if st.Period > 0 {
		if err := p.payPeriod(ctx, st.Period); err != nil {
			return err
		}
	}
	if p.s.trustee {
		return p.certifyNext(ctx, st, wf, &def)
	}
	return nil
}

// at is midnight UTC of a date.
func at(d daycount.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// certifyNext certifies the next period on its determination date when
// everything it needs is in, or says what it waits for.
func (p *pass) certifyNext(ctx context.Context, st schema.DealServicing, wf schema.Waterfall, def *waterfall.Definition) error {
	l, period := p.s.ledger, st.Period+1
	key := StepKey(p.d.Deal, period, "certify")
	rep, found, err := l.Report(ctx, p.d.Deal, period)
	if err != nil {
		return fmt.Errorf("report of period %d: %w", period, err)
	}
	if !found {
		next := Next{Period: period, Step: "certify", Waiting: []string{fmt.Sprintf("the servicer's report for period %d is not submitted", period)}}
		if due, ok := p.estimatedDetermination(ctx, st.Period); ok {
			next.Due = due
		}
		p.wait(next)
		return nil
	}
	pay, err := distribution.ScheduledPaymentDate(def, period, rep.Header.Aggregates.Period.Ending, wf.PaymentDay)
	if err != nil {
		return fmt.Errorf("payment date of period %d: %w", period, err)
	}
	due := at(pay).AddDate(0, 0, -p.d.DeterminationDays)
	var waiting []string
	switch {
	case rep.Status != schema.ReportComplete:
		waiting = append(waiting, fmt.Sprintf("report attempt %d is %s: %d of %d chunks in", rep.Attempt, rep.Status, rep.ChunksReceived, rep.Header.Chunks))
	case !reflect.DeepEqual(rep.FromRows, rep.Header.Aggregates):
		waiting = append(waiting, fmt.Sprintf("report attempt %d: the rows' totals do not reconcile to the declared control totals", rep.Attempt))
	}
	missing, err := p.missingFixings(ctx, period, wf, def)
	if err != nil {
		return err
	}
	waiting = append(waiting, missing...)
	next := Next{Period: period, Step: "certify", Due: due, Waiting: waiting}
	if p.now.Before(due) || len(waiting) > 0 {
		p.wait(next)
		return nil
	}
	if err := p.s.book.Put(key, StepRecord{Key: key, State: Pending, At: p.now}); err != nil {
		return err
	}
	tx, err := l.Certify(ctx, p.d.Deal, period)
	if err != nil {
		p.count("certify", "refused")
		next.Waiting = []string{"certification refused: " + err.Error()}
		p.wait(next)
		return nil
	}
	p.count("certify", "done")
	if err := p.s.book.Put(key, StepRecord{Key: key, State: Done, TxID: tx, At: p.now}); err != nil {
		return err
	}
	p.ran(Ran{Period: period, Step: "certify", At: p.now, Count: 1, Detail: "tx " + tx})
	p.v.Certified = period
	// The payment date may be today: pay in the same pass.
	return p.payPeriod(ctx, period)
}

// estimatedDetermination is the next period's determination date before
// its report is in: a month after the last certified period's payment
// date, less the determination days.
func (p *pass) estimatedDetermination(ctx context.Context, certified int) (time.Time, bool) {
	if certified == 0 {
		return time.Time{}, false
	}
	cert, err := p.s.ledger.Certification(ctx, p.d.Deal, certified)
	if err != nil {
		return time.Time{}, false
	}
	return at(cert.Inputs.PaymentDate).AddDate(0, 1, -p.d.DeterminationDays), true
}

// missingFixings lists the fixings the period's certification needs that
// do not resolve: an index fixed from sources whose rule is not met, or an
// index a floating coupon names that the trustee posts alone and has not
// posted.
func (p *pass) missingFixings(ctx context.Context, period int, wf schema.Waterfall, def *waterfall.Definition) ([]string, error) {
	var indexes []string
	for _, c := range def.Classes {
		if c.Coupon != nil && c.Coupon.Index != "" && !slices.Contains(indexes, c.Coupon.Index) {
			indexes = append(indexes, c.Coupon.Index)
		}
	}
	// The chaincode resolves every index the terms give a rule, whether or
	// not a class's coupon names it: certification waits for each.
	for _, r := range wf.Fixings {
		if !slices.Contains(indexes, r.Index) {
			indexes = append(indexes, r.Index)
		}
	}
	if len(indexes) == 0 {
		return nil, nil
	}
	posted, err := p.s.ledger.Fixings(ctx, p.d.Deal, period)
	if err != nil {
		return nil, fmt.Errorf("fixings of period %d: %w", period, err)
	}
	var out []string
	for _, index := range indexes {
		if _, ruled := fixing.FindRule(wf.Fixings, index); ruled {
			fs, err := p.s.ledger.FixingStatus(ctx, p.d.Deal, period, index)
			if err != nil {
				return nil, fmt.Errorf("fixing %s of period %d: %w", index, period, err)
			}
			if fs.Resolution == nil || !fs.Resolution.Met {
				out = append(out, "fixing "+index+": "+fs.Waiting)
			}
			continue
		}
		if !slices.ContainsFunc(posted, func(f schema.Fixing) bool { return f.Index == index }) {
			out = append(out, fmt.Sprintf("fixing %s: the trustee has not posted it for period %d", index, period))
		}
	}
	return out, nil
}

// wait records a step still to run, and an alert when its date passed.
func (p *pass) wait(n Next) {
	p.v.Next = append(p.v.Next, n)
	if n.Due.IsZero() || p.now.Before(n.Due) {
		return
	}
	a := Alert{Period: n.Period, Step: n.Step, Due: n.Due, Missing: n.Waiting}
	if a.Missing == nil {
		a.Missing = []string{}
	}
	p.v.Alerts = append(p.v.Alerts, a)
	if p.s.alertsTotal != nil {
		p.s.alertsTotal.WithLabelValues(p.d.Deal, n.Step).Inc()
	}
	// Log and publish once per change, not on every pass.
	if !slices.ContainsFunc(p.prev.Alerts, func(b Alert) bool { return reflect.DeepEqual(a, b) }) {
		p.s.log.Warn("scheduler: step waits past its date", "deal", p.d.Deal, "period", n.Period, "step", n.Step,
			"due", n.Due.Format(time.DateOnly), "missing", n.Waiting)
		p.s.notify.Publish(alerts.Alert{Source: "scheduler", Deal: p.d.Deal, Period: a.Period, Step: a.Step, Due: a.Due,
			Missing: a.Missing, Raised: p.now})
	}
}

func (p *pass) ran(r Ran) {
	p.v.Ran = append(p.v.Ran, r)
	if len(p.v.Ran) > maxRan {
		p.v.Ran = p.v.Ran[len(p.v.Ran)-maxRan:]
	}
	p.s.log.Info("scheduler: step done", "deal", p.d.Deal, "period", r.Period, "step", r.Step, "count", r.Count, "amount", r.Amount.String())
}

func (p *pass) count(step, outcome string) {
	if p.s.steps != nil {
		p.s.steps.WithLabelValues(step, outcome).Inc()
	}
}

func (s *Scheduler) saveView(v Schedule) error { return s.book.Put(viewKey(v.Deal), v) }
