package servicing_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestCertificateLinesReachTheWaterfall: reserve investment earnings the
// servicer declares with its report are remitted with the collections,
// certified in the period's inputs and paid out as available funds.
func TestCertificateLinesReachTheWaterfall(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	earnings := money.Amount(12_345)
	m := reportWithCertificate(t, w, d, distribution.CertificateInputs{ReserveInvestmentEarnings: earnings})
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, (m.collections() + earnings).String())
	w.Must(w.Trustee, "Servicing:Certify", d.deal, fmt.Sprint(m.period.Number))
	cert := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", d.deal, fmt.Sprint(m.period.Number)))
	if cert.Inputs.Certificate == nil || cert.Inputs.Certificate.ReserveInvestmentEarnings != earnings {
		t.Fatalf("certified inputs %+v lack the declared earnings", cert.Inputs.Certificate)
	}
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	if res.AvailableFunds.ReserveInvestmentEarnings != earnings || cert.Cash.Collections != m.collections()+earnings {
		t.Fatalf("available funds %+v, collections taken %s; want the earnings %s in both", res.AvailableFunds, cert.Cash.Collections, earnings)
	}
	v := contracttest.Decode[distribution.Verdict](t, w.Must(w.Auditor, "Servicing:Replay", d.deal, fmt.Sprint(m.period.Number)))
	if !v.Match {
		t.Fatalf("replay of a period with certificate lines: %+v", v)
	}
}

// TestAdvanceReimbursementsArePaidToTheServicer: the servicer remits the
// period's collections gross of its advance reimbursement; certification
// moves the reimbursement out of the collection account into the advances
// account ahead of the priority of payments, and only a servicer of the
// pool's bank can claim it into its cash account. Cash conserves to the
// cent throughout.
func TestAdvanceReimbursementsArePaidToTheServicer(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	reimbursed := money.Amount(4_321)
	m := reportWithCertificate(t, w, d, distribution.CertificateInputs{AdvanceReimbursements: reimbursed})
	// Remitted net of the reimbursement (as servicers did before it was
	// paid on the ledger), the collection account is short by exactly the
	// reimbursement.
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, (m.collections() - reimbursed).String())
	w.Refused(errs.InsufficientBalance, w.Trustee, "Servicing:Certify", d.deal, fmt.Sprint(m.period.Number))
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, reimbursed.String())
	w.Must(w.Trustee, "Servicing:Certify", d.deal, fmt.Sprint(m.period.Number))

	cert := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", d.deal, fmt.Sprint(m.period.Number)))
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	if res.AvailableFunds.Total != m.collections()-reimbursed || cert.Cash.Collections != m.collections() || cert.Cash.AdvanceReimbursements != reimbursed {
		t.Fatalf("available funds %s, collections taken %s, reimbursed %s; want %s, %s, %s",
			res.AvailableFunds.Total, cert.Cash.Collections, cert.Cash.AdvanceReimbursements, m.collections()-reimbursed, m.collections(), reimbursed)
	}
	acc := contracttest.Decode[schema.Accounts](t, w.Must(w.Auditor, "Servicing:GetAccounts", d.deal))
	if acc.Advances != reimbursed || acc.Collection != 0 {
		t.Fatalf("accounts after certification: advances %s, collection %s; want %s and 0", acc.Advances, acc.Collection, reimbursed)
	}

	w.Refused(errs.Forbidden, w.Trustee, "Servicing:ClaimAdvances", d.deal)
	w.Refused(errs.Forbidden, d.bob, "Servicing:ClaimAdvances", d.deal)
	before := w.CashAccount(w.Servicer).Balance
	claim := contracttest.Decode[schema.AdvancesClaim](t, w.Must(w.Servicer, "Servicing:ClaimAdvances", d.deal))
	if claim.Amount != reimbursed || claim.Payee != w.Key(w.Servicer) || w.CashAccount(w.Servicer).Balance != before+reimbursed {
		t.Fatalf("claim %+v, servicer cash %s → %s; want %s paid to %s", claim, before, w.CashAccount(w.Servicer).Balance, reimbursed, w.Key(w.Servicer))
	}
	if again := contracttest.Decode[schema.AdvancesClaim](t, w.Must(w.Servicer, "Servicing:ClaimAdvances", d.deal)); again.Amount != 0 {
		t.Fatalf("a second claim paid %s", again.Amount)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
	v := contracttest.Decode[distribution.Verdict](t, w.Must(w.Auditor, "Servicing:Replay", d.deal, fmt.Sprint(m.period.Number)))
	if !v.Match {
		t.Fatalf("replay of a period with an advance reimbursement: %+v", v)
	}
}

// reportWithCertificate submits the deal's next month with the
// certificate lines the servicer declares beside its rows.
func reportWithCertificate(t *testing.T, w *world, d *dealFixture, lines distribution.CertificateInputs) month {
	t.Helper()
	m := d.nextMonth(t)
	header := schema.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks), Certificate: &lines}
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, string(contracttest.MustCanon(t, header)))
	for _, c := range m.chunks {
		w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, fmt.Sprint(m.period.Number)}, chunkTransient(t, c))
	}
	return m
}
