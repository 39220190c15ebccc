package resources

import (
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// OpeningInput is a seasoned deal's latest trustee certificate, the
// position after its last paid period (waterfall.Onboarding): pool, YSOC
// and adjusted pool, OC, cumulative net loss, each class's balance, unpaid
// interest and factor, fees' unpaid amounts and cap-year payments,
// reserves and trigger states. The chaincode checks its figures against
// each other, the deal's terms and the sealed tape.
type OpeningInput waterfall.Onboarding

// Validate checks the shape; the chaincode checks the figures.
func (in *OpeningInput) Validate() error {
	if in.Period < 1 {
		return api.BadInput("period", "the certificate's last paid period, at least 1, got %d", in.Period)
	}
	if len(in.Classes) == 0 {
		return api.BadInput("classes", "required: one line per class of the deal's waterfall")
	}
	return nil
}

func (r *resources) opening(s *api.Server) {
	deal := "/v1/deals/{deal}/opening"
	args := func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }
	api.Register(s, api.Endpoint[OpeningInput, Committed]{
		Method: "PUT", Path: deal, Tag: "waterfall", Roles: trustee,
		Summary: "Open a seasoned deal from its latest trustee certificate (trustee)",
		Description: "For a deal moved onto the ledger mid-life (its waterfall set with \"seasoned\": true, its sealed tape the pool as of the certificate): " +
			"the certificate's figures are checked against each other, the deal's terms and the tape, and the deal continues from them: " +
			"the next report and certification are period N+1's, and every replay of N+1 starts from the stored state. Once per deal.",
		Params: []api.Param{dealParam},
		Tx: &api.Tx[OpeningInput]{Fn: "Servicing:OpenAt", Submit: true,
			Args: func(c *api.Call, in *OpeningInput) ([]string, error) {
				arg, err := jsonArg(waterfall.Onboarding(*in))
				return []string{c.Path("deal"), arg}, err
			}},
		Result: done[OpeningInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Opening]{
		Method: "GET", Path: deal, Tag: "waterfall", Roles: anyRole,
		Summary:     "The certificate a seasoned deal was opened from",
		Description: "The certificate as given, its hash, and the waterfall state built from it, from which the first certified period ran.",
		Params:      []api.Param{dealParam},
		Tx:          &api.Tx[api.NoBody]{Fn: "Servicing:GetOpening", Args: args},
	})
}

// priorState is the waterfall state period p started from, as the ledger
// records it: the closing state for period 1, the state the previous
// certification left, or — for the first certified period of a deal
// opened from a certificate, whose previous period was paid before the
// ledger — the state stored with its opening.
func priorState(c *api.Call, def waterfall.Definition, deal string, p int) (waterfall.State, error) {
	if p <= 1 {
		return distribution.PriorState(def, nil)
	}
	prev, err := askJSON[schema.Certification](c, "Servicing:GetCertification", deal, strconv.Itoa(p-1))
	if err == nil {
		st, err := distribution.PriorState(def, prev.Result)
		if err != nil {
			return waterfall.State{}, api.NewProblem(api.CodeInternal, "deal %s period %d: stored result unreadable: %v", deal, p-1, err)
		}
		return st, nil
	}
	if api.ProblemFrom(err).Code != api.CodeNotFound {
		return waterfall.State{}, err
	}
	opening, oerr := askJSON[schema.Opening](c, "Servicing:GetOpening", deal)
	if oerr != nil || opening.Period != p-1 {
		return waterfall.State{}, err // period p-1 is simply not certified
	}
	return opening.State, nil
}
