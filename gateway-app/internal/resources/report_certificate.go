package resources

import (
	"net/url"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// The certificate lines a servicer declares with its report for a deal
// whose waterfall takes them (distribution.CertificateInputs), as query
// options of the report upload.

const amountPattern = `^[0-9]+(\.[0-9]{1,2})?$`

var certificateParams = []api.Param{
	{Name: "reserveInvestmentEarnings", In: "query", Description: "reserve account investment earnings paid into available funds", Pattern: amountPattern},
	{Name: "advanceReimbursements", In: "query", Description: "reimbursement of earlier servicer advances, taken off the top; servicerAdvances is then gross", Pattern: amountPattern},
	{Name: "repurchases", In: "query", Description: "the part of the prepayments that the seller or servicer repurchased", Pattern: amountPattern},
	{Name: "liquidationProceedsApart", In: "query", Type: "boolean", Description: "show repossession proceeds as liquidation proceeds, apart from recoveries", Enum: []string{"true", "false"}},
	{Name: "yieldSupplementAmount", In: "query", Description: "the YSOC computed on the tape, for a deal discounting at a required rate", Pattern: amountPattern},
	{Name: "feesIncurred", In: "query", Description: "expenses as incurred, fee=amount separated by ';' (e.g. trustee=1250.00;owner trustee=300.00)"},
}

// certificateLines reads the certificate options; nil when none is given,
// so that a report without them certifies exactly as before.
func certificateLines(q url.Values) (*distribution.CertificateInputs, error) {
	var ci distribution.CertificateInputs
	given := false
	for _, a := range []struct {
		name string
		dst  *money.Amount
	}{
		{"reserveInvestmentEarnings", &ci.ReserveInvestmentEarnings}, {"advanceReimbursements", &ci.AdvanceReimbursements},
		{"repurchases", &ci.Repurchases}, {"yieldSupplementAmount", &ci.YieldSupplementAmount},
	} {
		if v := q.Get(a.name); v != "" {
			amount, err := money.Parse(v)
			if err != nil {
				return nil, api.BadInput(a.name, "%v", err)
			}
			*a.dst, given = amount, true
		}
	}
	if q.Get("liquidationProceedsApart") == "true" {
		ci.LiquidationProceedsApart, given = true, true
	}
	if v := q.Get("feesIncurred"); v != "" {
		for _, item := range strings.Split(v, ";") {
			fee, amount, ok := strings.Cut(item, "=")
			a, err := money.Parse(strings.TrimSpace(amount))
			if !ok || strings.TrimSpace(fee) == "" || err != nil {
				return nil, api.BadInput("feesIncurred", "%q: want fee=amount (e.g. trustee=1250.00)", item)
			}
			ci.FeesIncurred = append(ci.FeesIncurred, waterfall.FeeAmount{Fee: strings.TrimSpace(fee), Amount: a})
		}
		given = true
	}
	if !given {
		return nil, nil
	}
	return &ci, nil
}
