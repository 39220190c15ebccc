package resources

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// DealInput creates a deal on a sealed pool (Deal:Create).
type DealInput struct {
	ID                        string          `json:"id"`
	Name                      string          `json:"name"`
	Pool                      string          `json:"pool" doc:"ID of the sealed pool backing the deal"`
	RequiredCollateralization decimal.Decimal `json:"requiredCollateralization" doc:"the mint gate: issued face ≤ sealed pool balance × this fraction (0 < x ≤ 1)"`
	Tranches                  []TrancheInput  `json:"tranches"`
}

// TrancheInput is one tranche's terms.
type TrancheInput struct {
	ID             string             `json:"id"`
	Class          string             `json:"class" doc:"A-1, B, R..."`
	Seniority      int                `json:"seniority" doc:"1 is the most senior"`
	Kind           schema.TrancheKind `json:"kind" doc:"note or certificate"`
	OriginalFace   money.Amount       `json:"originalFace"`
	UnitFace       money.Amount       `json:"unitFace"`
	Coupon         *schema.Coupon     `json:"coupon,omitempty" doc:"a note's coupon; a certificate has none"`
	LegalFinalDate daycount.Date      `json:"legalFinalDate"`
	Rules          rules.TrancheRules `json:"rules" doc:"the transfer rules checked on every transfer, issuance and settlement"`
}

// Validate checks IDs and amounts; the chaincode checks the terms against
// each other and the consortium.
func (in *DealInput) Validate() error {
	for _, f := range []struct{ field, value string }{{"id", in.ID}, {"pool", in.Pool}} {
		if _, err := schema.ParseID(f.field, f.value); err != nil {
			return err
		}
	}
	if len(in.Tranches) == 0 {
		return api.BadInput("tranches", "a deal has at least one tranche")
	}
	for i, t := range in.Tranches {
		field := fmt.Sprintf("tranches[%d]", i)
		if _, err := schema.ParseID(field+".id", t.ID); err != nil {
			return err
		}
		if !t.OriginalFace.IsPositive() {
			return api.BadInput(field+".originalFace", "must be positive, got %s", t.OriginalFace)
		}
		if !t.UnitFace.IsPositive() {
			return api.BadInput(field+".unitFace", "must be positive, got %s", t.UnitFace)
		}
	}
	return nil
}

// DocumentInput records a document's name, location and hash.
type DocumentInput struct {
	Name   string `json:"name" doc:"unique within the deal"`
	URI    string `json:"uri" doc:"where to fetch it"`
	SHA256 string `json:"sha256" doc:"lower-case hex SHA-256 of the document's bytes"`
}

// Validate checks the fields as the chaincode will.
func (in *DocumentInput) Validate() error {
	if _, err := schema.ParseText("name", in.Name, 200); err != nil {
		return err
	}
	if _, err := schema.ParseText("uri", in.URI, 2048); err != nil {
		return err
	}
	_, err := schema.ParseSHA256("sha256", in.SHA256)
	return err
}

// Documents is a deal's document list.
type Documents struct {
	Deal      string            `json:"deal"`
	Documents []schema.Document `json:"documents"`
}

// UnitsInput is a count of units.
type UnitsInput struct {
	Units int64 `json:"units" doc:"a positive whole number of units"`
}

// Validate checks the count.
func (in *UnitsInput) Validate() error { return positiveUnits("units", in.Units) }

// PlacementInput places units with an investor.
type PlacementInput struct {
	Investor string `json:"investor" doc:"the investor's identity key (MSP/id)"`
	Units    int64  `json:"units"`
}

// Validate checks the investor key and the count.
func (in *PlacementInput) Validate() error {
	if _, err := schema.ParseIdentityKey("investor", in.Investor); err != nil {
		return err
	}
	return positiveUnits("units", in.Units)
}

// PlacementsInput places units with many investors in one transaction.
type PlacementsInput struct {
	Placements []PlacementInput `json:"placements"`
}

// Validate checks each placement, their number and that no investor is
// listed twice.
func (in *PlacementsInput) Validate() error {
	if len(in.Placements) == 0 || len(in.Placements) > schema.MaxBatchQuery {
		return api.BadInput("placements", "%d placements, want 1 to %d", len(in.Placements), schema.MaxBatchQuery)
	}
	seen := map[string]bool{}
	for i := range in.Placements {
		if err := in.Placements[i].Validate(); err != nil {
			return api.BadInput(fmt.Sprintf("placements[%d]", i), "%v", err)
		}
		if seen[in.Placements[i].Investor] {
			return api.BadInput(fmt.Sprintf("placements[%d].investor", i), "listed twice")
		}
		seen[in.Placements[i].Investor] = true
	}
	return nil
}

func positiveUnits(field string, n int64) error {
	if n <= 0 {
		return api.BadInput(field, "must be a positive whole number of units, got %d", n)
	}
	return nil
}

