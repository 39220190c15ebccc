// Package resources declares the gateway's REST face of every chaincode
// capability: pools and loan tapes, deals and tranches, investors and
// their attestations, holdings and transfers, cash, roles, settlement,
// servicer reports, fixings, certification, distributions and claims,
// proof of reserve, replay, the waterfall and documents, and the read
// model's statements.
//
// Each resource is one api.Endpoint declaration: method and path, the
// roles that may call it (checked here for a fast, clear answer; the
// chaincode checks again and decides), request and response types (which
// document themselves in the OpenAPI document), and the chaincode function
// it runs. Endorsers come from the generated endorsement table (package
// endorse) for every function, so a write is endorsed by exactly the peers
// its policies need and a query is answered by a peer that holds its data.
//
// Files: one per resource family (pools.go, deals.go, ...); views.go holds
// the chaincode's answers as the gateway restates them (the gateway does
// not import the contracts: DESIGN.md §7). Uploads run in package upload;
// their handlers (tapes.go, reports.go) translate HTTP to one workflow
// call and back.
//
// Imports: api, config, ledger, store (read model and loan book, through
// its interfaces), upload, onboard (identities.go), the chaincode's pure
// core and schema; never bbolt or the contracts.
package resources

import (
	"encoding/json"
	"errors"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// resources is what the handlers share: the store for the read model and
// the loan book, and the configuration.
type resources struct {
	store store.Store
	cfg   config.Config
}

// Register declares every resource on s; pass it in api.Deps.Resources.
func Register(s *api.Server) {
	r := &resources{store: s.Store(), cfg: s.Config()}
	for _, register := range []func(*api.Server){
		r.pools, r.tapes, r.deals, r.investors, r.tokens, r.cash, r.roles, r.settlements,
		r.servicing, r.reports, r.replay, r.statements, r.trusteeStatement, r.reference, r.projections, r.amendments,
		r.opening, r.auctions,
		r.fixingSources, r.cards,
	} {
		register(s)
	}
}

// Role sets used by several resources.
var (
	anyRole  []roles.Role // any authenticated user: the chaincode decides
	trustee  = []roles.Role{roles.Trustee}
	arranger = []roles.Role{roles.Arranger}
	servicer = []roles.Role{roles.Servicer}
	investor = []roles.Role{roles.Investor}
)

// Path and query parameters. IDs follow the chaincode's rules for object
// IDs (schema.ParseID); identities are two path segments, MSP and the hex
// SHA-256 of subject and issuer, because an identity key (MSP/id) holds a
// slash.
const idPattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`

var (
	poolParam    = api.Param{Name: "pool", In: "path", Description: "pool ID", Pattern: idPattern, Example: "POOL-1"}
	dealParam    = api.Param{Name: "deal", In: "path", Description: "deal ID", Pattern: idPattern, Example: "AUTO-2026-1"}
	trancheParam = api.Param{Name: "tranche", In: "path", Description: "tranche ID", Pattern: idPattern, Example: "AUTO-2026-1-A"}
	mspParam     = api.Param{Name: "msp", In: "path", Description: "MSP ID of the identity's organisation", Pattern: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, Example: "Org3MSP"}
	idParam      = api.Param{Name: "id", In: "path", Description: "the identity's ID: hex SHA-256 of its certificate's subject and issuer (GET /v1/whoami shows it)", Pattern: `^[0-9a-f]{64}$`}
	periodParam  = api.Param{Name: "period", In: "path", Type: "integer", Description: "collection period number, from 1", Pattern: `^[1-9][0-9]{0,3}$`, Example: "1"}
	refParam     = api.Param{Name: "ref", In: "path", Description: "trade reference", Pattern: idPattern, Example: "TRADE-0001"}
	formatParam  = api.Param{Name: "format", In: "query", Description: "json (default) or csv", Enum: []string{"json", "csv"}}
)

// holderParams are the two segments of an identity in a path.
var holderParams = []api.Param{mspParam, idParam}

// identityOf is the identity key named by the {msp}/{id} path segments.
func identityOf(c *api.Call) string { return c.Path("msp") + "/" + c.Path("id") }

// Committed is the answer of a write whose transaction returns nothing:
// where it was committed.
type Committed struct {
	TxID  string `json:"txId" doc:"the Fabric transaction ID"`
	Block uint64 `json:"block" doc:"the block that committed it"`
}

func committed(res ledger.Result) Committed { return Committed{TxID: res.TxID, Block: res.Block} }

// done is the Result of writes whose chaincode function returns nothing.
func done[Req any](_ *api.Call, _ *Req, res ledger.Result) (*Committed, error) {
	c := committed(res)
	return &c, nil
}

// jsonArg renders a chaincode argument as canonical JSON, the form the
// chaincode's strict decoder reads.
func jsonArg(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeInto decodes a chaincode payload. It is lenient (encoding/json):
// a newer chaincode may add fields the gateway does not show yet.
func decodeInto[T any](res ledger.Result, fn string) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(res.Payload, v); err != nil {
		return nil, api.NewProblem(api.CodePeerError, "%s answered with unreadable JSON: %v", fn, err)
	}
	return v, nil
}

// within places a chaincode input error, or a request field's own
// refusal, under a field of the request body: terms.units rather than
// units, attestations[3].claims.kycExpiry rather than claims.kycExpiry.
func within(prefix string, err error) error {
	if p := (*api.Problem)(nil); errors.As(err, &p) && p.Code == api.CodeBadInput && p.Field != "" {
		named := *p
		named.Field, named.Detail = prefix+"."+p.Field, prefix+"."+p.Detail
		return &named
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.BadInput {
		return err
	}
	field := prefix
	if e.Field != "" {
		field += "." + e.Field
	}
	return api.BadInput(field, "%s", e.Msg)
}
