package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

func TestUSDGroupsThousandsAndKeepsTheCents(t *testing.T) {
	for _, tt := range []struct {
		cents int64
		want  string
	}{
		{0, "0.00"}, {5, "0.05"}, {99_999, "999.99"}, {100_000, "1,000.00"},
		{123_456_789, "1,234,567.89"}, {-100_000, "-1,000.00"}, {-5, "-0.05"},
		{2_488_421_104, "24,884,211.04"},
	} {
		if got := usd(money.Amount(tt.cents)); got != tt.want {
			t.Errorf("usd(%d cents) = %q, want %q", tt.cents, got, tt.want)
		}
	}
}

func TestUnitsGroupsThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 23_388_000: "23,388,000", -1000: "-1,000"} {
		if got := units(n); got != want {
			t.Errorf("units(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercentagesAndFactors(t *testing.T) {
	if got := pct(decimal.RequireFromString("0.040123"), 2); got != "4.01%" {
		t.Errorf("pct = %q", got)
	}
	if got := factor(ratio(money.FromMajor(3), money.FromMajor(4))); got != "0.7500" {
		t.Errorf("factor = %q", got)
	}
	if got := ratio(money.FromMajor(3), 0); !got.IsZero() {
		t.Errorf("ratio over zero = %s", got)
	}
}

func TestTxListShortensLongLists(t *testing.T) {
	id := func(c byte) string { return strings.Repeat(string(c), 64) }
	if got := txList(nil); got != "no transaction" {
		t.Errorf("%q", got)
	}
	if got := txList([]string{id('a')}); got != "tx aaaaaaaaaa…" {
		t.Errorf("%q", got)
	}
	if got := txList([]string{id('a'), id('b')}); got != "txs aaaaaaaaaa… bbbbbbbbbb…" {
		t.Errorf("%q", got)
	}
	got := txList([]string{id('a'), id('b'), id('c'), id('d')})
	if got != "4 txs aaaaaaaaaa… … dddddddddd…" {
		t.Errorf("%q", got)
	}
}

func TestTableAlignsNumbersRight(t *testing.T) {
	tb := &table{}
	tb.add("class", "balance")
	tb.add("A-1", "4,230,000.00")
	tb.add("Cert", "0.00")
	got := tb.lines("  ")
	want := []string{
		"  class       balance",
		"  A-1    4,230,000.00",
		"  Cert           0.00",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTriggerTextStatesValueAgainstThreshold(t *testing.T) {
	d := decimal.RequireFromString
	got := triggerText([]waterfall.TriggerResult{
		{Trigger: "delinquency", Test: waterfall.Delinquency, Value: d("0.0401"), Threshold: d("0.03"), Failed: true, Breached: true, Effect: waterfall.Turbo},
		{Trigger: "cnl", Test: waterfall.CumulativeNetLoss, Value: d("0.0066"), Threshold: d("0.015"), Effect: waterfall.Turbo},
		{Trigger: "oc", Test: waterfall.Overcollateralization, Value: d("1.02"), Threshold: d("1.05"), Failed: true, Breached: true, Effect: waterfall.Sequential},
		{Trigger: "again", Test: waterfall.Delinquency, Value: d("0.02"), Threshold: d("0.03"), Cured: true, Effect: waterfall.Turbo},
	})
	for _, want := range []string{
		"delinquency 4.01% > 3.00% BREACHED → turbo",
		"cnl 0.66% ≤ 1.50% ok",
		"oc 102.00% < 105.00% BREACHED → sequential",
		"again 2.00% ≤ 3.00% cured",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

func TestCallOutlookExtrapolatesTheYearsPace(t *testing.T) {
	initial, now := money.FromMajor(100_000), money.FromMajor(70_000)
	got := callOutlook(initial, now, 12, decimal.RequireFromString("0.10"))
	// 30,000 in 12 months is 2,500 a month; 60,000 more to reach 10,000.
	if !strings.Contains(got, "about 24 more months") || !strings.Contains(got, "2.50% of the original pool a month") {
		t.Errorf("%q", got)
	}
	if got := callOutlook(initial, now, 12, decimal.Zero); !strings.Contains(got, "no clean-up call") {
		t.Errorf("%q", got)
	}
	if got := callOutlook(initial, initial, 12, decimal.RequireFromString("0.10")); !strings.Contains(got, "not declining") {
		t.Errorf("%q", got)
	}
}

func TestClassTableShowsRepaidClassesAndTheResidual(t *testing.T) {
	d := decimal.RequireFromString
	res := waterfall.Result{ResidualPaid: money.FromMajor(18_436), Classes: []waterfall.ClassResult{
		{Class: "A-1", Factor: d("0")},
		{Class: "A-2", BeginningBalance: money.FromMajor(4_081_774), InterestRate: d("0.0447"), InterestPaid: money.FromMajor(15_711),
			PrincipalPaid: money.FromMajor(724_024), EndingBalance: money.FromMajor(3_357_750), Factor: d("0.4217")},
		{Class: "Cert"},
	}}
	got := strings.Join(classTable(res).lines(""), "\n")
	for _, want := range []string{"A-1    repaid", "4.470%", "724,024.00", "3,357,750.00  0.4217", "18,436.00"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\n") != 3 {
		t.Errorf("want a header and three classes:\n%s", got)
	}
}
