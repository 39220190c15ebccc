package loantape

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// The fast amount parser agrees with money.ParseLenient on every plain
// decimal, including half-way cases, long fractions and the overflow edge.
func TestParseAmountMatchesMoney(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	cases := []string{"0", "-0", "+0.005", "0.005", "-0.005", "0.0049999999", "1.995", "-1.995", ".5", "5.", "-.125",
		"25878.59", "10034.56499999", "46116860184273879.03", "46116860184273879.04", "999999999999999.995", "-999999999999999.995"}
	for range 20000 {
		s := digits(rng.IntN(19))
		if rng.IntN(3) > 0 {
			s += "." + digits(rng.IntN(10))
		}
		if rng.IntN(4) == 0 {
			s = "-" + s
		}
		if plainDecimal(s) {
			cases = append(cases, s)
		}
	}
	for _, s := range cases {
		got, gotErr := parseAmount(s)
		want, wantErr := money.ParseLenient(s)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("parseAmount(%q) = %v, %v; money.ParseLenient = %v, %v", s, got, gotErr, want, wantErr)
		}
	}
}

func TestAppendAmountMatchesString(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	vals := []money.Amount{0, 1, -1, 99, -99, 100, -100, 105, money.MaxAmount, -money.MaxAmount}
	for range 10000 {
		vals = append(vals, money.Cents(rng.Int64N(int64(money.MaxAmount))>>rng.IntN(63)*int64(1-2*rng.IntN(2))))
	}
	for _, a := range vals {
		if got := string(appendAmount(nil, a)); got != a.String() {
			t.Fatalf("appendAmount(%d) = %q, want %q", a.Cents(), got, a.String())
		}
	}
}

func TestAppendDigits(t *testing.T) {
	for _, tt := range []struct {
		n, w int
		want string
	}{{0, 2, "00"}, {7, 2, "07"}, {12, 2, "12"}, {2020, 4, "2020"}, {987, 4, "0987"}, {12345, 4, "12345"}, {0, 1, "0"}} {
		if got := string(appendDigits(nil, tt.n, tt.w)); got != tt.want {
			t.Errorf("appendDigits(%d, %d) = %q, want %q", tt.n, tt.w, got, tt.want)
		}
	}
}
