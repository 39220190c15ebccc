package loantape

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func openSample(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Open("testdata/ex102_autoloan_sample.xml")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestXMLSampleReport(t *testing.T) {
	rd := NewXMLReader[PeriodRow](openSample(t))
	var rows []PeriodRow
	var lines []int
	for r, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		rows, lines = append(rows, r), append(lines, rd.Line())
	}
	if len(rows) != 3 {
		t.Fatalf("read %d assets, want 3", len(rows))
	}
	if want := []int{3, 62, 123}; lines[0] != want[0] || lines[1] != want[1] || lines[2] != want[2] {
		t.Errorf("asset lines %v, want %v", lines, want)
	}
	first := rows[0]
	if first.AssetNumber != "998989999995846784" || first.ReportingPeriodEndingDate != (Date{2020, time.July, 31}) ||
		first.ReportingPeriodActualEndBalanceAmount != money.Cents(2556538) || first.ActualPrincipalCollectedAmount != money.Cents(31321) ||
		!first.ReportingPeriodInterestRatePercentage.Equal(decimal.RequireFromString("0.0687")) || first.RemainingTermToMaturityNumber != 64 {
		t.Errorf("first asset: %s", first.Canonical())
	}
	// Eight-decimal amounts are rounded half-up to the cent.
	payoff := rows[1]
	if payoff.ReportingPeriodBeginningLoanBalanceAmount != money.Cents(1003456) || payoff.ActualPrincipalCollectedAmount != money.Cents(1003456) ||
		payoff.ZeroBalanceCode != "1" || payoff.ZeroBalanceEffectiveDate != (Month{2020, time.July}) {
		t.Errorf("payoff asset: %s", payoff.Canonical())
	}
	if payoff.UnscheduledPrincipalCollected() != money.Cents(1003456-30741) {
		t.Errorf("payoff prepayment = %s", payoff.UnscheduledPrincipalCollected())
	}
	// A repeated element keeps its first value.
	if co := rows[2]; co.ReportingPeriodActualEndBalanceAmount != 0 || co.ChargedoffPrincipalAmount != money.Cents(1520000) {
		t.Errorf("charged-off asset: %s", co.Canonical())
	}

	agg, err := ValidateReport(NewXMLReader[PeriodRow](openSample(t)), ReportRules{Period: MonthlyPeriod(12, Month{2020, time.July})})
	if err != nil {
		t.Fatal(err)
	}
	if agg.ActiveCount != 1 || agg.PaidOffCount != 1 || agg.ChargedOffCount != 1 || agg.EndingBalance != money.Cents(2556538) ||
		agg.ChargedOffPrincipal != money.Cents(1520000) || agg.Prepayments != money.Cents(1003456-30741) {
		t.Errorf("aggregates: %+v", agg)
	}
}

