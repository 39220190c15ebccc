package main

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// How the demo writes numbers: amounts with thousands separators and two
// decimals (money.Amount never goes through a float), ratios as
// percentages or factors at a fixed precision, transaction IDs
// shortened so a line stays readable.

// usd writes an amount as 12,345,678.90.
func usd(a money.Amount) string {
	s := a.String() // "-12345678.90"
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, cents, _ := strings.Cut(s, ".")
	return sign + groupThousands(whole) + "." + cents
}

// units writes a count of units as 12,345,000.
func units(n int64) string {
	if n < 0 {
		return "-" + groupThousands(fmt.Sprint(-n))
	}
	return groupThousands(fmt.Sprint(n))
}

func groupThousands(digits string) string {
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// pct writes a fraction as a percentage with the given decimals:
// pct(0.04012, 2) is "4.01%".
func pct(f decimal.Decimal, places int32) string {
	return f.Shift(2).StringFixed(places) + "%"
}

// factor writes a factor (a balance over its original) to four places.
func factor(f decimal.Decimal) string { return f.StringFixed(4) }

// ratio is a ÷ b to ten places, zero when b is zero.
func ratio(a, b money.Amount) decimal.Decimal {
	if b == 0 {
		return decimal.Zero
	}
	return money.Ratio(a, b, 10)
}

// shortTx shortens a Fabric transaction ID (64 hex digits) to its first
// ten, which is enough to find it in a peer or gateway log.
func shortTx(id string) string {
	if len(id) > 10 {
		return id[:10] + "…"
	}
	return id
}

// txList writes a list of transaction IDs compactly: all of them when
// there are few, otherwise the count with the first and the last.
func txList(ids []string) string {
	switch len(ids) {
	case 0:
		return "no transaction"
	case 1:
		return "tx " + shortTx(ids[0])
	case 2, 3:
		short := make([]string, len(ids))
		for i, id := range ids {
			short[i] = shortTx(id)
		}
		return "txs " + strings.Join(short, " ")
	}
	return fmt.Sprintf("%d txs %s … %s", len(ids), shortTx(ids[0]), shortTx(ids[len(ids)-1]))
}

// table lays out rows of cells in columns: the first column left-aligned,
// the others right-aligned (they hold numbers), two spaces apart.
type table struct {
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// lines renders the table, each line starting with indent.
func (t *table) lines(indent string) []string {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	out := make([]string, 0, len(t.rows))
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			switch {
			case i == 0:
				b.WriteString(c + pad)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}
