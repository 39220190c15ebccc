package cardtrust

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func loadTrust(t testing.TB) Trust {
	t.Helper()
	b, err := os.ReadFile("testdata/trust_2026.json")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ParseTrust(b)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func loadReports(t testing.TB) []Report {
	t.Helper()
	f, err := os.Open("testdata/reports_2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reps, bad, err := ReadAll(f)
	if err != nil || len(bad) > 0 {
		t.Fatalf("reports_2026.csv: %v %v", err, bad)
	}
	return reps
}

// table reads a hand-worked table from testdata as rows keyed by header.
func table(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

type checker struct {
	t     *testing.T
	label string
	row   map[string]string
}

func (c checker) amount(col string, got money.Amount) {
	c.t.Helper()
	want, err := money.Parse(c.row[col])
	if err != nil {
		c.t.Fatalf("%s %s: %v", c.label, col, err)
	}
	if got != want {
		c.t.Errorf("%s %s: got %s, want %s", c.label, col, got, want)
	}
}

func (c checker) rate(col string, got decimal.Decimal) {
	c.t.Helper()
	if want := decimal.RequireFromString(c.row[col]); !got.Equal(want) {
		c.t.Errorf("%s %s: got %s, want %s", c.label, col, got, want)
	}
}

func (c checker) text(col, got string) {
	c.t.Helper()
	if got != c.row[col] {
		c.t.Errorf("%s %s: got %q, want %q", c.label, col, got, c.row[col])
	}
}

// TestGoldenTrust2026 runs six months of the trust in
// testdata/trust_2026.json against the tables worked by hand in
// testdata/allocation_2026.csv and seller_2026.csv (the workings are in
// testdata/allocation_2026.md): two revolving months, series 2026-1's
// controlled accumulation from period 3 to its expected final payment in
// period 6, a bad month 4 whose three-month average excess spread trips
// early amortization of 2026-2 (its base rate is higher), and 2026-2
// amortizing at its fixed percentage in months 5 and 6.
func TestGoldenTrust2026(t *testing.T) {
	tr := loadTrust(t)
	reports := loadReports(t)
	series := table(t, "allocation_2026.csv")
	sellers := table(t, "seller_2026.csv")
	st := NewState(&tr)
	wantEvents := map[int][]string{4: {"2026-2:excess-spread"}}
	for _, r := range reports {
		res, err := Run(&tr, st, r)
		if err != nil {
			t.Fatalf("period %d: %v", r.Period, err)
		}
		for _, a := range res.Series {
			var row map[string]string
			for _, w := range series {
				if w["period"] == strconv.Itoa(r.Period) && w["series"] == a.Series {
					row = w
				}
			}
			if row == nil {
				t.Fatalf("period %d series %s: no row in allocation_2026.csv", r.Period, a.Series)
			}
			c := checker{t, "period " + strconv.Itoa(r.Period) + " series " + a.Series, row}
			c.text("phase", string(a.Phase))
			c.rate("floating", a.FloatingPercentage)
			c.rate("principalPct", a.PrincipalPercentage)
			c.amount("financeCharges", a.FinanceCharges)
			c.amount("recoveries", a.Recoveries)
			c.amount("defaults", a.Defaults)
			c.amount("reinstated", a.DefaultsReinstated)
			c.amount("principalShare", a.PrincipalShare)
			c.amount("deposited", a.PrincipalDeposited)
			c.amount("reinvested", a.PrincipalReinvested)
			c.amount("paid", a.PrincipalPaid)
			c.amount("endingInvested", a.EndingInvestedAmount)
			c.amount("endingFunding", a.EndingFundingAccount)
			c.amount("shortfall", a.AccumulationShortfall)
			c.rate("excessSpread", a.ExcessSpread)
			c.rate("average", a.ExcessSpreadAverage)
			c.text("payOut", a.PayOutEvent)
		}
		row := sellers[r.Period-1]
		c := checker{t, "period " + strconv.Itoa(r.Period) + " seller", row}
		c.amount("financeCharges", res.Seller.FinanceCharges)
		c.amount("recoveries", res.Seller.Recoveries)
		c.amount("defaults", res.Seller.Defaults)
		c.amount("principal", res.Seller.Principal)
		c.amount("reinvested", res.Seller.ReinvestedPrincipal)
		c.amount("sellerInterest", res.SellerInterest)
		c.amount("required", res.RequiredSellerInterest)
		c.rate("yield", res.PortfolioYield)
		c.rate("netLossRate", res.NetLossRate)
		c.rate("paymentRate", res.PaymentRate)
		if got, want := res.PayOutEvents, wantEvents[r.Period]; len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
			t.Errorf("period %d pay-out events: got %v, want %v", r.Period, got, want)
		}
		assertConserved(t, &r, &res)
		st = res.NewState
	}
	// After period 6 series 2026-1 has 123,600,000.00 left after its
	// expected final payment: it amortizes at its fixed 40% from period 7.
	if got := phaseOf(&tr.Series[0], &st.Series[0], st.SellerPayOut, 7); got != Amortization {
		t.Errorf("series 2026-1 in period 7: phase %s, want amortization", got)
	}
}

// assertConserved checks that every cent of the month's collections went
// to a series or to the seller, and every cent of defaults too.
func assertConserved(t testing.TB, r *Report, res *MonthResult) {
	t.Helper()
	cash := res.Seller.Cash()
	defaults := res.Seller.Defaults
	for i := range res.Series {
		a := &res.Series[i]
		cash += a.Cash()
		defaults += a.Defaults
		if a.PrincipalDeposited+a.PrincipalReinvested+a.PrincipalPaid-a.FundingAccountOut != a.PrincipalShare {
			t.Fatalf("period %d series %s: principal share %s ≠ deposited %s + reinvested %s + paid from collections %s",
				r.Period, a.Series, a.PrincipalShare, a.PrincipalDeposited, a.PrincipalReinvested, a.PrincipalPaid-a.FundingAccountOut)
		}
	}
	if cash != r.TotalCollections() {
		t.Fatalf("period %d: allocated %s of collections %s", r.Period, cash, r.TotalCollections())
	}
	if defaults != r.DefaultedReceivables {
		t.Fatalf("period %d: allocated %s of defaults %s", r.Period, defaults, r.DefaultedReceivables)
	}
}
