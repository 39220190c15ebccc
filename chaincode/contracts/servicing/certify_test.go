package servicing_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

func TestCertifyRefusals(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	if msg := w.refused(errs.WrongState, w.trustee, "Servicing:Certify", d.deal, "1"); !strings.Contains(msg, "has not submitted a report") {
		t.Fatal(msg)
	}
	m := d.nextMonth(t)
	w.must(w.servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
	w.mustWith(w.servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, chunkTransient(t, m.chunks[0]))
	if msg := w.refused(errs.WrongState, w.trustee, "Servicing:Certify", d.deal, "1"); !strings.Contains(msg, "(1 of 3 chunks in), not complete") {
		t.Fatal(msg)
	}
	for _, c := range m.chunks[1:] {
		w.mustWith(w.servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, chunkTransient(t, c))
	}
	for _, who := range []struct {
		name string
		call func() string
	}{
		{"servicer", func() string { return w.refused(errs.Forbidden, w.servicer, "Servicing:Certify", d.deal, "1") }},
		{"arranger", func() string { return w.refused(errs.Forbidden, w.arranger, "Servicing:Certify", d.deal, "1") }},
		{"investor", func() string { return w.refused(errs.Forbidden, d.bob, "Servicing:Certify", d.deal, "1") }},
	} {
		if msg := who.call(); !strings.Contains(msg, "trustee") {
			t.Fatalf("%s: %s", who.name, msg)
		}
	}
	w.refused(errs.WrongState, w.trustee, "Servicing:Certify", d.deal, "2")
	w.refused(errs.BadInput, w.trustee, "Servicing:Certify", d.deal, "first")
	half := money.Amount(m.collections().Cents() / 2)
	w.must(w.servicer, "Servicing:RemitCollections", d.deal, half.String())
	msg := w.refused(errs.InsufficientBalance, w.trustee, "Servicing:Certify", d.deal, "1")
	if !strings.Contains(msg, "the servicer must remit "+(m.collections()-half).String()+" more") {
		t.Fatal(msg)
	}
	w.must(w.servicer, "Servicing:RemitCollections", d.deal, (m.collections() - half).String())
	r := w.call(w.trustee, "Servicing:Certify", []string{d.deal, "1"})
	if !r.ok() || strings.Join(r.eventTypes(), ",") != "PeriodCertified" {
		t.Fatalf("%s %v", r.Message, r.eventTypes())
	}
	sum := decode[servicing.CertifySummary](t, string(r.Payload))
	if sum.Period != 1 || len(sum.Distributions) != 4 || !sum.Reserve.Covered {
		t.Fatalf("summary %+v", sum)
	}
	w.refused(errs.WrongState, w.trustee, "Servicing:Certify", d.deal, "1")
}

func TestCertifyNeedsTheReserveFunded(t *testing.T) {
	w := newWorld(t)
	d := buildDeal(t, w, 60, 25, true, false)
	m := d.nextMonth(t)
	d.report(t, m)
	w.must(w.servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	msg := w.refused(errs.InsufficientBalance, w.trustee, "Servicing:Certify", d.deal, "1")
	if !strings.Contains(msg, "reserve account reserve holds 0.00 but the waterfall carries "+d.reserveInitial().String()) {
		t.Fatal(msg)
	}
	w.refused(errs.BadInput, w.arranger, "Servicing:FundReserve", d.deal, "liquidity", "10.00")
	w.refused(errs.Forbidden, d.alice, "Servicing:FundReserve", d.deal, "reserve", "10.00")
	w.refused(errs.InsufficientBalance, w.trustee, "Servicing:FundReserve", d.deal, "reserve", "10.00") // holds no cash
	w.must(w.settlement, "Cash:Pay", w.key(w.arranger), d.reserveInitial().String())
	w.must(w.arranger, "Servicing:FundReserve", d.deal, "reserve", d.reserveInitial().String())
	w.must(w.trustee, "Servicing:Certify", d.deal, "1")
}

// TestFixingsAreInputs: fixings posted by the trustee are part of the
// certified inputs (and of their hash), final once certified.
func TestFixingsAreInputs(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	w.refused(errs.Forbidden, w.servicer, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0431")
	w.refused(errs.BadInput, w.trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "4.31%")
	w.refused(errs.BadInput, w.trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "2")
	w.refused(errs.BadInput, w.trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0000000000001")
	w.refused(errs.BadInput, w.trustee, "Servicing:PostFixing", d.deal, "1", "SOFR 30A", "0.04")
	w.must(w.trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0429")
	w.must(w.trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0431") // replaces
	w.must(w.trustee, "Servicing:PostFixing", d.deal, "1", "EURIBOR1M", "0.021")
	fx := decode[[]model.Fixing](t, w.must(w.auditor, "Servicing:GetFixings", d.deal, "1"))
	if len(fx) != 2 || fx[0].Index != "EURIBOR1M" || fx[1].Rate.String() != "0.0431" {
		t.Fatalf("fixings %+v", fx)
	}
	d.runPeriod(t)
	cert := decode[model.Certification](t, w.must(w.auditor, "Servicing:GetCertification", d.deal, "1"))
	if got := cert.Inputs.IndexFixings["SOFR30A"]; got.String() != "0.0431" || len(cert.Inputs.IndexFixings) != 2 {
		t.Fatalf("certified fixings %v", cert.Inputs.IndexFixings)
	}
	w.refused(errs.WrongState, w.trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.05")
	v := decode[distribution.Verdict](t, w.must(w.auditor, "Servicing:Replay", d.deal, "1"))
	if !v.Match {
		t.Fatalf("replay %+v", v)
	}
}

// TestReplayCatchesAChangedLedger: a certification whose stored result no
// longer matches its inputs (here: edited behind the contract's back) is
// reported as a mismatch naming the field.
func TestReplayCatchesAChangedLedger(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	key := compositeKey(model.TypeCertification, d.deal, model.PeriodKey(1))
	cert := decode[model.Certification](t, string(w.Public()[key]))
	var res waterfall.Result
	if err := decodeJSON(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	res.ResidualPaid++
	cert.Result = mustCanon(t, res)
	w.Seed(key, mustCanon(t, cert))
	v := decode[distribution.Verdict](t, w.must(w.auditor, "Servicing:Replay", d.deal, "1"))
	if v.Match || fmt.Sprint(v.Differences) != "[residualPaid]" || v.InputsHash != v.StoredInputsHash {
		t.Fatalf("verdict %+v", v)
	}
	w.refused(errs.NotFound, w.auditor, "Servicing:Replay", d.deal, "2")
}
