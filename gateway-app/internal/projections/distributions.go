package projections

import (
	"encoding/json"

	"github.com/shopspring/decimal"
	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/readmodel"
)

// Buckets of the distribution projection.
const (
	bucketDistributions = "rm.distributions"    // deal 0 period(4) → Distribution
	bucketLines         = "rm.statement.lines"  // deal 0 period(4) 0 holder 0 tranche → StatementLine
	bucketInvestorLines = "rm.statement.holder" // holder 0 deal 0 period(4) 0 tranche → StatementLine
)

// Distribution is a certified period as every bank sees it: what each
// class was paid per unit.
type Distribution struct {
	Stamp
	Deal           string      `json:"deal"`
	Period         int         `json:"period"`
	PaymentDate    string      `json:"paymentDate"`
	ResultHash     string      `json:"resultHash"`
	InputsHash     string      `json:"inputsHash"`
	ReserveCovered bool        `json:"reserveCovered"`
	EventOfDefault bool        `json:"eventOfDefault"`
	Accelerated    bool        `json:"accelerated"`
	Classes        []ClassLine `json:"classes"`
}

// ClassLine is one class's payment spread over its tranche's units.
type ClassLine struct {
	Class       string          `json:"class"`
	Tranche     string          `json:"tranche"`
	Payment     money.Amount    `json:"payment"`
	Units       int64           `json:"units" doc:"units outstanding the payment was spread over"`
	PerUnit     decimal.Decimal `json:"perUnit" doc:"the index increment: cash per unit, truncated to 12 places"`
	IndexBefore decimal.Decimal `json:"indexBefore"`
	IndexAfter  decimal.Decimal `json:"indexAfter"`
}

// StatementLine is what one client of this bank is due from one class in
// one period.
type StatementLine struct {
	Deal    string          `json:"deal"`
	Period  int             `json:"period"`
	Holder  string          `json:"holder"`
	Tranche string          `json:"tranche"`
	Class   string          `json:"class"`
	Units   int64           `json:"units" doc:"the client's units when the period was certified"`
	PerUnit decimal.Decimal `json:"perUnit"`
	// Entitlement is exact; Amount is what a claim of this period alone
	// pays (floored to the cent; claims of several periods floor once).
	Entitlement decimal.Decimal `json:"entitlement"`
	Amount      money.Amount    `json:"amount"`
}

// applyCertified records a certified period's distribution and the lines
// of this bank's clients who held its tranches, from the units the
// holdings projection last read for them.
func (p *Projector) applyCertified(tx *bbolt.Tx, ev events.Event) error {
	pl, err := decode(ev)
	if err != nil || pl.Deal == "" {
		return nil
	}
	if err := putReportEvent(tx, ev, ReportEvent{Stamp: stampOf(ev), Deal: pl.Deal, Period: pl.Period, ResultHash: pl.ResultHash}); err != nil {
		return err
	}
	f := factsOf(ev)
	if f == nil || f.Certification == nil {
		return nil
	}
	cert := f.Certification
	d := Distribution{Stamp: stampOf(ev), Deal: cert.Deal, Period: cert.Period, PaymentDate: cert.Inputs.PaymentDate.String(),
		ResultHash: cert.ResultHash, InputsHash: cert.InputsHash, ReserveCovered: cert.Reserve.Covered,
		EventOfDefault: eodOf(ev), Accelerated: cert.Accelerated, Classes: []ClassLine{}}
	for _, cd := range cert.Distributions {
		d.Classes = append(d.Classes, ClassLine{Class: cd.Class, Tranche: cd.Tranche, Payment: cd.Payment, Units: cd.Units,
			PerUnit: cd.Delta, IndexBefore: cd.IndexBefore, IndexAfter: cd.IndexAfter})
	}
	dists, err := readmodel.Bucket(tx, bucketDistributions)
	if err != nil {
		return err
	}
	if err := readmodel.PutJSON(dists, key(d.Deal, periodKey(d.Period)), d); err != nil {
		return err
	}
	lines, err := readmodel.Bucket(tx, bucketLines)
	if err != nil {
		return err
	}
	byHolder, err := readmodel.Bucket(tx, bucketInvestorLines)
	if err != nil {
		return err
	}
	snaps := tx.Bucket([]byte(bucketPositions))
	for _, cl := range d.Classes {
		if cl.Units == 0 {
			continue
		}
		for _, holder := range HoldersOf(tx, cl.Tranche) {
			var h Holding
			if _, err := readmodel.GetJSON(snaps, key(holder, cl.Tranche), &h); err != nil {
				return err
			}
			if h.Units == 0 {
				continue
			}
			claim, err := distribution.ClaimFor(h.Units, cl.IndexAfter, cl.IndexBefore)
			if err != nil {
				return err
			}
			line := StatementLine{Deal: d.Deal, Period: d.Period, Holder: holder, Tranche: cl.Tranche, Class: cl.Class, Units: h.Units,
				PerUnit: cl.PerUnit, Entitlement: claim.Amount.Decimal().Add(claim.Residue), Amount: claim.Amount}
			if err := readmodel.PutJSON(lines, key(d.Deal, periodKey(d.Period), holder, cl.Tranche), line); err != nil {
				return err
			}
			if err := readmodel.PutJSON(byHolder, key(holder, d.Deal, periodKey(d.Period), cl.Tranche), line); err != nil {
				return err
			}
		}
	}
	return nil
}

// eodOf reads the event of default flag of a PeriodCertified event.
func eodOf(ev events.Event) bool {
	var v struct {
		EventOfDefault bool `json:"eventOfDefault"`
	}
	json.Unmarshal(ev.Data, &v)
	return v.EventOfDefault
}

// Distributions lists a deal's certified periods, in period order.
func Distributions(tx *bbolt.Tx, deal string) ([]Distribution, error) {
	out := []Distribution{}
	err := scanPrefix(tx, bucketDistributions, key(deal, ""), func(v []byte) error {
		var d Distribution
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, err
}
