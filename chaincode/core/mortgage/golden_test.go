package mortgage

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readAll[R any](t *testing.T, src Source[R]) []R {
	t.Helper()
	var out []R
	for {
		r, err := src.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("line %d: %v", src.Line(), err)
		}
		out = append(out, r)
	}
}

func amt(s string) money.Amount { return money.Amount(mustCents(s)) }

func mustCents(s string) int64 {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return int64(a)
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// The origination file is read by position: the values land in the fields
// the published layout puts at those positions, percent rates become
// fractions, and "not available" sentinels are kept as data.
func TestOriginationFileGolden(t *testing.T) {
	rd := NewOriginationReader(open(t, "origination.txt"))
	rows := readAll[Origination](t, rd)
	if len(rows) != 3 {
		t.Fatalf("want 3 loans, got %d", len(rows))
	}
	o := rows[0]
	if o.LoanSequenceNumber != "F22Q10000001" || o.CreditScore != 751 || o.OriginalLTV != 80 || o.OriginalCLTV != 80 ||
		o.OriginalDTI != 36 || o.OriginalUPB != amt("300000.00") || !o.OriginalInterestRate.Equal(dec("0.04875")) ||
		o.PropertyState != "GA" || o.OccupancyStatus != "P" || o.OriginalLoanTerm != 360 ||
		o.FirstPaymentDate != loantape.MonthOf(2022, 3) || o.MaturityDate != loantape.MonthOf(2052, 2) || o.ServicerName != "Other servicers" {
		t.Fatalf("first loan read wrong: %+v", o)
	}
	if rows[1].CreditScore != ScoreNotAvailable || rows[1].OriginalDTI != RatioNotAvailable || rows[1].OccupancyStatus != "S" {
		t.Fatalf("second loan: sentinels not kept: %+v", rows[1])
	}
	if err := ValidateOriginations(NewOriginationReader(open(t, "origination.txt")), 0); err != nil {
		t.Fatalf("a clean origination file fails: %v", err)
	}
}

// The performance file (CRLF line ends) follows a loan to payoff and
// another through delinquency and REO to a liquidation whose loss
// components add up in the dataset's sign convention.
func TestPerformanceFileGolden(t *testing.T) {
	rows := readAll[Performance](t, NewPerformanceReader(open(t, "performance.txt")))
	if len(rows) != 10 {
		t.Fatalf("want 10 rows, got %d", len(rows))
	}
	liq := rows[9]
	if liq.ZeroBalanceCode != ZeroBalanceREODisposition || liq.NetSaleProceeds.Amount != amt("150000.00") ||
		liq.Expenses != amt("-12000.00") || liq.ActualLossCalculation != amt("-45500.00") ||
		liq.ZeroBalanceRemovalUPB != amt("200000.00") || liq.DelinquentAccruedInterest != amt("4500.00") {
		t.Fatalf("liquidation row read wrong: %+v", liq)
	}
	if err := ValidatePerformance(NewPerformanceReader(open(t, "performance.txt")), 0); err != nil {
		t.Fatalf("a clean performance file fails: %v", err)
	}
}

// Hand-worked tape aggregates of testdata/tape_2026_03.csv:
//
//	balance  380,000 + 240,000 + 175,000 + 310,000 = 1,105,000.00
//	WAC      (380,000×4.75% + 240,000×5.50% + 175,000×6.25% + 310,000×7.00%) / 1,105,000
//	         = 63,887.50 / 1,105,000 = 0.05781674
//	WAM      354,405,000 / 1,105,000 = 320.72850679 months
//	60 days delinquent at cut-off: M4, 310,000.00
func TestTapeGolden(t *testing.T) {
	agg, err := ValidateTape(NewALReader(open(t, "tape_2026_03.csv")), TapeRules{Cutoff: loantape.Date{Year: 2026, Month: 3, Day: 31}})
	if err != nil {
		t.Fatal(err)
	}
	if agg.LoanCount != 4 || agg.Balance != amt("1105000.00") || agg.OriginalBalance != amt("1150000.00") ||
		agg.LargestBalance != amt("380000.00") || agg.DelinquentBalance != amt("310000.00") {
		t.Fatalf("tape sums: %+v", agg)
	}
	if !agg.WeightedAverageCoupon.Equal(dec("0.05781674")) || !agg.WeightedAverageRemainingTerm.Equal(dec("320.72850679")) {
		t.Fatalf("WAC %s WAM %s", agg.WeightedAverageCoupon, agg.WeightedAverageRemainingTerm)
	}
	if len(agg.States) != 4 || agg.States[0].State != "CA" {
		t.Fatalf("states: %+v", agg.States)
	}
}

// tapeLookup is what the ledger knows after the tape: each loan's cut-off
// balance and days past due.
func tapeLookup(t *testing.T) func(string) (loantape.PriorLoan, int, bool) {
	rows := readAll[ALRow](t, NewALReader(open(t, "tape_2026_03.csv")))
	known := map[string]ALRow{}
	for _, r := range rows {
		known[r.AssetNumber] = r
	}
	return func(a string) (loantape.PriorLoan, int, bool) {
		r, ok := known[a]
		return loantape.PriorLoan{EndBalance: r.EndingBalance}, r.DaysPastDue, ok
	}
}

// Hand-worked April 2026 report (testdata/report_2026_04.csv): M1 pays
// its instalment and a 10,000 curtailment, M2 pays off, M3 pays its
// instalment, M4 is liquidated from REO.
//
//	interest     1,504.17 + 1,100.00 + 911.46           =   3,515.63
//	scheduled    600 + 350 + 250                        =   1,200.00
//	prepayments  10,000 (curtailment) + 239,650 (payoff) = 249,650.00
//	defaults     M4's UPB removed                       = 310,000.00
//	recoveries   240,000 + 30,000 MI − 15,000 expenses  = 255,000.00
//	loss         310,000 − 255,000                      =  55,000.00 (= realizedLossAmount)
//	ending       1,105,000 − 1,200 − 249,650 − 310,000  = 544,150.00
//	WAC          (369,400×4.75% + 174,750×6.25%) / 544,150 = 0.05231715
func TestReportGolden(t *testing.T) {
	agg, err := ValidateReport(NewALReader(open(t, "report_2026_04.csv")), ReportRules{Lookup: tapeLookup(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]money.Amount{
		"interest":    {agg.InterestCollected, amt("3515.63")},
		"scheduled":   {agg.ScheduledPrincipal, amt("1200.00")},
		"prepayments": {agg.Prepayments, amt("249650.00")},
		"defaults":    {agg.ChargedOffPrincipal, amt("310000.00")},
		"recoveries":  {agg.Recoveries, amt("255000.00")},
		"beginning":   {agg.BeginningBalance, amt("1105000.00")},
		"ending":      {agg.EndingBalance, amt("544150.00")},
	}
	for name, g := range want {
		if g[0] != g[1] {
			t.Errorf("%s: got %s, want %s", name, g[0], g[1])
		}
	}
	if agg.ActiveCount != 2 || agg.PaidOffCount != 1 || agg.ChargedOffCount != 1 {
		t.Errorf("counts: %+v", agg)
	}
	if !agg.WeightedAverageCoupon.Equal(dec("0.05231715")) {
		t.Errorf("WAC %s", agg.WeightedAverageCoupon)
	}
	if loss := agg.ChargedOffPrincipal - agg.Recoveries; loss != amt("55000.00") {
		t.Errorf("net loss %s, want the realised loss 55000.00", loss)
	}
}

// A file's ignored columns are reported, and columns come in any order
// and letter case.
func TestALHeaderAnyOrder(t *testing.T) {
	b, err := os.ReadFile("testdata/tape_2026_03.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// Move the first column to the end, upper-case it, add an unknown one.
	var out []string
	for i, l := range lines {
		cells := strings.SplitN(l, ",", 2)
		if i == 0 {
			cells[0] = strings.ToUpper(cells[0])
		}
		out = append(out, cells[1]+","+cells[0]+",x")
	}
	out[0] = strings.TrimSuffix(out[0], ",x") + ",servicerWatchlistCode"
	rd := NewALReader(strings.NewReader(strings.Join(out, "\n")))
	rows := readAll[ALRow](t, rd)
	if len(rows) != 4 || rows[3].AssetNumber != "M4" {
		t.Fatalf("rows: %d", len(rows))
	}
	if ig := rd.IgnoredColumns(); len(ig) != 1 || ig[0] != "servicerWatchlistCode" {
		t.Fatalf("ignored: %v", ig)
	}
}
