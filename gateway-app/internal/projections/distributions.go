package projections

import (
	"encoding/json"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// applyCertified records a certified period's distribution and the lines
// of this bank's clients who held its tranches, from the units the
// holdings projection last read for them.
func (p *Projector) applyCertified(w store.Writer, ev events.Event) error {
	pl, err := decode(ev)
	if err != nil || pl.Deal == "" {
		return nil
	}
	if err := w.PutReportEvent(store.ReportEvent{Stamp: stampOf(ev), Deal: pl.Deal, Period: pl.Period, ResultHash: pl.ResultHash}, position(ev)); err != nil {
		return err
	}
	f := factsOf(ev)
	if f == nil || f.Certification == nil {
		return nil
	}
	cert := f.Certification
	d := store.Distribution{Stamp: stampOf(ev), Deal: cert.Deal, Period: cert.Period, PaymentDate: cert.Inputs.PaymentDate.String(),
		ResultHash: cert.ResultHash, InputsHash: cert.InputsHash, ReserveCovered: cert.Reserve.Covered,
		EventOfDefault: eodOf(ev), Accelerated: cert.Accelerated, Classes: []store.ClassLine{}}
	for _, cd := range cert.Distributions {
		d.Classes = append(d.Classes, store.ClassLine{Class: cd.Class, Tranche: cd.Tranche, Payment: cd.Payment, Units: cd.Units,
			PerUnit: cd.Delta, IndexBefore: cd.IndexBefore, IndexAfter: cd.IndexAfter})
	}
	if err := w.PutDistribution(d); err != nil {
		return err
	}
	for _, cl := range d.Classes {
		if cl.Units == 0 {
			continue
		}
		holders, err := w.HoldersOf(cl.Tranche)
		if err != nil {
			return err
		}
		for _, holder := range holders {
			h, _, err := w.Holding(holder, cl.Tranche)
			if err != nil {
				return err
			}
			if h.Units == 0 {
				continue
			}
			claim, err := distribution.ClaimFor(h.Units, cl.IndexAfter, cl.IndexBefore)
			if err != nil {
				return err
			}
			line := store.StatementLine{Deal: d.Deal, Period: d.Period, Holder: holder, Tranche: cl.Tranche, Class: cl.Class, Units: h.Units,
				PerUnit: cl.PerUnit, Entitlement: claim.Amount.Decimal().Add(claim.Residue), Amount: claim.Amount}
			if err := w.PutStatementLine(line); err != nil {
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
