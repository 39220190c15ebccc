package loansim

import (
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// loanTerms are the drawn characteristics of one loan at cut-off.
type loanTerms struct {
	newVehicle    bool
	score         int64
	aprBP         int64
	term          int64
	amount        int64 // cents
	seasoning     int64 // instalments paid before cut-off
	state         string
	make          *manufacturer
	model         string
	modelYear     int64
	value         int64 // cents, whole dollars
	dueDay        int64
	payment       int64 // cents
	cutoffBalance int64 // cents
}

// generator draws loans for a pool spec.
type generator struct {
	spec    PoolSpec
	rng     stream
	annuity *annuity
	rates   map[int64]decimal.Decimal
}

func newGenerator(spec PoolSpec) *generator {
	return &generator{spec: spec, annuity: newAnnuity(), rates: map[int64]decimal.Decimal{}}
}

// draw returns loan i's terms. Each loan has its own stream, so loan i is
// the same whatever the pool size.
func (g *generator) draw(i int) loanTerms {
	r := &g.rng
	r.reset(g.spec.Seed, i, 0, purposeTerms)
	var t loanTerms
	t.newVehicle = r.below(10_000) < newShareBP
	tier := scoreTiers.draw(r)
	t.score = r.between(tier.minScore, tier.maxScore)
	t.aprBP = r.between(tier.minAPR, tier.maxAPR)
	if !t.newVehicle {
		t.aprBP += usedSpreadBP
	}
	t.aprBP = min(max(t.aprBP, minAPRBP), maxAPRBP)
	t.term = int64(termMonths.draw(r))
	lo, hi := int64(newMinCents), int64(newMaxCents)
	if !t.newVehicle {
		lo, hi = usedMinCents, usedMaxCents
		t.term = min(t.term, maxUsedTerm)
	}
	// The mean of two uniform draws: amounts bunch in the middle of the
	// range as real ones do.
	t.amount = lo + (r.between(0, hi-lo)+r.between(0, hi-lo))/2
	t.seasoning = r.between(1, min(maxSeasoning, t.term-minMonthsAtCutoff))
	t.state = states.draw(r)
	mk := makes.draw(r)
	t.make = &mk
	t.model = mk.models[r.below(uint64(len(mk.models)))]
	origYear := int64(g.spec.Cutoff.AddMonths(-int(t.seasoning)).Year)
	if t.newVehicle {
		t.modelYear = origYear + r.between(0, 1)
	} else {
		t.modelYear = origYear - r.between(1, 8)
	}
	ltvPct := r.between(80, 120)
	t.value = t.amount * 100 / ltvPct / 100 * 100
	t.dueDay = r.between(1, 28)
	t.payment = g.annuity.payment(t.amount, t.aprBP, t.term)
	bal := t.amount
	for range t.seasoning {
		bal -= min(max(t.payment-monthlyInterest(bal, t.aprBP), 0), bal)
	}
	t.cutoffBalance = bal
	return t
}

// rate returns aprBP as a fraction, shared between records.
func (g *generator) rate(aprBP int64) decimal.Decimal {
	d, ok := g.rates[aprBP]
	if !ok {
		d = decimal.New(aprBP, -4)
		g.rates[aprBP] = d
	}
	return d
}

func (g *generator) assetNumber(i int) string {
	return strconv.FormatUint(g.spec.FirstAssetNumber+uint64(i), 10)
}

// loan returns loan i's tape record at cut-off.
func (g *generator) loan(i int, t loanTerms) loantape.Loan {
	orig := g.spec.Cutoff.AddMonths(-int(t.seasoning))
	newUsed := "2"
	if t.newVehicle {
		newUsed = "1"
	}
	rate := g.rate(t.aprBP)
	return loantape.Loan{
		AssetNumber:                           g.assetNumber(i),
		OriginatorName:                        g.spec.Originator,
		OriginationDate:                       orig,
		OriginalLoanAmount:                    money.Cents(t.amount),
		OriginalLoanTerm:                      int(t.term),
		LoanMaturityDate:                      orig.AddMonths(int(t.term)),
		OriginalInterestRatePercentage:        rate,
		ObligorGeographicLocation:             t.state,
		ObligorCreditScore:                    int(t.score),
		VehicleManufacturerName:               t.make.name,
		VehicleModelName:                      t.model,
		VehicleNewUsedCode:                    newUsed,
		VehicleModelYear:                      int(t.modelYear),
		VehicleValueAmount:                    money.Cents(t.value),
		ReportingPeriodEndingDate:             g.spec.Cutoff.LastDay(),
		ReportingPeriodActualEndBalanceAmount: money.Cents(t.cutoffBalance),
		ReportingPeriodInterestRatePercentage: rate,
		RemainingTermToMaturityNumber:         int(t.term - t.seasoning),
	}
}
