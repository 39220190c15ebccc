package resources

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// WaterfallInput sets a deal's waterfall (Servicing:SetWaterfall).
type WaterfallInput struct {
	// Definition is the waterfall as data: classes, fees, reserves,
	// triggers, the ordered steps (package waterfall documents it).
	Definition json.RawMessage       `json:"definition" doc:"a waterfall definition: classes, fees, reserves, triggers, steps and acceleration steps (see the waterfall package)"`
	Classes    []schema.ClassTranche `json:"classes" doc:"each class of the definition, in its order, mapped to the deal's tranche that pays it"`
	PaymentDay int                   `json:"paymentDay" doc:"day (1 to 28) of the month after each collection period on which it is paid"`
	FeePayees  []schema.FeePayee     `json:"feePayees" doc:"for every fee of the definition, the identity key that may claim it"`
	Seasoned   bool                  `json:"seasoned,omitempty" doc:"a deal moved onto the ledger mid-life: the definition's initial pool is the pool at closing, the sealed tape the pool as of its latest certificate; the trustee then opens it (PUT /v1/deals/{deal}/opening)"`
	Fixings    []fixing.Rule         `json:"fixings,omitempty" doc:"optional: indexes fixed from several sources, each with its sources (MSP IDs or identity keys holding the rates role), minSources, maxSpread, staleDays, cutoffDaysBeforePayment and cutoffTime"`
}

// Validate checks the shape; the chaincode checks the definition against
// the deal.
func (in *WaterfallInput) Validate() error {
	if len(in.Definition) == 0 || in.Definition[0] != '{' {
		return api.BadInput("definition", "required: a JSON object")
	}
	if in.PaymentDay < 1 || in.PaymentDay > 28 {
		return api.BadInput("paymentDay", "must be 1 to 28, got %d", in.PaymentDay)
	}
	for i, p := range in.FeePayees {
		if _, err := schema.ParseIdentityKey(fmt.Sprintf("feePayees[%d].payee", i), p.Payee); err != nil {
			return err
		}
	}
	return nil
}

// FixingInput posts an index rate.
type FixingInput struct {
	Rate decimal.Decimal `json:"rate" doc:"a fraction: 0.0431 is 4.31 %"`
}

// Fixings are a period's index fixings.
type Fixings struct {
	Deal    string          `json:"deal"`
	Period  int             `json:"period"`
	Fixings []schema.Fixing `json:"fixings"`
}

// CertifyOutcome is what a certification did and where it committed.
type CertifyOutcome struct {
	Committed
	schema.CertifySummary
}

// ClaimOutcome is what a claim paid and where it committed.
type ClaimOutcome struct {
	Committed
	schema.ClaimResult
}

// FeeClaimOutcome is what a fee claim paid and where it committed.
type FeeClaimOutcome struct {
	Committed
	schema.FeeClaim
}

// AdvancesClaimOutcome is what a claim of the servicer's advance
// reimbursements paid and where it committed.
type AdvancesClaimOutcome struct {
	Committed
	schema.AdvancesClaim
}

var (
	indexParam   = api.Param{Name: "index", In: "path", Description: "index name, e.g. SOFR30A", Pattern: idPattern}
	reserveParam = api.Param{Name: "reserve", In: "path", Description: "the reserve's name in the waterfall", MaxLength: 64}
	feeParam     = api.Param{Name: "fee", In: "path", Description: "the fee's name in the waterfall", MaxLength: 64}
	versionParam = api.Param{Name: "version", In: "query", Type: "integer", Description: "a waterfall version; default the one in force", Pattern: `^[1-9][0-9]{0,3}$`}
)

