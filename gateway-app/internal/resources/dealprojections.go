package resources

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/projection"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// ProjectionRequest asks for a deal's cash flows under assumptions, and
// optionally a grid of prepayment × default speeds.
type ProjectionRequest struct {
	Assumptions projection.Assumptions `json:"assumptions"`
	Pricing     projection.Pricing     `json:"pricing"`
	// Grid runs every prepayment speed against every default speed, the
	// other assumptions as above.
	Grid *GridRequest `json:"grid,omitempty" doc:"a scenario grid: every prepayment speed × every default speed"`
	// Loans replaces the pool's collateral with the caller's own
	// representative lines, scaled to the deal's pool balance.
	Loans []projection.Loan `json:"loans,omitempty" doc:"representative lines to project instead of the pool's own; scaled to the deal's pool balance"`
	// Collateral says how the loan book is projected, where this gateway
	// keeps one (see collateral.go): loan by loan, or rep lines.
	Collateral string `json:"collateral,omitempty" doc:"from this gateway's loan book: repLines (default: lines grouped by delinquency × rate band × remaining-term band) or loans (loan by loan)"`
	// Bands are the rep lines' bands.
	Bands *RepLineBands `json:"bands,omitempty" doc:"rep-line bands (default a rate band of 0.01 and a term band of 12 months)"`
	// FromPeriod starts from the state an earlier certified period left
	// (0: closing) instead of the last one; with that next period's
	// certified inputs as assumptions.actuals the projection reproduces
	// its certified distribution.
	FromPeriod *int `json:"fromPeriod,omitempty" doc:"start from the state after this certified period (0: closing) rather than the last; default the last"`
}

// GridRequest lists a grid's speeds.
type GridRequest struct {
	Prepayments []projection.Prepayment `json:"prepayments"`
	Defaults    []projection.Defaults   `json:"defaults"`
}

// maxRequestLoans bounds the lines a request may carry.
const maxRequestLoans = 10_000

// Validate checks what needs no ledger data; the deal's definition is
// checked against in the handler (floating classes need a curve).
func (in *ProjectionRequest) Validate() error {
	if in.FromPeriod != nil && *in.FromPeriod < 0 {
		return api.BadInput("fromPeriod", "must be 0 (closing) or a certified period, got %d", *in.FromPeriod)
	}
	switch in.Collateral {
	case "", collateralRepLines, collateralLoans:
	default:
		return api.BadInput("collateral", "must be %s or %s, got %q", collateralRepLines, collateralLoans, in.Collateral)
	}
	if err := in.Bands.validate(); err != nil {
		return err
	}
	if len(in.Loans) > maxRequestLoans {
		return api.BadInput("loans", "at most %d lines, got %d", maxRequestLoans, len(in.Loans))
	}
	if in.Grid != nil && len(in.Grid.Prepayments)*len(in.Grid.Defaults) > projection.MaxGridCells {
		return api.BadInput("grid", "%d × %d scenarios exceed %d", len(in.Grid.Prepayments), len(in.Grid.Defaults), projection.MaxGridCells)
	}
	return nil
}

// ProjectionAnswer is the deal projected from its last certified state.
type ProjectionAnswer struct {
	Deal string `json:"deal"`
	// WaterfallVersion is the definition projected with: the one in
	// force for the period after Period.
	WaterfallVersion int `json:"waterfallVersion" doc:"the waterfall version projected with: the one that paid the period after the start if it is certified, else the one in force now"`
	// Period is the certified period the projection starts after.
	Period int `json:"period" doc:"the certified period the projection starts after (the last unless fromPeriod; 0: closing)"`
	// CollateralSource says where the loans came from; CollateralNote why
	// the loan book was not used, when it was not.
	CollateralSource string                 `json:"collateralSource" doc:"loanBook (this gateway's loan book, as of the start period), poolAggregates (one line from the sealed pool's public weighted averages) or request (the request's lines)"`
	CollateralNote   string                 `json:"collateralNote,omitempty" doc:"why the loan book was not used (this gateway keeps none for the pool, or it does not match the ledger)"`
	Loans            []projection.Loan      `json:"loans" doc:"the loans or lines projected, at the start"`
	Projection       *projection.Projection `json:"projection"`
	Grid             *projection.GridResult `json:"grid,omitempty"`
}

