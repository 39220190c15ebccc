package servicing_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// withSeasoning builds the fixture as a deal moved onto the ledger after
// period o.Period: its sealed tape is the simulated pool as of the end of
// that period, its waterfall is set as seasoned, and the trustee opens it
// from o before its units are issued.
func withSeasoning(o waterfall.Onboarding) dealOption {
	return func(d *dealFixture) { d.seasoned = &o }
}

// sealSeasonedTape advances the simulator through the certificate's
// periods and seals the loans still outstanding at their balances then,
// cut off at the end of the certificate's collection period. The loans
// report from the next period on exactly as they would have had the deal
// been on the ledger from closing.
func (d *dealFixture) sealSeasonedTape(t testing.TB, loans []loantape.Loan) {
	t.Helper()
	w := d.w
	last := map[string]loantape.PeriodRow{}
	for range d.seasoned.Period {
		if _, err := d.sim.Advance(func(r loantape.PeriodRow) error { last[r.AssetNumber] = r; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	cutoff := d.sim.Period().Ending
	var tape []loantape.Loan
	for _, l := range loans {
		r, ok := last[l.AssetNumber]
		if !ok || r.ReportingPeriodActualEndBalanceAmount == 0 {
			if ok && r.ChargedoffPrincipalAmount > 0 {
				t.Fatalf("loan %s was charged off before period %d: its recovery would report on a loan the seasoned tape lacks", l.AssetNumber, d.seasoned.Period)
			}
			continue
		}
		l.ReportingPeriodEndingDate = cutoff
		l.ReportingPeriodActualEndBalanceAmount = r.ReportingPeriodActualEndBalanceAmount
		l.ReportingPeriodInterestRatePercentage = r.ReportingPeriodInterestRatePercentage
		l.RemainingTermToMaturityNumber = r.RemainingTermToMaturityNumber
		l.CurrentDelinquencyStatus = r.CurrentDelinquencyStatus
		tape = append(tape, l)
	}
	in := pool.CreateInput{ID: d.pool, Name: "Seasoned pool " + d.pool, Originator: w.Net.Servicer, Servicer: w.Net.Servicer,
		CutoffDate: cutoff.String()}
	w.Must(w.Arranger, "Pool:Create", string(contracttest.MustCanon(t, in)))
	for chunk := 0; chunk*500 < len(tape); chunk++ {
		w.MustWith(w.Servicer, "Pool:AddLoans", []string{d.pool, fmt.Sprint(chunk)},
			contracttest.LoansTransient(t, tape[chunk*500:min((chunk+1)*500, len(tape))]))
	}
	w.Must(w.Servicer, "Pool:Seal", d.pool)
}

// certificateAfter is the trustee certificate of a deal after a
// certified period, as the trustee prints it (waterfall.CertificateOf).
func certificateAfter(t testing.TB, d *dealFixture, cert schema.Certification) waterfall.Onboarding {
	t.Helper()
	wf := contracttest.Decode[schema.Waterfall](t, d.w.Must(d.w.Auditor, "Servicing:GetWaterfall", d.deal, ""))
	def, err := waterfall.ParseDefinition(wf.Definition)
	if err != nil {
		t.Fatal(err)
	}
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	return waterfall.CertificateOf(def, res)
}

// runFromClosing runs the standard fixture deal from its closing through
// n periods on a ledger of its own.
func runFromClosing(t *testing.T, n int) (*dealFixture, []schema.Certification) {
	t.Helper()
	d := newDeal(t, newWorld(t), 60, 25)
	certs := make([]schema.Certification, n)
	for i := range certs {
		_, certs[i] = d.runPeriod(t)
	}
	return d, certs
}

// TestSeasonedDealContinuesFromItsCertificate runs a deal from closing
// through period 3 on one ledger, and on another opens the same deal at
// period 2 from its certificate, over the tape as of then: period 3 on the
// seasoned ledger certifies the very same result and inputs hash, replays
// identically on another bank's peer, and its cash conserves.
func TestSeasonedDealContinuesFromItsCertificate(t *testing.T) {
	a, certs := runFromClosing(t, 3)
	o := certificateAfter(t, a, certs[1])

	wB := newWorld(t)
	b := newDeal(t, wB, 60, 25, withSeasoning(o))
	status := contracttest.Decode[schema.DealServicing](t, wB.Must(wB.Auditor, "Servicing:GetStatus", b.deal))
	if status.Period != 2 || status.OpenedAt != 2 || !status.Seasoned {
		t.Fatalf("after OpenAt: period %d, opened at %d, seasoned %v", status.Period, status.OpenedAt, status.Seasoned)
	}
	opening := contracttest.Decode[schema.Opening](t, wB.Must(wB.Auditor, "Servicing:GetOpening", b.deal))
	var after2 waterfall.Result
	if err := json.Unmarshal(certs[1].Result, &after2); err != nil {
		t.Fatal(err)
	}
	if got, want := contracttest.MustCanon(t, opening.State), contracttest.MustCanon(t, after2.NewState); !bytes.Equal(got, want) {
		t.Fatalf("opened state\n%s\nwant the state period 2 left\n%s", got, want)
	}

	_, c3 := b.runPeriod(t)
	if c3.Period != 3 {
		t.Fatalf("the seasoned deal certified period %d, want 3", c3.Period)
	}
	if !bytes.Equal(c3.Result, certs[2].Result) || c3.InputsHash != certs[2].InputsHash {
		t.Fatalf("period 3 on the seasoned ledger differs from the deal run from closing:\nseasoned %s (inputs %s)\nclosing  %s (inputs %s)",
			c3.ResultHash, c3.InputsHash, certs[2].ResultHash, certs[2].InputsHash)
	}
	// Another bank's peer replays it from the opening record.
	v := contracttest.Decode[distribution.Verdict](t, wB.Must(wB.Auditor, "Servicing:Replay", b.deal, "3"))
	if !v.Match || v.ReplayedHash != c3.ResultHash {
		t.Fatalf("replay of period 3: %+v", v)
	}
	if err := wB.CheckCash(); err != nil {
		t.Fatal(err)
	}
	for _, c := range b.classes {
		if err := wB.checkBook(b.tranche[c]); err != nil {
			t.Fatalf("class %s: %v", c, err)
		}
	}
	// Periods before the opening were never certified here.
	wB.Refused(errs.NotFound, wB.Auditor, "Servicing:Replay", b.deal, "2")
}

// TestOpenAtRefusals: only the trustee, only a seasoned deal, once, and
// only from a certificate whose figures agree with each other and with
// the sealed tape; a seasoned deal reports and issues nothing before.
// Each refusal names the rule and changes nothing.
func TestOpenAtRefusals(t *testing.T) {
	a, certs := runFromClosing(t, 2)
	wA, good := a.w, certificateAfter(t, a, certs[1])
	certJSON := func(o waterfall.Onboarding) string { return string(contracttest.MustCanon(t, o)) }

	// A deal run from its closing cannot be opened.
	wA.Refused(errs.WrongState, wA.Trustee, "Servicing:OpenAt", a.deal, certJSON(good))

	wB := newWorld(t)
	b := buildDeal(t, wB, 60, 25, false, false, withSeasoning(good))
	// No waterfall yet.
	wB.Refused(errs.WrongState, wB.Trustee, "Servicing:OpenAt", b.deal, certJSON(good))
	wB.Must(wB.Arranger, "Servicing:SetWaterfall", b.deal, b.terms(t, 1))

	// Before the opening: no report, no issuance.
	m := b.nextMonth(t)
	r := wB.Refused(errs.WrongState, wB.Servicer, "Servicing:SubmitReport", b.deal, b.header(t, m))
	if !strings.Contains(r.Message, "OpenAt") {
		t.Errorf("SubmitReport before OpenAt: %s", r.Message)
	}
	wB.Refused(errs.WrongState, wB.Arranger, "Deal:Issue", b.tranche["A"], "1")

	// Only the trustee.
	wB.Refused(errs.Forbidden, wB.Arranger, "Servicing:OpenAt", b.deal, certJSON(good))
	wB.Refused(errs.Forbidden, wB.Servicer, "Servicing:OpenAt", b.deal, certJSON(good))

	bad := []struct {
		name  string
		edit  func(*waterfall.Onboarding)
		field string
	}{
		{"OC that does not add up", func(o *waterfall.Onboarding) { o.Overcollateralization++ }, "overcollateralization"},
		{"pool balance not the tape's", func(o *waterfall.Onboarding) {
			o.PoolBalance += 100
			o.Overcollateralization += 100
			o.PoolFactor = decimal.Zero
		}, "certificate.poolBalance"},
		{"payment date not the tape's period", func(o *waterfall.Onboarding) {
			o.PaymentDate = daycount.NewDate(o.PaymentDate.Year, o.PaymentDate.Month+1, o.PaymentDate.Day)
		}, "certificate.paymentDate"},
		{"printed pool factor wrong", func(o *waterfall.Onboarding) { o.PoolFactor = o.PoolFactor.Add(decimal.New(1, -4)) }, "poolFactor"},
	}
	for _, c := range bad {
		o := good
		o.Classes = append([]waterfall.OnboardClass(nil), good.Classes...)
		c.edit(&o)
		r := wB.Refused(errs.BadInput, wB.Trustee, "Servicing:OpenAt", b.deal, certJSON(o))
		if !strings.Contains(r.Message, c.field) {
			t.Errorf("%s: %s does not name %s", c.name, r.Message, c.field)
		}
	}
	wB.Refused(errs.BadInput, wB.Trustee, "Servicing:OpenAt", b.deal, `{"period":2,"unknown":1}`)
	wB.Refused(errs.NotFound, wB.Auditor, "Servicing:GetOpening", b.deal)

	wB.Must(wB.Trustee, "Servicing:OpenAt", b.deal, certJSON(good))
	wB.Refused(errs.AlreadyExists, wB.Trustee, "Servicing:OpenAt", b.deal, certJSON(good))
	wB.Refused(errs.WrongState, wB.Arranger, "Servicing:SetWaterfall", b.deal, b.terms(t, 2))
}