func TestXMLSampleAsTape(t *testing.T) {
	// The same file read as a tape: the loan-level elements are there too.
	rd := NewXMLReader[Loan](openSample(t))
	l, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	if l.OriginationDate != (Month{2019, time.August}) || l.LoanMaturityDate != (Month{2025, time.November}) ||
		l.OriginalLoanAmount != money.Cents(2901959) || l.OriginalLoanTerm != 76 || l.ObligorGeographicLocation != "VT" ||
		l.ObligorCreditScore != 735 || l.VehicleManufacturerName != "CHEVROLET" || l.VehicleValueAmount != money.Cents(2929500) {
		t.Errorf("tape loan: %s", l.Canonical())
	}
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>
<assetData xmlns="http://www.sec.gov/edgar/document/absee/autoloan/assetdata">
`

// xmlAsset writes one assets element with one child per line.
func xmlAsset(fields map[string]string, order []string) string {
	var b strings.Builder
	b.WriteString("  <assets>\n")
	for _, n := range order {
		if v, ok := fields[n]; ok && v != "" {
			b.WriteString("    <" + n + ">" + v + "</" + n + ">\n")
		}
	}
	b.WriteString("  </assets>\n")
	return b.String()
}

func reportXML(rows ...map[string]string) string {
	var b strings.Builder
	b.WriteString(xmlHead)
	for _, r := range rows {
		b.WriteString(xmlAsset(r, reportHeader))
	}
	b.WriteString("</assetData>\n")
	return b.String()
}

var xmlFileCases = []fileCase{
	{name: "empty document", text: "",
		want: wantErr{1, "", "", RuleXMLRoot}, fatal: true},
	{name: "wrong root", text: `<?xml version="1.0"?>` + "\n<assetList>\n</assetList>\n",
		want: wantErr{2, "", "", RuleXMLRoot}, fatal: true},
	{name: "auto lease namespace",
		text: `<assetData xmlns="http://www.sec.gov/edgar/document/absee/autolease/assetdata"></assetData>`,
		want: wantErr{1, "", "", RuleXMLRoot}, fatal: true},
	{name: "mismatched tags",
		text: xmlHead + "  <assets>\n    <assetNumber>A</assetNumbr>\n  </assets>\n</assetData>\n",
		want: wantErr{4, "", "", RuleXMLSyntax}, fatal: true},
	{name: "truncated document",
		text: strings.TrimSuffix(reportXML(goodRow("A"), goodRow("B")), "  </assets>\n</assetData>\n"),
		want: wantErr{36, "B", "", RuleXMLSyntax}, fatal: true, records: 1},
	{name: "syntax error between assets names no loan",
		text: xmlHead + xmlAsset(goodRow("A"), reportHeader) + "  <assets x=>\n</assetData>\n",
		want: wantErr{20, "", "", RuleXMLSyntax}, fatal: true, records: 1},
	{name: "element holding elements",
		text: reportXML(goodRow("A"), goodRow("B", "zeroBalanceCode", "<code>1</code>"), goodRow("C")),
		want: wantErr{36, "B", "zeroBalanceCode", RuleXMLStructure}, records: 2},
	{name: "missing required element",
		text: reportXML(goodRow("A"), goodRow("B", "actualInterestCollectedAmount", "")),
		want: wantErr{20, "B", "actualInterestCollectedAmount", RuleRequired}, records: 1},
	{name: "bad date on its own line",
		text: reportXML(goodRow("A"), goodRow("B", "reportingPeriodEndingDate", "2020-07-32")),
		want: wantErr{23, "B", "reportingPeriodEndingDate", RuleDate}, records: 1},
	{name: "undeclared entity",
		text: reportXML(goodRow("A", "zeroBalanceCode", "&unknown;")),
		want: wantErr{19, "A", "", RuleXMLSyntax}, fatal: true},
}

func TestXMLMalformedFiles(t *testing.T) {
	for _, tc := range xmlFileCases {
		t.Run(tc.name, func(t *testing.T) {
			rd := NewXMLReader[PeriodRow](strings.NewReader(tc.text))
			var errs []error
			records := 0
			for _, err := range rd.All() {
				if err != nil {
					errs = append(errs, err)
				} else {
					records++
				}
			}
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			var re *RowError
			if !errors.As(errs[0], &re) {
				t.Fatalf("error %v is not a *RowError", errs[0])
			}
			if got := (wantErr{re.Line, re.AssetNumber, re.Field, re.Rule}); got != tc.want {
				t.Errorf("got %v, want %v (%v)", got, tc.want, re)
			}
			if re.Fatal() != tc.fatal || records != tc.records {
				t.Errorf("fatal %v, %d records; want %v, %d", re.Fatal(), records, tc.fatal, tc.records)
			}
		})
	}
}

func TestXMLNamespaceForms(t *testing.T) {
	body := xmlAsset(goodRow("A"), reportHeader)
	prefixed := strings.NewReplacer("<assets>", "<al:assets>", "</assets>", "</al:assets>").Replace(body)
	docs := map[string]string{
		"default namespace": xmlHead + body + "</assetData>",
		"no namespace":      "<assetData>\n" + body + "</assetData>",
		"prefixed":          `<al:assetData xmlns:al="` + Namespace + `">` + "\n" + prefixed + "</al:assetData>",
		"extra elements":    xmlHead + "<headerData><x>1</x></headerData>\n" + strings.Replace(body, "<assetNumber>", "<unknownElement a=\"1\">zz</unknownElement><assetNumber>", 1) + "</assetData>",
	}
	want, _ := NewXMLReader[PeriodRow](strings.NewReader(reportXML(goodRow("A")))).Read()
	for name, doc := range docs {
		rd := NewXMLReader[PeriodRow](strings.NewReader(doc))
		got, err := rd.Read()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(got.Canonical()) != string(want.Canonical()) {
			t.Errorf("%s: got %s", name, got.Canonical())
		}
		if _, err := rd.Read(); err == nil || err.Error() != "EOF" {
			t.Errorf("%s: then %v, want EOF", name, err)
		}
	}
}

func TestXMLLatin1(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<assetData>\n" +
		xmlAsset(goodLoan("A", "originatorName", "CR\xc9DIT AGRICOLE \xa9"), loanFields.names()) + "</assetData>\n"
	l, err := NewXMLReader[Loan](strings.NewReader(doc)).Read()
	if err != nil {
		t.Fatal(err)
	}
	if l.OriginatorName != "CRÉDIT AGRICOLE ©" {
		t.Errorf("originatorName = %q", l.OriginatorName)
	}
	_, err = NewXMLReader[Loan](strings.NewReader(strings.Replace(doc, "ISO-8859-1", "EBCDIC", 1))).Read()
	var re *RowError
	if !errors.As(err, &re) || !re.Fatal() || !strings.Contains(err.Error(), "EBCDIC") {
		t.Errorf("unsupported encoding: %v", err)
	}
}
