package scheduler

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// oneDealLedger is the fake channel with one deal (AUTO-1) and the
// gateway's identities named: Status of another deal is NOT_FOUND, as
// the chaincode answers, and HolderKey knows only ids.
type oneDealLedger struct {
	*fakeLedger
	ids []string
}

func (l oneDealLedger) Status(ctx context.Context, deal string) (schema.DealServicing, error) {
	if deal != l.deal {
		return schema.DealServicing{}, errs.New(errs.NotFound, "deal %s not found", deal)
	}
	return l.fakeLedger.Status(ctx, deal)
}

func (l oneDealLedger) HolderKey(identity string) (string, bool) {
	return identity, slices.Contains(l.ids, identity)
}

// registeredScheduler is a trustee scheduler over db whose configuration
// lists only CONFIG-1 (a deal the fake does not know, never due).
func registeredScheduler(t *testing.T, l Ledger, db *store.DB, clock Clock) *Scheduler {
	t.Helper()
	cfg := trusteeConfig(4)
	cfg.Deals = []config.ScheduledDeal{{Deal: "CONFIG-1"}}
	s := New(cfg, l, db.Schedule(), clock, quiet(), nil)
	s.UseRegistry(db.ScheduledDeals())
	return s
}

// A deal registered at run time is run as a configured one (certified on
// its determination date, paid on its payment date), is still run by a
// gateway restarted on the same database without repeating a step, and
// is no longer run once unregistered.
func TestARegisteredDealRunsSurvivesARestartAndStopsWhenUnregistered(t *testing.T) {
	f := newFakeLedger(t, false)
	f.holders(12)
	f.report(1, schema.ReportComplete)
	l := oneDealLedger{fakeLedger: f, ids: []string{"investor1"}}
	clock := &testClock{day("2026-05-13")}
	dir := t.TempDir()
	db, _ := openBook(t, dir)
	s := registeredScheduler(t, l, db, clock)
	ctx := context.Background()

	s.Pass(ctx)
	if _, ok, _ := s.View("AUTO-1"); ok || f.certifyCalls != 0 {
		t.Fatalf("an unregistered deal was run (certify calls %d)", f.certifyCalls)
	}
	reg, err := s.Register(ctx, "AUTO-1", Registration{DeterminationDays: 2}, "ops")
	if err != nil {
		t.Fatal(err)
	}
	if reg.Source != FromRegistered || reg.By != "ops" || reg.DeterminationDays != 2 || reg.OptIn == nil {
		t.Fatalf("registration: %+v", reg)
	}
	s.Pass(ctx)
	if v := view(t, s); v.Certified != 1 || f.certifyCalls != 1 {
		t.Fatalf("on the determination date: %+v", v)
	}
	list, err := s.RunningDeals()
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Deals) != 2 || list.Deals[0].Deal != "CONFIG-1" || list.Deals[0].Source != FromConfig ||
		list.Deals[1].Deal != "AUTO-1" || list.Deals[1].Source != FromRegistered || list.Mode != "trustee" {
		t.Fatalf("deals: %+v", list)
	}

	db.Close() // the gateway restarts on the same database
	db, _ = openBook(t, dir)
	defer db.Close()
	s = registeredScheduler(t, l, db, clock)
	clock.now = day("2026-05-15")
	s.Pass(ctx)
	checkPaid(t, f, 1)
	claims := f.claimCalls
	if v := view(t, s); f.certifyCalls != 1 || claims != 18 || !slices.ContainsFunc(v.Ran, func(r Ran) bool { return r.Step == "pay-fees" }) {
		t.Fatalf("after the restart: certify %d, claims %d, %+v", f.certifyCalls, claims, v.Ran)
	}

	if _, err := s.Unregister("AUTO-1"); err != nil {
		t.Fatal(err)
	}
	f.report(2, schema.ReportComplete)
	clock.now = day("2026-06-15")
	s.Pass(ctx)
	if _, ok, _ := s.View("AUTO-1"); ok || f.certifyCalls != 1 {
		t.Fatalf("an unregistered deal was run (certify calls %d)", f.certifyCalls)
	}
	// Registered again, it resumes where it stopped: period 2, nothing of
	// period 1 again.
	if _, err := s.Register(ctx, "AUTO-1", Registration{DeterminationDays: 2}, "ops"); err != nil {
		t.Fatal(err)
	}
	s.Pass(ctx)
	if v := view(t, s); v.Certified != 2 || f.certifyCalls != 2 {
		t.Fatalf("registered again: %+v", v)
	}
	checkPaid(t, f, 2)
}

// Bad registrations are refused with the field or the conflict named, as
// the configuration's deals are checked, and store nothing.
func TestRegistrationRefusals(t *testing.T) {
	f := newFakeLedger(t, false)
	l := oneDealLedger{fakeLedger: f, ids: []string{"investor1"}}
	db, _ := openBook(t, t.TempDir())
	defer db.Close()
	s := registeredScheduler(t, l, db, &testClock{day("2026-05-13")})
	ctx := context.Background()
	for _, c := range []struct {
		name, deal string
		in         Registration
		code       string
		status     int
		field      string
	}{
		{"deal ID", "AUTO 1", Registration{}, api.CodeBadInput, http.StatusBadRequest, "deal"},
		{"determination days", "AUTO-1", Registration{DeterminationDays: 29}, api.CodeBadInput, http.StatusBadRequest, "determinationDays"},
		{"negative determination days", "AUTO-1", Registration{DeterminationDays: -1}, api.CodeBadInput, http.StatusBadRequest, "determinationDays"},
		{"unknown opt-in identity", "AUTO-1", Registration{OptIn: []string{"investor1", "nobody"}}, api.CodeBadInput, http.StatusBadRequest, "optIn[1]"},
		{"opt-in listed twice", "AUTO-1", Registration{OptIn: []string{"investor1", "investor1"}}, api.CodeBadInput, http.StatusBadRequest, "optIn[1]"},
		{"deal of the configuration", "CONFIG-1", Registration{}, string(errs.Conflict), http.StatusConflict, ""},
	} {
		_, err := s.Register(ctx, c.deal, c.in, "ops")
		var p *api.Problem
		if !errors.As(err, &p) || p.Code != c.code || p.Status != c.status || p.Field != c.field {
			t.Errorf("%s: got %v, want %s %d on field %q", c.name, err, c.code, c.status, c.field)
		}
	}
	// A deal the ledger does not know: the chaincode's NOT_FOUND.
	if _, err := s.Register(ctx, "AUTO-2", Registration{}, "ops"); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown deal: %v", err)
	}
	if list, err := db.ScheduledDeals().List(); err != nil || len(list) != 0 {
		t.Fatalf("refused registrations stored: %+v %v", list, err)
	}
	for deal, code := range map[string]string{"AUTO-1": api.CodeNotFound, "CONFIG-1": string(errs.Conflict)} {
		var p *api.Problem
		if _, err := s.Unregister(deal); !errors.As(err, &p) || p.Code != code {
			t.Errorf("unregister %s: %v, want %s", deal, err, code)
		}
	}
}
