package resources

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/statement"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// The trustee's distribution date statement of a certified period, in the
// layout trustee certificates use (package statement), rendered from the
// certification's stored inputs and result: the numbers the ledger
// certified, the same on every bank's gateway.

func (r *resources) trusteeStatement(s *api.Server) {
	api.Register(s, api.Endpoint[api.NoBody, statement.Statement]{
		Method: "GET", Path: "/v1/deals/{deal}/periods/{period}/trustee-statement", Tag: "statements", Roles: anyRole,
		Summary: "A certified period's distribution date statement in the trustee certificate layout",
		Description: "Sections A-G: collections, available funds, distributions in waterfall order, notes with factors and " +
			"amounts per $1,000 of original balance, pool/adjusted pool/OC/reserve, delinquency and loss, triggers. " +
			"Rendered from the certification's stored inputs and result. ?format=csv gives one figure per row.",
		Params:    []api.Param{dealParam, periodParam, formatParam},
		Chaincode: []string{"Servicing:GetCertification", "Servicing:GetWaterfall", "Servicing:GetOpening"},
		Alternates: []api.Alternate[statement.Statement]{{Format: "csv", ContentType: "text/csv; charset=utf-8",
			Render: func(s *statement.Statement) ([]byte, error) {
				var b bytes.Buffer
				err := s.WriteCSV(&b)
				return b.Bytes(), err
			}}},
		Handle: r.trusteeStatementOf,
	})
}

func (r *resources) trusteeStatementOf(c *api.Call, _ *api.NoBody) (*statement.Statement, error) {
	deal, period := c.Path("deal"), c.Path("period")
	p, _ := strconv.Atoi(period)
	cert, err := askJSON[schema.Certification](c, "Servicing:GetCertification", deal, period)
	if err != nil {
		return nil, err
	}
	wf, err := askJSON[schema.Waterfall](c, "Servicing:GetWaterfall", deal, strconv.Itoa(cert.WaterfallVersion))
	if err != nil {
		return nil, err
	}
	def, err := waterfall.ParseDefinition(wf.Definition)
	if err != nil {
		return nil, api.NewProblem(api.CodeInternal, "deal %s waterfall version %d: %v", deal, cert.WaterfallVersion, err)
	}
	// Interest accrued from where the previous period left it: the closing
	// date for the first period, a seasoned deal's opening for its first.
	prior, err := priorState(c, def, deal, p)
	if err != nil {
		return nil, err
	}
	accruedThrough := prior.AccruedThrough
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		return nil, api.NewProblem(api.CodeInternal, "deal %s period %d: stored result unreadable: %v", deal, p, err)
	}
	in, err := cert.Inputs.Period(accruedThrough)
	if err != nil {
		return nil, api.NewProblem(api.CodeInternal, "deal %s period %d: stored inputs: %v", deal, p, err)
	}
	st, err := statement.Build(def, in, res)
	if err != nil {
		return nil, api.NewProblem(api.CodeInternal, "deal %s period %d: %v", deal, p, err)
	}
	st.WithDelinquencyCounts(cert.Inputs.Aggregates.Delinquency)
	return &st, nil
}
