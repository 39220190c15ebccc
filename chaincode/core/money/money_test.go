package money

import (
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParse(t *testing.T) {
	good := map[string]Amount{"0": 0, "1": 100, "1.5": 150, "-0.01": -1, "1234.56": 123456, " 7.10 ": 710, "1.500": 150}
	for s, want := range good {
		got, err := Parse(s)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "abc", "1.234", "1e400", "99999999999999999999", "NaN", "0x10", "1e-10000000", "1e99999999"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", s)
		}
	}
}

func TestParseLenientRoundsHalfUp(t *testing.T) {
	cases := map[string]Amount{"29019.59000000": 2901959, "0.005": 1, "0.0049": 0, "-0.005": -1, "12.345": 1235}
	for s, want := range cases {
		got, err := ParseLenient(s)
		if err != nil || got != want {
			t.Errorf("ParseLenient(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
}

func TestHostileExponentsAreRefusedQuickly(t *testing.T) {
	for _, s := range []string{"1e-10000000", "1e99999999", "-5e-999999999"} {
		if _, err := ParseLenient(s); err == nil {
			t.Errorf("ParseLenient(%q) succeeded", s)
		}
	}
}

func TestStringAndJSON(t *testing.T) {
	if s := Cents(-5).String(); s != "-0.05" {
		t.Fatalf("got %s", s)
	}
	b, _ := json.Marshal(struct{ A Amount }{Cents(123450)})
	if string(b) != `{"A":"1234.50"}` {
		t.Fatalf("got %s", b)
	}
	var v struct{ A Amount }
	if err := json.Unmarshal([]byte(`{"A":12.3}`), &v); err != nil || v.A != 1230 {
		t.Fatalf("unmarshal number: %v %v", v.A, err)
	}
	if err := json.Unmarshal([]byte(`{"A":"1.001"}`), &v); err == nil {
		t.Fatal("want error for 3 decimals")
	}
	if err := json.Unmarshal([]byte(`{"A":null}`), &v); err == nil {
		t.Fatal("want error for null")
	}
}

func TestOverflow(t *testing.T) {
	if _, err := MaxAmount.Add(1); err != ErrOverflow {
		t.Fatalf("want overflow, got %v", err)
	}
	if _, err := (-MaxAmount).Sub(1); err != ErrOverflow {
		t.Fatalf("want overflow, got %v", err)
	}
	if _, err := MaxAmount.MulRate(decimal.NewFromInt(3)); err != ErrOverflow {
		t.Fatalf("want overflow, got %v", err)
	}
}

func TestMulRate(t *testing.T) {
	// 1,000,000.00 at 1.00% / 12 = 833.333.. -> 833.33
	fee, err := FromMajor(1_000_000).MulRate(decimal.RequireFromString("0.01").Div(decimal.NewFromInt(12)))
	if err != nil || fee != 83333 {
		t.Fatalf("fee = %v, %v", fee, err)
	}
	// half-up: 0.125 -> 0.13
	if v, _ := Cents(25).MulRate(decimal.RequireFromString("0.5")); v != 13 {
		t.Fatalf("half-up: got %v", v)
	}
	if v, _ := Cents(25).MulRateFloor(decimal.RequireFromString("0.5")); v != 12 {
		t.Fatalf("floor: got %v", v)
	}
}

// Allocate must hand out exactly the total, never more than a cent away from
// the exact pro-rata share, whatever the weights.
func TestAllocateConserves(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 5000; n++ {
		k := 1 + r.Intn(6)
		ws := make([]Amount, k)
		for i := range ws {
			if r.Intn(5) > 0 {
				ws[i] = Amount(r.Int63n(1e12))
			}
		}
		total := Amount(r.Int63n(1e11))
		parts, un, err := Allocate(total, ws)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := Sum(parts...)
		if s+un != total {
			t.Fatalf("parts %v + %v != total %v", parts, un, total)
		}
		var wsum Amount
		for _, w := range ws {
			wsum += w
		}
		if wsum > 0 && un != 0 {
			t.Fatalf("unallocated %v with positive weights", un)
		}
		for i, w := range ws {
			if w == 0 && parts[i] != 0 {
				t.Fatalf("zero weight got %v", parts[i])
			}
			if wsum > 0 {
				exact := total.Decimal().Mul(w.Decimal()).Div(wsum.Decimal())
				if diff := parts[i].Decimal().Sub(exact).Abs(); diff.GreaterThanOrEqual(decimal.RequireFromString("0.01")) {
					t.Fatalf("part %d = %v, exact %v", i, parts[i], exact)
				}
			}
		}
	}
}

func TestAllocateNegativeWeight(t *testing.T) {
	if _, _, err := Allocate(100, []Amount{1, -1}); err == nil {
		t.Fatal("want error")
	}
}

func TestRatio(t *testing.T) {
	if r := Ratio(1, 3, 4); r.String() != "0.3333" {
		t.Fatalf("got %s", r)
	}
	if r := Ratio(1, 0, 4); !r.IsZero() {
		t.Fatalf("got %s", r)
	}
}
