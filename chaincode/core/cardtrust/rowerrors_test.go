package cardtrust

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

const header = "trustId,period,reportingMonth,beginningPrincipalReceivables,financeChargeCollections,principalCollections,defaultedReceivables,recoveries,newReceivables,endingPrincipalReceivables,portfolioYield,paymentRate\n"

const goodRow = "CARDS-MT,1,2026-01,1000000000.00,15000000.00,200000000.00,5000000.00,1000000.00,210000000.00,1005000000.00,0.1800,0.2150\n"

// TestReportRowErrors: each bad row is refused with its line, field and
// rule, and the good rows around it are still read.
func TestReportRowErrors(t *testing.T) {
	cases := []struct {
		name, row, field, rule string
	}{
		{"empty cell", strings.Replace(goodRow, ",1000000.00,", ",,", 1), "recoveries", loantape.RuleRequired},
		{"not an amount", strings.Replace(goodRow, "15000000.00", "15,000,000", 1), "", loantape.RuleFieldCount},
		{"three places", strings.Replace(goodRow, "15000000.00", "15000000.001", 1), "financeChargeCollections", loantape.RuleNumber},
		{"negative", strings.Replace(goodRow, ",5000000.00,", ",-5000000.00,", 1), "defaultedReceivables", loantape.RuleNegativeAmount},
		{"bad month", strings.Replace(goodRow, "2026-01", "2026-13", 1), "reportingMonth", loantape.RuleDate},
		{"bad period", strings.Replace(goodRow, ",1,", ",0,", 1), "period", loantape.RuleNumber},
		{"rate text", strings.Replace(goodRow, "0.1800", "18%", 1), "portfolioYield", loantape.RuleNumber},
		{"roll-forward", strings.Replace(goodRow, "1005000000.00", "1005000000.01", 1), "endingPrincipalReceivables", RuleReceivablesRollforward},
		{"yield", strings.Replace(goodRow, "0.1800", "0.1801", 1), "portfolioYield", RuleYieldMismatch},
		{"yield precision", strings.Replace(goodRow, "0.1800", "0.18004", 1), "portfolioYield", RuleYieldMismatch},
		{"payment rate", strings.Replace(goodRow, "0.2150", "0.2149", 1), "paymentRate", RulePaymentRateMismatch},
		{"defaults over receivables", "CARDS-MT,1,2026-01,100.00,0.00,60.00,50.00,0.00,10.00,0.00,0.0000,0.6000\n", "defaultedReceivables", RuleDefaultsOverReceivable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := header + goodRow + c.row + goodRow
			reps, bad, err := ReadAll(strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			if len(reps) != 2 || len(bad) != 1 {
				t.Fatalf("want 2 reports and 1 error, got %d and %v", len(reps), bad)
			}
			e := bad[0]
			if e.Line != 3 || e.Field != c.field || e.Rule != c.rule {
				t.Fatalf("got line %d field %q rule %q (%v), want line 3 field %q rule %q", e.Line, e.Field, e.Rule, e, c.field, c.rule)
			}
		})
	}
}

// TestReportFileErrors: header problems end the file on line 1.
func TestReportFileErrors(t *testing.T) {
	cases := []struct{ name, in, field, rule string }{
		{"empty", "", "", loantape.RuleHeader},
		{"missing column", strings.Replace(header, ",recoveries", "", 1) + goodRow, "recoveries", loantape.RuleMissingColumn},
		{"duplicate column", strings.Replace(header, "\n", ",Recoveries\n", 1), "recoveries", loantape.RuleDuplicateColumn},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadAll(strings.NewReader(c.in))
			var re *loantape.RowError
			if !errors.As(err, &re) || !re.Fatal() || re.Line != 1 || re.Field != c.field || re.Rule != c.rule {
				t.Fatalf("got %#v, want a fatal %s on line 1 field %q", err, c.rule, c.field)
			}
		})
	}
}

// TestReaderHeaderAnyOrder reads columns in another order and case, with
// an extra column, CRLF line ends and a blank line.
func TestReaderHeaderAnyOrder(t *testing.T) {
	in := "Notes,PAYMENTRATE,portfolioYield,endingPrincipalReceivables,newReceivables,recoveries,defaultedReceivables,principalCollections,financeChargeCollections,beginningPrincipalReceivables,reportingMonth,period,trustId\r\n" +
		"x,0.2150,0.1800,1005000000.00,210000000.00,1000000.00,5000000.00,200000000.00,15000000.00,1000000000.00,2026-01,1,CARDS-MT\r\n\r\n"
	cr := NewCSVReader(strings.NewReader(in))
	got, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	want := loadReports(t)[0]
	if !bytes.Equal(got.Canonical(), want.Canonical()) {
		t.Fatalf("got %s\nwant %s", got.Canonical(), want.Canonical())
	}
	if ig := cr.IgnoredColumns(); len(ig) != 1 || ig[0] != "Notes" {
		t.Fatalf("ignored %v", ig)
	}
}

