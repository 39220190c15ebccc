package waterfall

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// loadDefinition parses and validates a definition from testdata.
func loadDefinition(t testing.TB, name string) Definition {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	def, err := ParseDefinition(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return def
}

func amt(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

func day(s string) daycount.Date {
	d, err := daycount.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// report builds a period whose ending pool balance rolls forward from
// beginning, so each golden period states its collections once.
type report struct {
	period                  int
	start, end              string
	beginning               string
	interest, sched, prepay string
	defaults, recoveries    string
	dq30, dq60, dq90        string
	fixings                 map[string]string
	cleanUp                 bool
	cleanUpProceeds         string
}

func (r report) toPeriod() Period {
	z := func(s string) money.Amount {
		if s == "" {
			return 0
		}
		return amt(s)
	}
	p := Period{
		Period: r.period, AccrualStart: day(r.start), AccrualEnd: day(r.end),
		InterestCollections: z(r.interest), ScheduledPrincipal: z(r.sched), Prepayments: z(r.prepay),
		Defaults: z(r.defaults), Recoveries: z(r.recoveries),
		Delinquencies: Delinquencies{Days30to59: z(r.dq30), Days60to89: z(r.dq60), Days90Plus: z(r.dq90)},
		CleanUpCall:   r.cleanUp, CleanUpProceeds: z(r.cleanUpProceeds),
	}
	p.EndingPoolBalance = z(r.beginning) - p.ScheduledPrincipal - p.Prepayments - p.Defaults
	if len(r.fixings) > 0 {
		p.IndexFixings = map[string]decimal.Decimal{}
		for k, v := range r.fixings {
			p.IndexFixings[k] = dec(v)
		}
	}
	return p
}

// paymentLines renders payments as "step kind payee due paid", the form the
// golden tables are written in.
func paymentLines(ps []Payment) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		payee := p.Class + p.Fee + p.Account
		out[i] = fmt.Sprintf("%d %s %s %s %s", p.Step, p.Kind, payee, p.Due, p.Paid)
	}
	return out
}

func checkPayments(t *testing.T, label string, got []Payment, want []string) {
	t.Helper()
	g := paymentLines(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s payments:\n got:\n  %s\n want:\n  %s", label, strings.Join(g, "\n  "), strings.Join(want, "\n  "))
	}
}

// classWant is what a golden period expects of one class; empty fields
// are not checked.
type classWant struct {
	class                                string
	interestDue, interestPaid, principal string
	writeDown, ending                    string
}

func checkClasses(t *testing.T, label string, res Result, wants []classWant) {
	t.Helper()
	for _, w := range wants {
		var got *ClassResult
		for i := range res.Classes {
			if res.Classes[i].Class == w.class {
				got = &res.Classes[i]
			}
		}
		if got == nil {
			t.Errorf("%s: no class %s", label, w.class)
			continue
		}
		for _, f := range []struct {
			name string
			want string
			got  money.Amount
		}{
			{"interest due", w.interestDue, got.InterestDue},
			{"interest paid", w.interestPaid, got.InterestPaid},
			{"principal paid", w.principal, got.PrincipalPaid},
			{"write-down", w.writeDown, got.WriteDown},
			{"ending balance", w.ending, got.EndingBalance},
		} {
			if f.want != "" && f.got != amt(f.want) {
				t.Errorf("%s class %s %s = %s, want %s", label, w.class, f.name, f.got, f.want)
			}
		}
	}
}

func wantAmount(t *testing.T, label string, got money.Amount, want string) {
	t.Helper()
	if got != amt(want) {
		t.Errorf("%s = %s, want %s", label, got, want)
	}
}

func wantDecimal(t *testing.T, label string, got decimal.Decimal, want string) {
	t.Helper()
	if !got.Equal(dec(want)) {
		t.Errorf("%s = %s, want %s", label, got, want)
	}
}
