package servicing_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func TestCertifyRefusals(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	if msg := w.Refused(errs.WrongState, w.Trustee, "Servicing:Certify", d.deal, "1").Message; !strings.Contains(msg, "has not submitted a report") {
		t.Fatal(msg)
	}
	m := d.nextMonth(t)
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
	w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, chunkTransient(t, m.chunks[0]))
	if msg := w.Refused(errs.WrongState, w.Trustee, "Servicing:Certify", d.deal, "1").Message; !strings.Contains(msg, "(1 of 3 chunks in), not complete") {
		t.Fatal(msg)
	}
	for _, c := range m.chunks[1:] {
		w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, chunkTransient(t, c))
	}
	for _, who := range []struct {
		name string
		call func() string
	}{
		{"servicer", func() string { return w.Refused(errs.Forbidden, w.Servicer, "Servicing:Certify", d.deal, "1").Message }},
		{"arranger", func() string { return w.Refused(errs.Forbidden, w.Arranger, "Servicing:Certify", d.deal, "1").Message }},
		{"investor", func() string { return w.Refused(errs.Forbidden, d.bob, "Servicing:Certify", d.deal, "1").Message }},
	} {
		if msg := who.call(); !strings.Contains(msg, "trustee") {
			t.Fatalf("%s: %s", who.name, msg)
		}
	}
	w.Refused(errs.WrongState, w.Trustee, "Servicing:Certify", d.deal, "2")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:Certify", d.deal, "first")
	half := money.Amount(m.collections().Cents() / 2)
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, half.String())
	msg := w.Refused(errs.InsufficientBalance, w.Trustee, "Servicing:Certify", d.deal, "1").Message
	if !strings.Contains(msg, "the servicer must remit "+(m.collections()-half).String()+" more") {
		t.Fatal(msg)
	}
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, (m.collections() - half).String())
	r := w.CallWith(w.Trustee, "Servicing:Certify", []string{d.deal, "1"})
	if !r.OK() || strings.Join(r.EventTypes(), ",") != "PeriodCertified" {
		t.Fatalf("%s %v", r.Message, r.EventTypes())
	}
	sum := contracttest.Decode[schema.CertifySummary](t, string(r.Payload))
	if sum.Period != 1 || len(sum.Distributions) != 4 || !sum.Reserve.Covered {
		t.Fatalf("summary %+v", sum)
	}
	w.Refused(errs.WrongState, w.Trustee, "Servicing:Certify", d.deal, "1")
}

func TestCertifyNeedsTheReserveFunded(t *testing.T) {
	w := newWorld(t)
	d := buildDeal(t, w, 60, 25, true, false)
	m := d.nextMonth(t)
	d.report(t, m)
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	msg := w.Refused(errs.InsufficientBalance, w.Trustee, "Servicing:Certify", d.deal, "1").Message
	if !strings.Contains(msg, "reserve account reserve holds 0.00 but the waterfall carries "+d.reserveInitial().String()) {
		t.Fatal(msg)
	}
	w.Refused(errs.BadInput, w.Arranger, "Servicing:FundReserve", d.deal, "liquidity", "10.00")
	w.Refused(errs.Forbidden, d.alice, "Servicing:FundReserve", d.deal, "reserve", "10.00")
	w.Refused(errs.InsufficientBalance, w.Trustee, "Servicing:FundReserve", d.deal, "reserve", "10.00") // holds no cash
	w.Must(w.Settlement, "Cash:Pay", w.Key(w.Arranger), d.reserveInitial().String())
	w.Must(w.Arranger, "Servicing:FundReserve", d.deal, "reserve", d.reserveInitial().String())
	w.Must(w.Trustee, "Servicing:Certify", d.deal, "1")
}

// TestFixingsAreInputs: fixings posted by the trustee are part of the
// certified inputs (and of their hash), final once certified.
func TestFixingsAreInputs(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	w.Refused(errs.Forbidden, w.Servicer, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0431")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "4.31%")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "2")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0000000000001")
	w.Refused(errs.BadInput, w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR 30A", "0.04")
	w.Must(w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0429")
	w.Must(w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.0431") // replaces
	w.Must(w.Trustee, "Servicing:PostFixing", d.deal, "1", "EURIBOR1M", "0.021")
	fx := contracttest.Decode[[]schema.Fixing](t, w.Must(w.Auditor, "Servicing:GetFixings", d.deal, "1"))
	if len(fx) != 2 || fx[0].Index != "EURIBOR1M" || fx[1].Rate.String() != "0.0431" {
		t.Fatalf("fixings %+v", fx)
	}
	d.runPeriod(t)
	cert := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", d.deal, "1"))
	if got := cert.Inputs.IndexFixings["SOFR30A"]; got.String() != "0.0431" || len(cert.Inputs.IndexFixings) != 2 {
		t.Fatalf("certified fixings %v", cert.Inputs.IndexFixings)
	}
	w.Refused(errs.WrongState, w.Trustee, "Servicing:PostFixing", d.deal, "1", "SOFR30A", "0.05")
	v := contracttest.Decode[distribution.Verdict](t, w.Must(w.Auditor, "Servicing:Replay", d.deal, "1"))
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
	key := contracttest.CompositeKey(schema.TypeCertification, d.deal, schema.PeriodKey(1))
	cert := contracttest.Decode[schema.Certification](t, string(w.Public()[key]))
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	res.ResidualPaid++
	cert.Result = contracttest.MustCanon(t, res)
	w.Seed(key, contracttest.MustCanon(t, cert))
	v := contracttest.Decode[distribution.Verdict](t, w.Must(w.Auditor, "Servicing:Replay", d.deal, "1"))
	if v.Match || fmt.Sprint(v.Differences) != "[residualPaid]" || v.InputsHash != v.StoredInputsHash {
		t.Fatalf("verdict %+v", v)
	}
	w.Refused(errs.NotFound, w.Auditor, "Servicing:Replay", d.deal, "2")
}