// TestWriteCSVRoundTrip: WriteCSV writes what the reader reads back.
func TestWriteCSVRoundTrip(t *testing.T) {
	reps := loadReports(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, reps); err != nil {
		t.Fatal(err)
	}
	back, bad, err := ReadAll(&buf)
	if err != nil || len(bad) > 0 || len(back) != len(reps) {
		t.Fatalf("%v %v %d", err, bad, len(back))
	}
	for i := range reps {
		if !bytes.Equal(reps[i].Canonical(), back[i].Canonical()) {
			t.Fatalf("report %d: %s ≠ %s", i, reps[i].Canonical(), back[i].Canonical())
		}
	}
}

// TestTrustCheck: a report that does not follow the trust's state is
// refused with the rule it breaks, and Run changes nothing.
func TestTrustCheck(t *testing.T) {
	tr := loadTrust(t)
	reps := loadReports(t)
	st := NewState(&tr)
	before := string(mustJSON(t, st))
	cases := []struct {
		name  string
		edit  func(r *Report)
		field string
		rule  string
	}{
		{"other trust", func(r *Report) { r.TrustID = "OTHER" }, "trustId", RuleTrustMismatch},
		{"skipped period", func(r *Report) { r.Period = 2 }, "period", loantape.RulePeriodOrder},
		{"wrong month", func(r *Report) { r.ReportingMonth = Month{2026, 2} }, "reportingMonth", RuleMonthSequence},
	}
	for _, c := range cases {
		r := reps[0]
		c.edit(&r)
		_, err := Run(&tr, st, r)
		var re *loantape.RowError
		if !errors.As(err, &re) || re.Field != c.field || re.Rule != c.rule {
			t.Errorf("%s: got %v, want field %s rule %s", c.name, err, c.field, c.rule)
		}
	}
	res, err := Run(&tr, st, reps[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(&tr, res.NewState, reps[2]); err == nil {
		t.Error("period 3 after period 1 was accepted")
	}
	r2 := reps[1]
	r2.BeginningPrincipalReceivables += 100
	r2.EndingPrincipalReceivables += 100
	_, err = Run(&tr, res.NewState, r2)
	var re *loantape.RowError
	if !errors.As(err, &re) || re.Rule != RuleReceivablesContinuity {
		t.Errorf("continuity: got %v", err)
	}
	if string(mustJSON(t, st)) != before {
		t.Error("Run changed the state it was given")
	}
}

func TestParseTrustRefusesBadTerms(t *testing.T) {
	b, err := os.ReadFile("testdata/trust_2026.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		`"expectedFinalPeriod": 6`:                      "series[0].expectedFinalPeriod",
		`"investedAmount": "400000000.00"`:              "series[0].investedAmount",
		`"name": "2026-2"`:                              "series[1].name",
		`"minSellerInterest": "0.07"`:                   "minSellerInterest",
		`"initialReceivables": "1000000000.00"`:         "series",
		`"controlledAccumulationAmount": "50000000.00"`: "series[1].controlledAccumulationAmount",
	}
	repl := map[string]string{
		`"expectedFinalPeriod": 6`:                      `"expectedFinalPeriod": 2`,
		`"investedAmount": "400000000.00"`:              `"investedAmount": "0"`,
		`"name": "2026-2"`:                              `"name": "2026-1"`,
		`"minSellerInterest": "0.07"`:                   `"minSellerInterest": "1.5"`,
		`"initialReceivables": "1000000000.00"`:         `"initialReceivables": "500000000.00"`,
		`"controlledAccumulationAmount": "50000000.00"`: `"controlledAccumulationAmount": "250000000.00"`,
	}
	for from, field := range cases {
		_, err := ParseTrust([]byte(strings.Replace(string(b), from, repl[from], 1)))
		if err == nil || !strings.Contains(err.Error(), field+":") {
			t.Errorf("%s: got %v, want an error on %s", repl[from], err, field)
		}
	}
	if _, err := ParseTrust([]byte(strings.Replace(string(b), `"name": "Tranchenet`, `"nmae": "Tranchenet`, 1))); err == nil {
		t.Error("a misspelt field was accepted")
	}
}
