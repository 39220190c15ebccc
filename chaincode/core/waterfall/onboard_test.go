package waterfall

import (
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnboardFromACertificate opens POOL MEASURES 2026-1 at period 1 from
// the figures its period-1 certificate prints (testdata/onboard, copied by
// hand from testdata/golden/pool_measures/expected.csv) and runs period 2:
// the result must be, to the byte, what the deal gives when it ran on the
// ledger from closing.
func TestOnboardFromACertificate(t *testing.T) {
	dir := filepath.Join("testdata", "golden", "pool_measures")
	full := runGoldenCase(t, dir)
	def := loadDefinition(t, "golden/pool_measures/definition.json")
	b, err := os.ReadFile(filepath.Join("testdata", "onboard", "pool_measures_after_1.json"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := ParseOnboarding(b)
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenState(def, o)
	if err != nil {
		t.Fatal(err)
	}
	var periods []Period
	pb, _ := os.ReadFile(filepath.Join(dir, "periods.json"))
	if err := json.Unmarshal(pb, &periods); err != nil {
		t.Fatal(err)
	}
	res, err := Run(def, st, periods[1])
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res)
	want, _ := json.Marshal(full[1])
	if string(got) != string(want) {
		t.Fatalf("period 2 after onboarding differs from the full run:\n%s\n%s", got, want)
	}
	for _, row := range readGoldenRows(t, filepath.Join(dir, "expected.csv")) {
		if row[0] != "2" {
			continue
		}
		if v, err := resultFigure(res, row[1]); err != nil || v != row[2] {
			t.Errorf("%s = %s (%v), want %s", row[1], v, err, row[2])
		}
	}
}

// TestOnboardingFiguresMustAgree refuses a certificate whose figures
// contradict each other or the deal's terms, naming the field.
func TestOnboardingFiguresMustAgree(t *testing.T) {
	def := loadDefinition(t, "golden/pool_measures/definition.json")
	b, err := os.ReadFile(filepath.Join("testdata", "onboard", "pool_measures_after_1.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		mutate func(*Onboarding)
		want   string
	}{
		{"oc", func(o *Onboarding) { o.Overcollateralization += 1 },
			"onboarding.overcollateralization: adjusted pool 928000.00 − notes 873606.66 = 54393.34, the certificate says 54393.35"},
		{"ysoc off schedule", func(o *Onboarding) { o.YieldSupplement = amt("44000.00"); o.AdjustedPoolBalance = amt("929000.00") },
			"onboarding.yieldSupplement: the schedule fixed at closing gives 45000.00 after period 1, got 44000.00"},
		{"adjusted pool", func(o *Onboarding) { o.AdjustedPoolBalance = amt("973000.00") },
			"onboarding.adjustedPoolBalance: pool 973000.00 − YSOC 45000.00 = 928000.00, the certificate says 973000.00"},
		{"factor", func(o *Onboarding) { o.Classes[0].Factor = dec("0.968951") },
			"onboarding.classes[0].factor: printed 0.968951, but 823606.66 ÷ 850000.00 = 0.9689490117"},
		{"cnl ratio", func(o *Onboarding) { o.CumulativeNetLossRatio = dec("0.0017") },
			"onboarding.cumulativeNetLossRatio: printed 0.0017"},
		{"balance above original", func(o *Onboarding) {
			o.Classes[1].Balance = amt("50000.01")
			o.Classes[1].Factor = dec("1")
			o.Overcollateralization -= 1
		}, "state.classes[1].balance: balance 50000.01 plus written down 0.00 exceeds the original balance 50000.00"},
		{"period", func(o *Onboarding) { o.Period = 0 }, "onboarding.period: must be at least 1"},
		{"class order", func(o *Onboarding) { o.Classes[0].Class = "B" }, `state.classes[0].class: want "A" (definition order), got "B"`},
	} {
		o, err := ParseOnboarding(b)
		if err != nil {
			t.Fatal(err)
		}
		c.mutate(&o)
		_, err = OpenState(def, o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: OpenState() = %v\nwant it to contain %q", c.name, err, c.want)
		}
	}
	// On a payment schedule the date must be the scheduled business day.
	pd := loadDefinition(t, "golden/payment_dates/definition.json")
	o := Onboarding{Period: 1, PaymentDate: day("2026-02-15"), PoolBalance: amt("970000.00"),
		Overcollateralization: amt("100000.00")}
	if _, err := OpenState(pd, o); err == nil || !strings.Contains(err.Error(),
		"onboarding.paymentDate: want 2026-02-17, the payment date of period 1") {
		t.Errorf("OpenState() = %v, want the scheduled payment date", err)
	}
}

// TestOnboardingContinuesAnyDeal: over random deals with the certificate
// conventions, opening the deal at a random period from that period's
// certificate and running on gives the same bytes as never stopping.
func TestOnboardingContinuesAnyDeal(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	opened := 0
	for deal := 0; deal < 80; deal++ {
		def := withCertificateConventions(r, genDeal(r, deal%2 == 0))
		periods := withConventionInputs(r, def, genPeriods(r, def, 4+r.Intn(12)))
		full, err := Replay(def, mustState(t, def), periods)
		if err != nil {
			t.Fatalf("deal %d: %v", deal, err)
		}
		n := r.Intn(len(full))
		if full[n].CleanUpCall || n == len(full)-1 {
			continue
		}
		st, err := OpenState(def, CertificateOf(def, full[n]))
		if err != nil {
			t.Fatalf("deal %d at period %d: %v", deal, n+1, err)
		}
		rest, err := Replay(def, st, periods[n+1:])
		if err != nil {
			t.Fatalf("deal %d after onboarding at %d: %v", deal, n+1, err)
		}
		for k := range rest {
			got, _ := json.Marshal(rest[k])
			want, _ := json.Marshal(full[n+1+k])
			if string(got) != string(want) {
				t.Fatalf("deal %d onboarded at %d: period %d differs", deal, n+1, n+2+k)
			}
		}
		opened++
	}
	if opened < 30 {
		t.Fatalf("only %d deals onboarded", opened)
	}
}
