package resources

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

func TestCertificateLinesFromTheQuery(t *testing.T) {
	if ci, err := certificateLines(url.Values{"chunkSize": {"10"}}); ci != nil || err != nil {
		t.Fatalf("no certificate options gave %+v, %v", ci, err)
	}
	q, _ := url.ParseQuery("reserveInvestmentEarnings=12.50&advanceReimbursements=3.00&repurchases=100.00" +
		"&liquidationProceedsApart=true&yieldSupplementAmount=2500.00&feesIncurred=" + url.QueryEscape("trustee=1250.00;owner trustee=300.00"))
	ci, err := certificateLines(q)
	if err != nil {
		t.Fatal(err)
	}
	want := &distribution.CertificateInputs{ReserveInvestmentEarnings: money.Cents(1250), AdvanceReimbursements: money.Cents(300),
		Repurchases: money.Cents(10000), LiquidationProceedsApart: true, YieldSupplementAmount: money.Cents(250000),
		FeesIncurred: []waterfall.FeeAmount{{Fee: "trustee", Amount: money.Cents(125000)}, {Fee: "owner trustee", Amount: money.Cents(30000)}}}
	if !reflect.DeepEqual(ci, want) {
		t.Fatalf("got %+v\nwant %+v", ci, want)
	}
	for _, bad := range []string{"repurchases=1.234", "feesIncurred=trustee", "feesIncurred=" + url.QueryEscape("=5.00")} {
		q, _ := url.ParseQuery(bad)
		if _, err := certificateLines(q); err == nil || !strings.Contains(err.Error(), strings.SplitN(bad, "=", 2)[0]) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
