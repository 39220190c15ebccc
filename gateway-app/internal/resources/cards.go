package resources

import (
	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// CardTrustInput creates a credit-card master trust (CardTrust:CreateTrust).
type CardTrustInput struct {
	Trust    cardtrust.Trust `json:"trust" doc:"the trust's terms: cut-off receivables, first month, minimum seller's interest, series"`
	Servicer string          `json:"servicer" doc:"MSP ID of the servicer, whose servicers submit the monthly reports"`
}

// Validate checks the terms and the servicer's MSP ID.
func (in *CardTrustInput) Validate() error {
	if err := in.Trust.Validate(); err != nil {
		return err
	}
	if err := roles.ValidMSP(in.Servicer); err != nil {
		return api.BadInput("servicer", "%q is not an MSP ID", in.Servicer)
	}
	return nil
}

// CardReportInput is one month's pool-level report of a card trust.
type CardReportInput struct {
	cardtrust.Report
}

// Validate runs the servicer checks the chaincode runs again.
func (in *CardReportInput) Validate() error {
	if err := cardtrust.CheckReport(0, &in.Report); err != nil {
		return api.BadInput("report", "%v", err)
	}
	return nil
}

// CardSeriesInput names the series a cards pool is sealed as.
type CardSeriesInput struct {
	Trust  string `json:"trust" doc:"card trust ID"`
	Series string `json:"series" doc:"the series' name in the trust"`
}

// Validate checks the IDs.
func (in *CardSeriesInput) Validate() error {
	if _, err := schema.ParseID("trust", in.Trust); err != nil {
		return err
	}
	if in.Series == "" || len(in.Series) > 64 {
		return api.BadInput("series", "required, at most 64 characters")
	}
	return nil
}

var cardTrustParam = api.Param{Name: "trust", In: "path", Description: "card trust ID", Pattern: idPattern, Example: "CARDS-MT"}

func (r *resources) cards(s *api.Server) {
	api.Register(s, api.Endpoint[CardTrustInput, Committed]{
		Method: "POST", Path: "/v1/card-trusts", Tag: "card trusts", Status: 201, Roles: arranger,
		Summary:     "Create a credit-card master trust",
		Description: "The trust's terms and its servicer; each month the servicer submits the pool-level report (POST /v1/card-trusts/{trust}/reports).",
		Tx: &api.Tx[CardTrustInput]{Fn: "CardTrust:CreateTrust", Submit: true,
			Args: func(c *api.Call, in *CardTrustInput) ([]string, error) {
				arg, err := jsonArg(in.Trust)
				return []string{arg, in.Servicer}, err
			}},
		Result: done[CardTrustInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.CardTrust]{
		Method: "GET", Path: "/v1/card-trusts/{trust}", Tag: "card trusts", Roles: anyRole,
		Summary: "A card trust: terms, servicer and state after the last allocated month",
		Params:  []api.Param{cardTrustParam},
		Tx: &api.Tx[api.NoBody]{Fn: "CardTrust:GetTrust",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("trust")}, nil }},
	})
	api.Register(s, api.Endpoint[CardReportInput, cardtrust.MonthResult]{
		Method: "POST", Path: "/v1/card-trusts/{trust}/reports", Tag: "card trusts", Roles: servicer,
		Summary: "Submit a card trust's monthly report",
		Description: "Checked (receivables roll-forward, yield and payment rate, next period and month) and allocated among the series and the seller on chain; " +
			"the answer is the month's allocation, with any pay-out events.",
		Params: []api.Param{cardTrustParam},
		Tx: &api.Tx[CardReportInput]{Fn: "CardTrust:SubmitReport", Submit: true,
			Args: func(c *api.Call, in *CardReportInput) ([]string, error) {
				arg, err := jsonArg(in.Report)
				return []string{c.Path("trust"), arg}, err
			}},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.CardMonth]{
		Method: "GET", Path: "/v1/card-trusts/{trust}/months/{period}", Tag: "card trusts", Roles: anyRole,
		Summary:     "An allocated month of a card trust",
		Description: "The month's inputs (terms, prior state, report), its allocation and their hashes: run cardtrust.Replay on it to check it.",
		Params:      []api.Param{cardTrustParam, periodParam},
		Tx: &api.Tx[api.NoBody]{Fn: "CardTrust:GetMonth",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("trust"), c.Path("period")}, nil
			}},
	})
	api.Register(s, api.Endpoint[CardSeriesInput, Committed]{
		Method: "POST", Path: "/v1/pools/{pool}/card-series", Tag: "pools", Roles: arranger,
		Summary:     "Seal a cards pool as one series of a card trust",
		Description: "A cards pool has no loan tape: its balance is the series' invested amount, and the deal it backs is reported from the trust's months.",
		Params:      []api.Param{poolParam},
		Tx: &api.Tx[CardSeriesInput]{Fn: "Pool:SealCardSeries", Submit: true,
			Args: func(c *api.Call, in *CardSeriesInput) ([]string, error) {
				return []string{c.Path("pool"), in.Trust, in.Series}, nil
			}},
		Result: done[CardSeriesInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "POST", Path: "/v1/deals/{deal}/card-reports", Tag: "reports", Roles: servicer,
		Summary:     "Make a card series deal's next report from its trust's allocated month",
		Description: "The report is complete at once (no loan rows): the series' share of the month, ready for the trustee to certify.",
		Params:      []api.Param{dealParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:SubmitCardReport", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
		Result: done[api.NoBody],
	})
}
