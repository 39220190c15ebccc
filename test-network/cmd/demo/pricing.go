package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/projection"
)

// The pricing step: an investor at the investor bank asks its own gateway
// to project the deal from its last certified state and price the notes
// (POST /v1/deals/{deal}/projections). The gateway reads the state, the
// waterfall and the sealed pool's statistics from the ledger and runs the
// waterfall the trustee certifies with, forward, month by month; nothing
// is written.

// pricingAfter is the period after whose certification the deal is priced.
const pricingAfter = 3

// projectionAnswer is the part of the gateway's answer the demo prints.
type projectionAnswer struct {
	Period     int                    `json:"period"`
	Loans      []projection.Loan      `json:"loans"`
	Projection projection.Projection  `json:"projection"`
	Grid       *projection.GridResult `json:"grid"`
}

// pricingRequest is the base case (1.5% ABS, 2% CDR, half lost, recovered
// three months after a charge-off at 120 days, SOFR on the fixings' path)
// and a 3 × 3 grid around it.
func pricingRequest() map[string]any {
	dec := decimal.RequireFromString
	return map[string]any{
		"assumptions": projection.Assumptions{
			Prepayment:      projection.Prepayment{Kind: projection.ABS, Rate: dec("0.015")},
			Defaults:        projection.Defaults{Kind: projection.CDR, Rate: dec("0.02")},
			Severity:        dec("0.5"),
			RecoveryLag:     3,
			ChargeOffMonths: 3,
			IndexCurves:     []projection.IndexCurve{{Index: sofr, Rates: sofrCurve(pricingAfter)}},
		},
		"pricing": projection.Pricing{
			Benchmark: []projection.CurvePoint{{Years: dec("0.5"), Rate: dec("0.0415")}, {Years: dec("1"), Rate: dec("0.0405")},
				{Years: dec("2"), Rate: dec("0.0392")}, {Years: dec("3"), Rate: dec("0.0388")}},
			Breakeven: true,
		},
		"grid": map[string]any{
			"prepayments": []projection.Prepayment{{Kind: projection.ABS, Rate: dec("0.01")}, {Kind: projection.ABS, Rate: dec("0.015")}, {Kind: projection.ABS, Rate: dec("0.02")}},
			"defaults":    []projection.Defaults{{Kind: projection.CDR, Rate: dec("0.01")}, {Kind: projection.CDR, Rate: dec("0.04")}, {Kind: projection.CDR, Rate: dec("0.08")}},
		},
	}
}

// sofrCurve is the forward curve from the period after `after`: the rest
// of the fixings' path, its last rate held.
func sofrCurve(after int) []decimal.Decimal {
	var out []decimal.Decimal
	for p := after + 1; p <= len(sofrFixings); p++ {
		out = append(out, fixingFor(p))
	}
	return out
}