func (r *resources) servicing(s *api.Server) {
	deal := "/v1/deals/{deal}"
	period := deal + "/periods/{period}"
	dealOnly, periodParams := []api.Param{dealParam}, []api.Param{dealParam, periodParam}
	dealPeriod := func(c *api.Call, _ *api.NoBody) ([]string, error) {
		return []string{c.Path("deal"), c.Path("period")}, nil
	}

	api.Register(s, api.Endpoint[WaterfallInput, Committed]{
		Method: "PUT", Path: deal + "/waterfall", Tag: "waterfall", Roles: arranger,
		Summary:     "Set the deal's waterfall (or its next version)",
		Description: "Before the first period is certified; opens the deal's cash accounts (collection, one per reserve and fee), kept by the trustee.",
		Params:      dealOnly,
		Tx: &api.Tx[WaterfallInput]{Fn: "Servicing:SetWaterfall", Submit: true,
			Args: func(c *api.Call, in *WaterfallInput) ([]string, error) {
				arg, err := jsonArg(in)
				return []string{c.Path("deal"), arg}, err
			}},
		Result: done[WaterfallInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Waterfall]{
		Method: "GET", Path: deal + "/waterfall", Tag: "waterfall", Roles: anyRole,
		Summary: "The deal's waterfall definition", Params: []api.Param{dealParam, versionParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:GetWaterfall",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("deal"), c.Query("version")}, nil
			}},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.DealServicing]{
		Method: "GET", Path: deal + "/servicing", Tag: "waterfall", Roles: anyRole,
		Summary: "The deal's servicing status", Description: "Waterfall version in force, last certified period, waterfall state, event of default.",
		Params: dealOnly,
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:GetStatus",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
	})
	api.Register(s, api.Endpoint[FixingInput, Committed]{
		Method: "PUT", Path: period + "/fixings/{index}", Tag: "fixings", Roles: trustee,
		Summary: "Post an index fixing for a period (trustee)", Description: "Posting again replaces it, until the period is certified.",
		Params: []api.Param{dealParam, periodParam, indexParam},
		Tx: &api.Tx[FixingInput]{Fn: "Servicing:PostFixing", Submit: true,
			Args: func(c *api.Call, in *FixingInput) ([]string, error) {
				return []string{c.Path("deal"), c.Path("period"), c.Path("index"), in.Rate.String()}, nil
			}},
		Result: done[FixingInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, Fixings]{
		Method: "GET", Path: period + "/fixings", Tag: "fixings", Roles: anyRole,
		Summary: "A period's index fixings", Params: periodParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:GetFixings", Args: dealPeriod},
		Result: func(c *api.Call, _ *api.NoBody, res ledger.Result) (*Fixings, error) {
			list, err := decodeInto[[]schema.Fixing](res, "Servicing:GetFixings")
			if err != nil {
				return nil, err
			}
			p, _ := strconv.Atoi(c.Path("period"))
			return &Fixings{Deal: c.Path("deal"), Period: p, Fixings: *list}, nil
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, CertifyOutcome]{
		Method: "POST", Path: period + "/certification", Tag: "certification", Roles: trustee,
		Summary: "Certify a period: run the waterfall and distribute (trustee)",
		Description: "Runs the waterfall on the complete servicer report and the fixings, moves each class's payment into its distribution account " +
			"and raises the per-unit index (one transaction whatever the number of holders), publishes the result and the proof of reserve.",
		Params: periodParams,
		Tx:     &api.Tx[api.NoBody]{Fn: "Servicing:Certify", Submit: true, Args: dealPeriod},
		Result: func(_ *api.Call, _ *api.NoBody, res ledger.Result) (*CertifyOutcome, error) {
			sum, err := decodeInto[schema.CertifySummary](res, "Servicing:Certify")
			if err != nil {
				return nil, err
			}
			return &CertifyOutcome{Committed: committed(res), CertifySummary: *sum}, nil
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Certification]{
		Method: "GET", Path: period + "/certification", Tag: "certification", Roles: anyRole,
		Summary: "A certified period", Description: "Inputs and their hash, the waterfall result, the cash moved, the per-unit distributions, the proof of reserve.",
		Params: periodParams,
		Tx:     &api.Tx[api.NoBody]{Fn: "Servicing:GetCertification", Args: dealPeriod},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.ReserveProof]{
		Method: "GET", Path: period + "/proof-of-reserve", Tag: "certification", Roles: anyRole,
		Summary:     "A certified period's proof of reserve",
		Description: "The attested pool balance × required collateralization against the notes outstanding, with the Merkle root of the rows behind the balance.",
		Params:      periodParams,
		Tx:          &api.Tx[api.NoBody]{Fn: "Servicing:ProofOfReserve", Args: dealPeriod},
	})
	api.Register(s, api.Endpoint[ReasonInput, Committed]{
		Method: "POST", Path: deal + "/event-of-default", Tag: "certification", Roles: trustee,
		Summary:     "Declare an event of default (trustee)",
		Description: "Transfers of every tranche stop at once; the next certifications run the acceleration steps.",
		Params:      dealOnly,
		Tx: &api.Tx[ReasonInput]{Fn: "Servicing:DeclareEventOfDefault", Submit: true,
			Args: func(c *api.Call, in *ReasonInput) ([]string, error) { return []string{c.Path("deal"), in.Reason}, nil }},
		Result: done[ReasonInput],
	})
	api.Register(s, api.Endpoint[AmountInput, Committed]{
		Method: "POST", Path: deal + "/collections", Tag: "distributions", Roles: servicer,
		Summary: "Remit collections into the deal's collection account (servicer)", Params: dealOnly,
		Tx: &api.Tx[AmountInput]{Fn: "Servicing:RemitCollections", Submit: true,
			Args: func(c *api.Call, in *AmountInput) ([]string, error) {
				return []string{c.Path("deal"), in.Amount.String()}, nil
			}},
		Result: done[AmountInput],
	})
	api.Register(s, api.Endpoint[AmountInput, Committed]{
		Method: "POST", Path: deal + "/reserves/{reserve}/deposits", Tag: "distributions",
		Roles:   []roles.Role{roles.Arranger, roles.Trustee, roles.Servicer},
		Summary: "Fund one of the deal's reserve accounts from the caller's cash", Params: []api.Param{dealParam, reserveParam},
		Tx: &api.Tx[AmountInput]{Fn: "Servicing:FundReserve", Submit: true,
			Args: func(c *api.Call, in *AmountInput) ([]string, error) {
				return []string{c.Path("deal"), c.Path("reserve"), in.Amount.String()}, nil
			}},
		Result: done[AmountInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Accounts]{
		Method: "GET", Path: deal + "/accounts", Tag: "distributions", Roles: anyRole,
		Summary: "The deal's cash accounts", Params: dealOnly,
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:GetAccounts",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
	})
	claimResult := func(_ *api.Call, _ *api.NoBody, res ledger.Result) (*ClaimOutcome, error) {
		cl, err := decodeInto[schema.ClaimResult](res, "Servicing:Claim")
		if err != nil {
			return nil, err
		}
		return &ClaimOutcome{Committed: committed(res), ClaimResult: *cl}, nil
	}
	api.Register(s, api.Endpoint[api.NoBody, ClaimOutcome]{
		Method: "POST", Path: "/v1/tranches/{tranche}/claims", Tag: "distributions", Roles: investor,
		Summary:     "Claim the caller's distributions on a tranche",
		Description: "units × (index − indexPaid), floored to the cent, into the caller's cash account; the amount is in the answer only, never in an event.",
		Params:      []api.Param{trancheParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:Claim", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("tranche")}, nil }},
		Result: claimResult,
	})
	holderPath := "/v1/tranches/{tranche}/holders/{msp}/{id}"
	holderArgs := func(c *api.Call, _ *api.NoBody) ([]string, error) {
		return []string{c.Path("tranche"), identityOf(c)}, nil
	}
	api.Register(s, api.Endpoint[api.NoBody, ClaimOutcome]{
		Method: "POST", Path: holderPath + "/claims", Tag: "distributions", Roles: trustee,
		Summary: "Claim a holder's distributions for it (trustee, as paying agent)",
		Params:  []api.Param{trancheParam, mspParam, idParam},
		Tx:      &api.Tx[api.NoBody]{Fn: "Servicing:ClaimFor", Submit: true, Args: holderArgs},
		Result:  claimResult,
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Accrual]{
		Method: "GET", Path: holderPath + "/accrual", Tag: "distributions", Roles: anyRole,
		Summary:     "What a holder could claim on a tranche now",
		Description: "For the holder, the trustee, and its own bank's compliance officers and admins; evaluated on the trustee's peer.",
		Params:      []api.Param{trancheParam, mspParam, idParam},
		Tx:          &api.Tx[api.NoBody]{Fn: "Servicing:Accrued", Args: holderArgs},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.ClassBookView]{
		Method: "GET", Path: "/v1/tranches/{tranche}/distribution-book", Tag: "distributions", Roles: anyRole,
		Summary: "A tranche's cumulative distribution index and account", Params: []api.Param{trancheParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:GetClassBook",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("tranche")}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, FeeClaimOutcome]{
		Method: "POST", Path: deal + "/fees/{fee}/claims", Tag: "distributions", Roles: anyRole,
		Summary: "Claim a fee's payable account", Description: "The fee's payee named in the waterfall terms, or the trustee on its behalf.",
		Params: []api.Param{dealParam, feeParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:ClaimFee", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("deal"), c.Path("fee")}, nil
			}},
		Result: func(_ *api.Call, _ *api.NoBody, res ledger.Result) (*FeeClaimOutcome, error) {
			fc, err := decodeInto[schema.FeeClaim](res, "Servicing:ClaimFee")
			if err != nil {
				return nil, err
			}
			return &FeeClaimOutcome{Committed: committed(res), FeeClaim: *fc}, nil
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, AdvancesClaimOutcome]{
		Method: "POST", Path: deal + "/advances/claims", Tag: "distributions", Roles: servicer,
		Summary:     "Claim the servicer's advance reimbursements (servicer)",
		Description: "Pays what certified periods reimbursed for the servicer's earlier advances into the calling servicer's cash account; the servicer remits collections gross of them.",
		Params:      dealOnly,
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:ClaimAdvances", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
		Result: func(_ *api.Call, _ *api.NoBody, res ledger.Result) (*AdvancesClaimOutcome, error) {
			ac, err := decodeInto[schema.AdvancesClaim](res, "Servicing:ClaimAdvances")
			if err != nil {
				return nil, err
			}
			return &AdvancesClaimOutcome{Committed: committed(res), AdvancesClaim: *ac}, nil
		},
	})
}