func (r *resources) deals(s *api.Server) {
	api.Register(s, api.Endpoint[DealInput, Committed]{
		Method: "POST", Path: "/v1/deals", Tag: "deals", Status: 201, Roles: arranger,
		Summary:     "Create a deal and its tranches",
		Description: "On a sealed pool; each tranche gets its public terms and transfer rules and an empty book kept by the trustee.",
		Tx: &api.Tx[DealInput]{Fn: "Deal:Create", Submit: true,
			Args: func(c *api.Call, in *DealInput) ([]string, error) {
				arg, err := jsonArg(in)
				return []string{arg}, err
			}},
		Result: done[DealInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Deal]{
		Method: "GET", Path: "/v1/deals/{deal}", Tag: "deals", Roles: anyRole,
		Summary: "A deal's public record", Params: []api.Param{dealParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Deal:Get",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
	})
	api.Register(s, api.Endpoint[DocumentInput, Committed]{
		Method: "POST", Path: "/v1/deals/{deal}/documents", Tag: "documents", Status: 201, Roles: arranger,
		Summary:     "Record a deal document",
		Description: "Its name, location and SHA-256 go on the ledger; the document itself stays where it is.",
		Params:      []api.Param{dealParam},
		Tx: &api.Tx[DocumentInput]{Fn: "Deal:AddDocument", Submit: true,
			Args: func(c *api.Call, in *DocumentInput) ([]string, error) {
				return []string{c.Path("deal"), in.Name, in.URI, in.SHA256}, nil
			}},
		Result: done[DocumentInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, Documents]{
		Method: "GET", Path: "/v1/deals/{deal}/documents", Tag: "documents", Roles: anyRole,
		Summary: "A deal's documents", Params: []api.Param{dealParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Deal:Get",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
		Result: func(c *api.Call, _ *api.NoBody, res ledger.Result) (*Documents, error) {
			d, err := decodeInto[schema.Deal](res, "Deal:Get")
			if err != nil {
				return nil, err
			}
			docs := d.Documents
			if docs == nil {
				docs = []schema.Document{}
			}
			return &Documents{Deal: d.ID, Documents: docs}, nil
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Tranche]{
		Method: "GET", Path: "/v1/tranches/{tranche}", Tag: "deals", Roles: anyRole,
		Summary: "A tranche's public terms and supply", Params: []api.Param{trancheParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Deal:GetTranche",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("tranche")}, nil }},
	})
	api.Register(s, api.Endpoint[UnitsInput, Committed]{
		Method: "POST", Path: "/v1/tranches/{tranche}/issuance", Tag: "deals", Roles: arranger,
		Summary:     "Issue units into the SPV's issuance account",
		Description: "Behind the mint gate: the face of every unit issued across the deal must not exceed the sealed pool balance × the required collateralization.",
		Params:      []api.Param{trancheParam},
		Tx: &api.Tx[UnitsInput]{Fn: "Deal:Issue", Submit: true,
			Args: func(c *api.Call, in *UnitsInput) ([]string, error) {
				return []string{c.Path("tranche"), strconv.FormatInt(in.Units, 10)}, nil
			}},
		Result: done[UnitsInput],
	})
	api.Register(s, api.Endpoint[PlacementInput, Committed]{
		Method: "POST", Path: "/v1/tranches/{tranche}/placements", Tag: "deals", Roles: []roles.Role{roles.Trustee, roles.Arranger},
		Summary:     "Place units with an investor",
		Description: "From the issuance account, after the transfer rules for issuance. Primary issuance against payment is a settlement (POST /v1/settlements/{ref}/deliver with kind issuance).",
		Params:      []api.Param{trancheParam},
		Tx: &api.Tx[PlacementInput]{Fn: "Deal:Place", Submit: true,
			Args: func(c *api.Call, in *PlacementInput) ([]string, error) {
				return []string{c.Path("tranche"), in.Investor, strconv.FormatInt(in.Units, 10)}, nil
			}},
		Result: done[PlacementInput],
	})
	api.Register(s, api.Endpoint[PlacementsInput, Committed]{
		Method: "POST", Path: "/v1/tranches/{tranche}/placements/batch", Tag: "deals", Roles: []roles.Role{roles.Trustee, roles.Arranger},
		Summary: "Place units with many investors in one transaction",
		Description: fmt.Sprintf("Up to %d placements, all or none: each placement writes the tranche's issuance account, so one transaction each would go about one per block.",
			schema.MaxBatchQuery),
		Params: []api.Param{trancheParam},
		Tx: &api.Tx[PlacementsInput]{Fn: "Deal:PlaceMany", Submit: true,
			Args: func(c *api.Call, in *PlacementsInput) ([]string, error) {
				list := make([]schema.Placement, len(in.Placements))
				for i, p := range in.Placements {
					list[i] = schema.Placement{Investor: p.Investor, Units: p.Units}
				}
				b, err := json.Marshal(list)
				return []string{c.Path("tranche"), string(b)}, err
			}},
		Result: done[PlacementsInput],
	})
}