func (d *demo) priceDeal() error {
	var ans projectionAnswer
	investor := d.investors[bob]
	if _, err := investor.post(d.ctx, "/v1/deals/"+d.dealID+"/projections", pricingRequest(), &ans); err != nil {
		return err
	}
	p := ans.Projection
	if len(ans.Loans) > 0 {
		l := ans.Loans[0]
		d.out.say("%s asks its own gateway (%s): projected from the certified state after period %d, %d periods to the end of the pool",
			investor, investor.gw.MSP, ans.Period, len(p.Pool))
		d.out.say("pool from its public statistics: %d loans, %s at %s WAC, %d months left; 1.5%% ABS, 2%% CDR, 50%% severity, SOFR forwards",
			l.Count, usd(l.Balance), pct(l.Rate, 2), l.RemainingTerm)
	}
	t := &table{}
	t.add("class", "WAL", "window", "yield @100", "spread", "mod dur", "loss", "breakeven CDR")
	for _, c := range p.Classes {
		a := c.Analytics
		if c.Residual || a == nil {
			continue
		}
		t.add(c.Class, fmt.Sprintf("%.2fy", a.WAL), window(a), orDash(a.Yield, "%.3f%%", 100), spreadText(a.SpreadBP),
			orDash(a.ModifiedDuration, "%.2f", 1), fmt.Sprintf("%.2f%%", a.LossFraction*100), breakevenText(a.BreakevenCDR))
	}
	d.out.lines(t.lines("           "))
	if ans.Grid == nil {
		return nil
	}
	d.out.say("grid, WAL in years (and loss when a class loses), by prepayment × default speed:")
	g := ans.Grid
	header := []string{"class", "prepay"}
	for _, df := range g.Defaults {
		header = append(header, "CDR "+pct(df.Rate, 0))
	}
	t = &table{}
	t.add(header...)
	for k, c := range g.Cells[0].Classes {
		for i, pp := range g.Prepayments {
			row := []string{c.Class, "ABS " + pct(pp.Rate, 1)}
			if i > 0 {
				row[0] = ""
			}
			for j := range g.Defaults {
				a := g.Cells[i*len(g.Defaults)+j].Classes[k].Analytics
				cell := fmt.Sprintf("%.2f", a.WAL)
				if a.LossFraction > 0 {
					cell += fmt.Sprintf(" (−%.1f%%)", a.LossFraction*100)
				}
				row = append(row, cell)
			}
			t.add(row...)
		}
	}
	d.out.lines(t.lines("           "))
	return d.reproduceCertified(investor)
}

// reproduceCertified projects the last certified period from the state
// before it with its certified inputs as the "assumption", and checks that
// every class is paid what the trustee's certification paid, to the cent.
func (d *demo) reproduceCertified(investor *actor) error {
	var cert struct {
		Inputs json.RawMessage `json:"inputs"`
	}
	if err := investor.get(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/certification", d.dealID, d.last.Period), &cert); err != nil {
		return err
	}
	req := pricingRequest()
	delete(req, "grid")
	req["pricing"] = projection.Pricing{}
	a := req["assumptions"].(projection.Assumptions)
	var actual distribution.PeriodInputs
	if err := json.Unmarshal(cert.Inputs, &actual); err != nil {
		return fmt.Errorf("period %d's certified inputs: %w", d.last.Period, err)
	}
	a.Actuals, a.Months = []distribution.PeriodInputs{actual}, 1
	req["assumptions"], req["fromPeriod"] = a, d.last.Period-1
	var ans projectionAnswer
	if _, err := investor.post(d.ctx, "/v1/deals/"+d.dealID+"/projections", req, &ans); err != nil {
		return err
	}
	for i, c := range ans.Projection.Classes {
		f, want := c.Flows[0], d.last.Classes[i]
		if f.Interest != want.InterestPaid || f.Principal != want.PrincipalPaid || f.Residual != want.ResidualPaid || f.Balance != want.EndingBalance {
			return fmt.Errorf("class %s: projecting period %d with its actual collections paid %+v, the certification %+v", c.Class, d.last.Period, f, want)
		}
	}
	d.out.say("✓ period %d projected from period %d's state with its certified collections pays every class what the certification paid, to the cent",
		d.last.Period, d.last.Period-1)
	return nil
}

func window(a *projection.Analytics) string {
	if a.FirstPrincipalPeriod == 0 {
		return "—"
	}
	return fmt.Sprintf("%d–%d", a.FirstPrincipalPeriod, a.LastPrincipalPeriod)
}

// orDash prints x × scale in format, or a dash when x is absent (a yield
// no price reaches).
func orDash(x *float64, format string, scale float64) string {
	if x == nil {
		return "—"
	}
	return fmt.Sprintf(format, *x*scale)
}

func spreadText(bp *float64) string {
	if bp == nil {
		return "—"
	}
	return strings.Replace(fmt.Sprintf("%+.0fbp", *bp), "-", "−", 1)
}

func breakevenText(cdr *float64) string {
	if cdr == nil {
		return "none"
	}
	return fmt.Sprintf("%.2f%%", *cdr*100)
}
