package servicing_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
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
	m := d.nextMonth(t)
	earnings := money.Amount(12_345)
	header := schema.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks),
		Certificate: &distribution.CertificateInputs{ReserveInvestmentEarnings: earnings}}
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, string(contracttest.MustCanon(t, header)))
	for _, c := range m.chunks {
		w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, fmt.Sprint(m.period.Number)}, chunkTransient(t, c))
	}
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
