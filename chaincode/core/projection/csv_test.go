package projection

import "testing"

// A grid's CSV has a row per scenario × class, in grid order; an absent
// yield (and the spread and duration that hang on it) is an empty cell.
func TestGridCSVIsOneRowPerScenarioAndClass(t *testing.T) {
	y, d, s := 0.0525, 1.87, 112.5
	g := &GridResult{Cells: []GridCell{
		{Prepayment: Prepayment{Kind: ABS, Rate: dec("0.015")}, Defaults: Defaults{Kind: CDR, Rate: dec("0.02")}, Periods: 52,
			Classes: []GridClass{
				{Class: "A", Analytics: Analytics{WAL: 1.25, FirstPrincipalPeriod: 1, LastPrincipalPeriod: 30, Price: 100, Yield: &y, ModifiedDuration: &d, SpreadBP: &s}},
				{Class: "B", Analytics: Analytics{WAL: 3.1, FirstPrincipalPeriod: 30, LastPrincipalPeriod: 52, Price: 100, LossFraction: 0.97, YieldProblem: "no yield"}},
			}},
		{Prepayment: Prepayment{Kind: CPR, Rate: dec("0.1")}, Defaults: Defaults{Kind: LossCurve, CumulativeLoss: dec("0.08")}, Periods: 40, CleanUpCallPeriod: 40,
			Classes: []GridClass{{Class: "A", Analytics: Analytics{WAL: 1.1, Price: 99.5, Yield: &y, ModifiedDuration: &d}}}},
	}}
	got, err := g.CSV()
	if err != nil {
		t.Fatal(err)
	}
	want := "prepaymentKind,prepaymentRate,defaultsKind,defaultsRate,periods,cleanUpCallPeriod,class,wal,firstPrincipalPeriod,lastPrincipalPeriod,price,yield,spreadBp,modifiedDuration,lossFraction,yieldProblem\n" +
		"ABS,0.015,CDR,0.02,52,0,A,1.25,1,30,100,0.0525,112.5,1.87,0,\n" +
		"ABS,0.015,CDR,0.02,52,0,B,3.1,30,52,100,,,,0.97,no yield\n" +
		"CPR,0.1,lossCurve,0.08,40,40,A,1.1,0,0,99.5,0.0525,,1.87,0,\n"
	if string(got) != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
}