func (r *resources) projections(s *api.Server) {
	api.Register(s, api.Endpoint[ProjectionRequest, ProjectionAnswer]{
		Method: "POST", Path: "/v1/deals/{deal}/projections", Tag: "analytics", Roles: anyRole,
		Summary: "Project the deal's cash flows and price its classes",
		Description: "A read: nothing is written. Projects the pool month by month from the deal's last certified state, " +
			"under the assumptions, paying every period with the waterfall engine the ledger certifies with (package projection); " +
			"answers each class's flows, WAL, principal window, yield, spread, duration, loss and, if asked, breakeven CDR, " +
			"and a scenario grid if asked. The collateral is, in order: the request's lines; this gateway's loan book as of the start period " +
			"(the gateway that uploaded the tape and reports, the servicer's), rep lines by default or loan by loan; " +
			"else one line from the sealed pool's public weighted averages (collateralSource and collateralNote say which and why). " +
			"Accept: text/csv (or ?format=csv) gives the cash flows as CSV, or with a grid one row per scenario × class.",
		Params:     []api.Param{dealParam, formatParam},
		Alternates: []api.Alternate[ProjectionAnswer]{{Format: "csv", ContentType: "text/csv; charset=utf-8", Render: projectionCSV}},
		Chaincode:  []string{"Servicing:GetStatus", "Servicing:GetWaterfall", "Servicing:GetCertification", "Servicing:GetReport", "Pool:Get"},
		Handle:     r.project,
	})
}

func (r *resources) project(c *api.Call, req *ProjectionRequest) (*ProjectionAnswer, error) {
	deal := c.Path("deal")
	status, err := askJSON[schema.DealServicing](c, "Servicing:GetStatus", deal)
	if err != nil {
		return nil, err
	}
	if status.WaterfallVersion == 0 {
		return nil, api.NewProblem(string(errs.WrongState), "deal %s has no waterfall yet: nothing to project", deal)
	}
	start, version := status.Period, status.WaterfallVersion
	if req.FromPeriod != nil && *req.FromPeriod != status.Period {
		if start, version, err = startOf(c, deal, *req.FromPeriod, status.Period); err != nil {
			return nil, err
		}
	}
	wf, err := askJSON[schema.Waterfall](c, "Servicing:GetWaterfall", deal, strconv.Itoa(version))
	if err != nil {
		return nil, err
	}
	def, err := waterfall.ParseDefinition(wf.Definition)
	if err != nil {
		return nil, api.NewProblem(api.CodeInternal, "deal %s: the ledger's waterfall version %d does not parse: %v", deal, wf.Version, err)
	}
	if err := requestProblems(req, def); err != nil {
		return nil, err
	}
	if start != status.Period {
		if status.State, err = certifiedState(c, deal, def, start, status.Period); err != nil {
			return nil, err
		}
	}
	out := &ProjectionAnswer{Deal: deal, WaterfallVersion: wf.Version, Period: start}
	if out.Loans, err = r.collateral(c, deal, status.Pool, start, status.State.PoolBalance, req, out); err != nil {
		return nil, err
	}
	d := projection.Deal{Definition: def, State: status.State, PaymentDay: wf.PaymentDay}
	if out.Projection, err = projection.Analyze(d, out.Loans, req.Assumptions, req.Pricing); err != nil {
		return nil, projectionProblem("", err)
	}
	if req.Grid != nil {
		if out.Grid, err = projection.Grid(d, out.Loans, req.Assumptions, req.Pricing, req.Grid.Prepayments, req.Grid.Defaults); err != nil {
			return nil, projectionProblem("grid.", err)
		}
	}
	return out, nil
}

// startOf checks a fromPeriod k and finds the waterfall version to
// project from it with: the one that paid period k+1 when k+1 is
// certified (so that projecting it with its certified inputs reproduces
// it, whatever amendments came after), else the one in force now.
func startOf(c *api.Call, deal string, k, last int) (int, int, error) {
	if k > last {
		return 0, 0, api.BadInput("fromPeriod", "deal %s has certified %d periods, not %d", deal, last, k)
	}
	next, err := askJSON[schema.Certification](c, "Servicing:GetCertification", deal, strconv.Itoa(k+1))
	if err != nil {
		return 0, 0, err
	}
	return k, next.WaterfallVersion, nil
}

// projectionCSV is the grid, one row per scenario × class, when one was
// asked for, else the cash flows.
func projectionCSV(a *ProjectionAnswer) ([]byte, error) {
	if a.Grid != nil {
		return a.Grid.CSV()
	}
	return a.Projection.CSV()
}

