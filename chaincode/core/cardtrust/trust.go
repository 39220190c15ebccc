package cardtrust

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Trust is a master trust's terms: the pool it starts from and the series
// issued from it. Every series takes part from the trust's first period.
type Trust struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// FirstMonth is the month of period 1's report.
	FirstMonth Month `json:"firstMonth"`
	// InitialReceivables are the pool's principal receivables at the start
	// of period 1 (the cut-off).
	InitialReceivables money.Amount `json:"initialReceivables"`
	// MinSellerInterest is the required minimum seller's interest as a
	// fraction of the series' adjusted invested amounts (e.g. 0.07); a
	// month ending below it is a pay-out event for every series.
	MinSellerInterest decimal.Decimal `json:"minSellerInterest"`
	Series            []Series        `json:"series"`
}

// Series is one series of notes issued from the trust.
type Series struct {
	Name string `json:"name"`
	// InvestedAmount is the series' initial invested amount: the principal
	// of its notes at issue.
	InvestedAmount money.Amount `json:"investedAmount"`
	// Coupon is the series' weighted average note coupon (annual); with
	// ServicingFeeRate it is the base rate excess spread is measured
	// against.
	Coupon           decimal.Decimal `json:"coupon"`
	ServicingFeeRate decimal.Decimal `json:"servicingFeeRate"`
	// AccumulationStart is the first period of the controlled accumulation
	// period: the revolving period is the periods before it.
	AccumulationStart int `json:"accumulationStart"`
	// ControlledAccumulationAmount is deposited each accumulation month
	// into the principal funding account (plus any earlier shortfall).
	ControlledAccumulationAmount money.Amount `json:"controlledAccumulationAmount"`
	// ExpectedFinalPeriod is the period whose payment date is the series'
	// expected final payment date: the principal funding account is paid
	// to noteholders then.
	ExpectedFinalPeriod int `json:"expectedFinalPeriod"`
}

// maxSeries bounds a trust's series list; real master trusts have issued
// a few dozen live series at most.
const maxSeries = 100

// ParseTrust decodes a trust strictly (unknown fields are errors) and
// validates it.
func ParseTrust(b []byte) (Trust, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var t Trust
	if err := dec.Decode(&t); err != nil {
		return Trust{}, errs.Field("trust", "%v", err)
	}
	if dec.More() {
		return Trust{}, errs.Field("trust", "trailing data after the trust object")
	}
	return t, t.Validate()
}

// Validate checks the terms; the error names the field.
func (t *Trust) Validate() error {
	one := decimal.NewFromInt(1)
	rate := func(field string, d decimal.Decimal) error {
		if d.IsNegative() || d.GreaterThan(one) {
			return errs.Field(field, "must be a fraction in [0, 1], got %s", d)
		}
		return nil
	}
	switch {
	case t.ID == "" || len(t.ID) > 64:
		return errs.Field("id", "required, at most 64 characters")
	case t.FirstMonth.IsZero():
		return errs.Field("firstMonth", "required (YYYY-MM)")
	case t.InitialReceivables <= 0 || t.InitialReceivables > maxAmount:
		return errs.Field("initialReceivables", "must be positive and at most %s, got %s", maxAmount, t.InitialReceivables)
	case len(t.Series) == 0 || len(t.Series) > maxSeries:
		return errs.Field("series", "want 1 to %d series, got %d", maxSeries, len(t.Series))
	}
	if err := rate("minSellerInterest", t.MinSellerInterest); err != nil {
		return err
	}
	var total money.Amount
	for i, s := range t.Series {
		f := func(name string) string { return fmt.Sprintf("series[%d].%s", i, name) }
		for _, o := range t.Series[:i] {
			if o.Name == s.Name {
				return errs.Field(f("name"), "series %q appears twice", s.Name)
			}
		}
		switch {
		case s.Name == "" || len(s.Name) > 64:
			return errs.Field(f("name"), "required, at most 64 characters")
		case s.InvestedAmount <= 0 || s.InvestedAmount > maxAmount:
			return errs.Field(f("investedAmount"), "must be positive and at most %s, got %s", maxAmount, s.InvestedAmount)
		case s.AccumulationStart < 1:
			return errs.Field(f("accumulationStart"), "must be a period from 1, got %d", s.AccumulationStart)
		case s.ExpectedFinalPeriod < s.AccumulationStart:
			return errs.Field(f("expectedFinalPeriod"), "must not be before accumulationStart %d, got %d", s.AccumulationStart, s.ExpectedFinalPeriod)
		case s.ControlledAccumulationAmount <= 0 || s.ControlledAccumulationAmount > s.InvestedAmount:
			return errs.Field(f("controlledAccumulationAmount"), "must be positive and at most the invested amount %s, got %s", s.InvestedAmount, s.ControlledAccumulationAmount)
		}
		if err := rate(f("coupon"), s.Coupon); err != nil {
			return err
		}
		if err := rate(f("servicingFeeRate"), s.ServicingFeeRate); err != nil {
			return err
		}
		total += s.InvestedAmount
	}
	if total > t.InitialReceivables {
		return errs.Field("series", "invested amounts %s exceed the initial receivables %s: the seller's interest would be negative", total, t.InitialReceivables)
	}
	return nil
}
