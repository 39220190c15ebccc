package resources

import (
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// ReplayAnswer is a certified period recomputed twice: by this gateway,
// from the public records with the same code the chaincode runs (package
// distribution), and by the chaincode's own replay query.
type ReplayAnswer struct {
	Deal   string `json:"deal"`
	Period int    `json:"period"`
	// Local is this gateway's replay: the waterfall version the period ran
	// under, the previous period's result (or a seasoned deal's opening
	// state), the report's totals and header,
	// the fixings and the payment day, each read from the ledger.
	Local distribution.Verdict `json:"local" doc:"recomputed by this gateway from the public records (package distribution)"`
	// Chaincode is Servicing:Replay's answer, computed on the peer.
	Chaincode distribution.Verdict `json:"chaincode" doc:"Servicing:Replay's answer, computed by the chaincode on the peer"`
	// Agree: both match the stored result byte for byte, with the stored
	// inputs hash, and each other.
	Agree bool `json:"agree" doc:"both replays match the stored result and inputs hash, and each other"`
}

func (r *resources) replay(s *api.Server) {
	api.Register(s, api.Endpoint[api.NoBody, ReplayAnswer]{
		Method: "GET", Path: "/v1/deals/{deal}/periods/{period}/replay", Tag: "certification", Roles: anyRole,
		Summary: "Replay a certified period, locally and on the chaincode",
		Description: "Recomputes the period's waterfall twice from the ledger's public records — here, with the distribution package, " +
			"and on the peer, with Servicing:Replay — and compares each with the stored result, byte for byte.",
		Params:    []api.Param{dealParam, periodParam},
		Chaincode: []string{"Servicing:GetCertification", "Servicing:GetWaterfall", "Servicing:GetReport", "Servicing:GetFixings", "Servicing:GetOpening", "Servicing:Replay"},
		Handle:    r.replayPeriod,
	})
}

func (r *resources) replayPeriod(c *api.Call, _ *api.NoBody) (*ReplayAnswer, error) {
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
	rep, err := askJSON[schema.Report](c, "Servicing:GetReport", deal, period)
	if err != nil {
		return nil, err
	}
	if rep.Attempt != cert.ReportAttempt {
		return nil, api.NewProblem(api.CodeInternal, "deal %s period %d: the certified report attempt %d is not the ledger's (%d)", deal, p, cert.ReportAttempt, rep.Attempt)
	}
	fixings, err := askJSON[[]schema.Fixing](c, "Servicing:GetFixings", deal, period)
	if err != nil {
		return nil, err
	}
	def, err := waterfall.ParseDefinition(wf.Definition)
	if err != nil {
		return nil, err
	}
	prior, err := priorState(c, def, deal, p)
	if err != nil {
		return nil, err
	}
	in, err := schema.PeriodInputs(&def, *rep, *wf, *fixings, cert.Inputs.DeclareEventOfDefault)
	if err != nil {
		return nil, err
	}
	local, err := distribution.Replay(distribution.Inputs{Definition: def, Prior: prior, Period: in}, cert.Result, cert.InputsHash)
	if err != nil {
		return nil, err
	}
	chain, err := askJSON[distribution.Verdict](c, "Servicing:Replay", deal, period)
	if err != nil {
		return nil, err
	}
	if local.Differences == nil {
		local.Differences = []string{}
	}
	return &ReplayAnswer{Deal: deal, Period: p, Local: local, Chaincode: *chain,
		Agree: local.Match && chain.Match && local.ReplayedHash == chain.ReplayedHash && local.InputsHash == chain.InputsHash}, nil
}

// askJSON evaluates fn and decodes its answer.
func askJSON[T any](c *api.Call, fn string, args ...string) (*T, error) {
	res, err := c.Ask(fn, args...)
	if err != nil {
		return nil, err
	}
	return decodeInto[T](res, fn)
}