// certifiedState is the state certified period k left (the closing state
// for 0), read from its certification's result.
func certifiedState(c *api.Call, deal string, def waterfall.Definition, k, last int) (waterfall.State, error) {
	if k > last {
		return waterfall.State{}, api.BadInput("fromPeriod", "deal %s has certified %d periods, not %d", deal, last, k)
	}
	var previous []byte
	if k > 0 {
		cert, err := askJSON[schema.Certification](c, "Servicing:GetCertification", deal, strconv.Itoa(k))
		if err != nil {
			return waterfall.State{}, err
		}
		previous = cert.Result
	}
	st, err := distribution.PriorState(def, previous)
	if err != nil {
		return waterfall.State{}, api.NewProblem(api.CodeInternal, "deal %s period %d: %v", deal, k, err)
	}
	return st, nil
}

// requestProblems checks the request against the deal, naming every bad
// field of it in one 400.
func requestProblems(req *ProjectionRequest, def waterfall.Definition) error {
	var all []*waterfall.FieldError
	collect := func(prefix string, err error) {
		var ve *waterfall.ValidationError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				all = append(all, &waterfall.FieldError{Path: prefix + p.Path, Problem: p.Problem})
			}
		}
	}
	collect("assumptions.", req.Assumptions.Validate(def))
	names := make([]string, len(def.Classes))
	for i, c := range def.Classes {
		names[i] = c.Name
	}
	collect("pricing.", req.Pricing.Validate(names))
	if req.Grid != nil {
		for i, p := range req.Grid.Prepayments {
			a := req.Assumptions
			a.Prepayment = p
			collect(fmt.Sprintf("grid.prepayments[%d].", i), onlyUnder("prepayment", a.Validate(def)))
		}
		for i, d := range req.Grid.Defaults {
			a := req.Assumptions
			a.Defaults = d
			collect(fmt.Sprintf("grid.defaults[%d].", i), onlyUnder("defaults", a.Validate(def)))
		}
	}
	if len(all) == 0 {
		return nil
	}
	return fieldsProblem(all)
}

// onlyUnder keeps the problems of one part of the assumptions, renamed
// relative to it (prepayment.rate → rate).
func onlyUnder(part string, err error) error {
	var ve *waterfall.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	kept := &waterfall.ValidationError{}
	for _, p := range ve.Problems {
		if rest, ok := strings.CutPrefix(p.Path, part+"."); ok {
			kept.Problems = append(kept.Problems, &waterfall.FieldError{Path: rest, Problem: p.Problem})
		} else if p.Path == part {
			kept.Problems = append(kept.Problems, &waterfall.FieldError{Path: "", Problem: p.Problem})
		}
	}
	return kept
}

// fieldsProblem is a 400 naming the first field, listing all of them.
func fieldsProblem(all []*waterfall.FieldError) *api.Problem {
	first := strings.TrimSuffix(all[0].Path, ".")
	p := api.BadInput(first, "%s", all[0].Problem)
	if len(all) > 1 {
		p.Detail += fmt.Sprintf(" (and %d more: see errors)", len(all)-1)
	}
	for _, f := range all {
		p.Errors = append(p.Errors, api.RowProblem{Field: strings.TrimSuffix(f.Path, "."), Rule: "projection", Detail: f.Problem})
	}
	return p
}

// projectionProblem maps what the projection refused after the request
// was checked: bad lines are the caller's; anything else is the ledger's
// data and an internal problem.
func projectionProblem(prefix string, err error) error {
	var ve *waterfall.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 && strings.HasPrefix(ve.Problems[0].Path, "loans") {
		return fieldsProblem(ve.Problems)
	}
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			p.Path = prefix + p.Path
		}
		return fieldsProblem(ve.Problems)
	}
	return api.NewProblem(api.CodeInternal, "projection: %v", err)
}

// poolLine is the pool as one representative line from its public
// statistics, aged by the periods certified since cut-off: the sealed
// pool's balance-weighted coupon, remaining and original terms and loan
// count. Loan-level data stays in the trustee's and servicer's collection.
func poolLine(pool schema.Pool, periods int) ([]projection.Loan, error) {
	if len(pool.Aggregates) == 0 {
		return nil, api.NewProblem(string(errs.WrongState), "pool %s is not sealed: it has no statistics to project", pool.ID)
	}
	var agg loantape.TapeAggregates
	if err := json.Unmarshal(pool.Aggregates, &agg); err != nil {
		return nil, api.NewProblem(api.CodeInternal, "pool %s: unreadable aggregates: %v", pool.ID, err)
	}
	remaining := int(agg.WeightedAverageRemainingTerm.Round(0).IntPart())
	original := int(agg.WeightedAverageOriginalTerm.Round(0).IntPart())
	return []projection.Loan{{
		ID: pool.ID, Balance: agg.Balance, Rate: agg.WeightedAverageCoupon.Round(8),
		RemainingTerm: max(1, remaining-periods), Age: max(0, original-remaining) + periods, Count: max(1, agg.LoanCount),
	}}, nil
}
