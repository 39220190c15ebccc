package cardtrust_test

import (
	"os"
	"strings"
	"testing"

	core "github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func golden(t *testing.T) (string, []core.Report) {
	t.Helper()
	b, err := os.ReadFile("../../core/cardtrust/testdata/trust_2026.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../core/cardtrust/testdata/reports_2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reps, bad, err := core.ReadAll(f)
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	return string(b), reps
}

// TestCardTrustMonths: the golden trust's six months go through the
// contract; each is checked and allocated on chain, recorded with its
// hashes, and replays to the same result off chain; a bad report is
// refused naming the field and rule and writes nothing; only the trust's
// servicer may report.
func TestCardTrustMonths(t *testing.T) {
	w := contracttest.New(t)
	trustJSON, reps := golden(t)
	servicerMSP := w.Servicer.MSPID()

	w.Refused(errs.Forbidden, w.Servicer, "CardTrust:CreateTrust", trustJSON, servicerMSP)
	if r := w.Refused(errs.BadInput, w.Arranger, "CardTrust:CreateTrust", strings.Replace(trustJSON, `"expectedFinalPeriod": 6`, `"expectedFinalPeriod": 1`, 1), servicerMSP); !strings.Contains(r.Message, "series[0].expectedFinalPeriod") {
		t.Fatalf("bad terms: %s", r.Message)
	}
	w.Must(w.Arranger, "CardTrust:CreateTrust", trustJSON, servicerMSP)
	w.Refused(errs.AlreadyExists, w.Arranger, "CardTrust:CreateTrust", trustJSON, servicerMSP)

	// Period 1 with a yield that does not recompute is refused.
	bad := reps[0]
	bad.PortfolioYield = bad.PortfolioYield.Add(bad.PortfolioYield.Shift(-3))
	r := w.Refused(errs.BadInput, w.Servicer, "CardTrust:SubmitReport", "CARDS-MT", string(contracttest.MustCanon(t, bad)))
	if !strings.Contains(r.Message, "reportJSON.portfolioYield") || !strings.Contains(r.Message, core.RuleYieldMismatch) {
		t.Fatalf("bad yield: %s", r.Message)
	}
	// Another organisation's servicer may not report.
	w.Refused(errs.Forbidden, w.Trustee, "CardTrust:SubmitReport", "CARDS-MT", string(contracttest.MustCanon(t, reps[0])))

	for _, rep := range reps {
		out := w.Must(w.Servicer, "CardTrust:SubmitReport", "CARDS-MT", string(contracttest.MustCanon(t, rep)))
		res := contracttest.Decode[core.MonthResult](t, out)
		if res.Period != rep.Period {
			t.Fatalf("period %d: result for %d", rep.Period, res.Period)
		}
		m := contracttest.Decode[schema.CardMonth](t, w.Must(w.Auditor, "CardTrust:GetMonth", "CARDS-MT", schemaPeriod(rep.Period)))
		again, err := core.Replay(m.Allocated)
		if err != nil {
			t.Fatalf("period %d replay: %v", rep.Period, err)
		}
		if again.ResultHash != m.Allocated.ResultHash {
			t.Fatalf("period %d: replay %s, certified %s", rep.Period, again.ResultHash, m.Allocated.ResultHash)
		}
		if rep.Period == 4 && (len(res.PayOutEvents) != 1 || res.PayOutEvents[0] != "2026-2:excess-spread") {
			t.Fatalf("period 4 pay-out events %v", res.PayOutEvents)
		}
	}
	rec := contracttest.Decode[schema.CardTrust](t, w.Must(w.Auditor, "CardTrust:GetTrust", "CARDS-MT"))
	if rec.State.Period != 6 || rec.State.Series[1].InvestedAmount.String() != "122185000.00" || rec.State.Series[0].InvestedAmount.String() != "123600000.00" {
		t.Fatalf("state after period 6: %+v", rec.State)
	}
	// A repeated month is refused: the trust is at period 6.
	r = w.Refused(errs.BadInput, w.Servicer, "CardTrust:SubmitReport", "CARDS-MT", string(contracttest.MustCanon(t, reps[5])))
	if !strings.Contains(r.Message, "reportJSON.period") {
		t.Fatalf("repeat: %s", r.Message)
	}
	w.Refused(errs.NotFound, w.Auditor, "CardTrust:GetMonth", "CARDS-MT", "7")
}

func schemaPeriod(n int) string { return strings.TrimLeft(schema.PeriodKey(n), "0") }
