package cardtrust

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// TestGoldenSeriesWaterfall feeds series 2026-2's six months (the golden
// trust) to its deal waterfall, testdata/series_2026_2.json: Class A
// 180,000,000 at 5.75%, Class B 20,000,000 at 8.25% (a 6.00% weighted
// coupon, the series' base rate with the 2.00% servicing fee), 30/360,
// interest periods from the 15th to the 15th (period 1 from the
// closing date, 2026-01-15, to 2026-02-15), run through
// distribution.Compute from the aggregates a deal's report declares, as
// Servicing:Certify does. Worked by hand:
//
//   - periods 1–4 (revolving): the pool stays at 200,000,000 (defaults are
//     reinstated); fee 200m × 2% / 12 = 333,333.33, A 180m × 5.75% / 12 =
//     862,500.00, B 20m × 8.25% / 12 = 137,500.00; no principal; the
//     transferor gets the rest: period 1 3,200,000 − 1,333,333.33 =
//     1,866,666.67; period 4 2,100,000 − 1,333,333.33 = 766,666.67.
//   - period 5 (early amortization): available 2,800,000 + 200,000.01 +
//     36,000,000 = 39,000,000.01; pool 200m − 36m − 1m = 163,000,000, so
//     principal due 37,000,000 to A (the default covered by finance
//     charges); transferor 39,000,000.01 − 1,333,333.33 − 37,000,000 =
//     666,666.68; A 143,000,000.
//   - period 6: available 2,282,000 + 163,000 + 40,000,000 = 42,445,000;
//     fee 163m × 2% / 12 = 271,666.67; A 143m × 5.75% / 12 = 685,208.33;
//     B 137,500.00; principal 163m − 122,185,000 = 40,815,000 to A;
//     transferor 42,445,000 − 271,666.67 − 685,208.33 − 137,500 −
//     40,815,000 = 535,625.00; A 102,185,000.
func TestGoldenSeriesWaterfall(t *testing.T) {
	b, err := os.ReadFile("testdata/series_2026_2.json")
	if err != nil {
		t.Fatal(err)
	}
	def, err := waterfall.ParseDefinition(b)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := waterfall.NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	tr := loadTrust(t)
	st := NewState(&tr)
	want := map[int][]string{
		1: {"0 fee servicing 333333.33 333333.33", "1 interest A 862500.00 862500.00", "2 interest B 137500.00 137500.00", "5 residual Transferor 1866666.67 1866666.67"},
		4: {"0 fee servicing 333333.33 333333.33", "1 interest A 862500.00 862500.00", "2 interest B 137500.00 137500.00", "5 residual Transferor 766666.67 766666.67"},
		5: {"0 fee servicing 333333.33 333333.33", "1 interest A 862500.00 862500.00", "2 interest B 137500.00 137500.00",
			"3 principal A 37000000.00 37000000.00", "5 residual Transferor 666666.68 666666.68"},
		6: {"0 fee servicing 271666.67 271666.67", "1 interest A 685208.33 685208.33", "2 interest B 137500.00 137500.00",
			"3 principal A 40815000.00 40815000.00", "5 residual Transferor 535625.00 535625.00"},
	}
	wantA := map[int]string{4: "180000000.00", 5: "143000000.00", 6: "102185000.00"}
	for _, r := range loadReports(t) {
		res, err := Run(&tr, st, r)
		if err != nil {
			t.Fatal(err)
		}
		st = res.NewState
		// The deal's period as Servicing:Certify computes it: declared
		// aggregates checked against the deal's pool, paid on the 15th of
		// the next month.
		agg := res.SeriesAggregates(res.SeriesIndex("2026-2"), r.Period)
		if err := distribution.CheckDeclared(agg, agg.Period, ws.PoolBalance); err != nil {
			t.Fatalf("period %d: %v", r.Period, err)
		}
		pay, err := distribution.PaymentDate(agg.Period.Ending, 15)
		if err != nil {
			t.Fatal(err)
		}
		out, err := distribution.Compute(distribution.Inputs{Definition: def, Prior: ws,
			Period: distribution.PeriodInputs{Aggregates: agg, PaymentDate: pay}})
		if err != nil {
			t.Fatalf("period %d: %v", r.Period, err)
		}
		wr := out.Result
		ws = wr.NewState
		if w, ok := want[r.Period]; ok {
			var got []string
			for _, pay := range wr.Payments {
				got = append(got, fmt.Sprintf("%d %s %s %s %s", pay.Step, pay.Kind, pay.Class+pay.Fee, pay.Due, pay.Paid))
			}
			if strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("period %d payments:\n got  %s\n want %s", r.Period, strings.Join(got, "\n      "), strings.Join(w, "\n      "))
			}
		}
		if w, ok := wantA[r.Period]; ok && wr.Classes[0].EndingBalance.String() != w {
			t.Errorf("period %d: class A ends at %s, want %s", r.Period, wr.Classes[0].EndingBalance, w)
		}
		if wr.Pool.EndingBalance != res.Series[1].EndingInvestedAmount {
			t.Errorf("period %d: the deal's pool %s is not the series' invested amount %s", r.Period, wr.Pool.EndingBalance, res.Series[1].EndingInvestedAmount)
		}
	}
}
