package resources

import (
	"slices"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// The read model's resources: this bank's view of its clients and of the
// deals, kept by the event listener (package projections, kept in package store). They answer
// without a ledger call, as of the last event applied (GET /readyz shows
// the listener's checkpoint).

// staff are the roles that see every client of the bank, as the chaincode
// lets a bank's compliance officers and admins, and the trustee, see
// positions (schema.MaySee).
var staff = []roles.Role{roles.Compliance, roles.Admin, roles.Trustee}

// HoldingList is the current positions the read model holds.
type HoldingList struct {
	Holdings []store.Holding `json:"holdings"`
}

// HoldingHistory is a client's position changes in a tranche.
type HoldingHistory struct {
	Holder  string               `json:"holder"`
	Tranche string               `json:"tranche"`
	Entries []store.HoldingEntry `json:"entries"`
}

// ReportHistory is a deal's servicer report events.
type ReportHistory struct {
	Deal   string              `json:"deal"`
	Events []store.ReportEvent `json:"events"`
}

// DistributionHistory is a deal's certified periods.
type DistributionHistory struct {
	Deal          string               `json:"deal"`
	Distributions []store.Distribution `json:"distributions"`
}

// maySeeClient enforces who may read a client's records from the read
// model: the client itself, or the bank's staff; and only this bank's
// clients are in it.
func maySeeClient(c *api.Call, holder string) error {
	id, err := roles.ParseKey(holder)
	if err != nil {
		return api.BadInput("holder", "%q is not an identity key MSP/id", holder)
	}
	if id.MSP != c.MSPID() {
		return api.NewProblem(api.CodeNotFound, "%s is not a client of this bank (%s): its records are kept by its own bank's gateway", id.Short(), c.MSPID())
	}
	if holder != c.IdentityKey() && !slices.ContainsFunc(staff, c.User.Roles.Has) {
		return api.NewProblem(api.CodeForbidden, "user %s may read its own records only; a client's records are for it and the bank's compliance officers, admins and trustee", c.User.Name)
	}
	return nil
}

func (r *resources) view(fn func(store.Reader) error) error { return r.store.View(fn) }

func (r *resources) statements(s *api.Server) {
	api.Register(s, api.Endpoint[api.NoBody, HoldingList]{
		Method: "GET", Path: "/v1/holdings", Tag: "statements", Roles: anyRole,
		Summary: "Current positions of this bank's clients (read model)",
		Description: "As last read after an event touching them. An investor sees its own; the bank's compliance officers, admins and trustee see every client. " +
			"Filter by holder and tranche.",
		Params: []api.Param{
			{Name: "holder", In: "query", Description: "identity key MSP/id", MaxLength: 200},
			{Name: "tranche", In: "query", Description: "tranche ID", Pattern: idPattern},
		},
		Handle: func(c *api.Call, _ *api.NoBody) (*HoldingList, error) {
			holder := c.Query("holder")
			if !slices.ContainsFunc(staff, c.User.Roles.Has) {
				if holder == "" {
					holder = c.IdentityKey()
				}
			}
			if holder != "" {
				if err := maySeeClient(c, holder); err != nil {
					return nil, err
				}
			}
			out := &HoldingList{}
			err := r.view(func(rm store.Reader) error {
				var err error
				out.Holdings, err = rm.Holdings(holder, c.Query("tranche"))
				return err
			})
			return out, err
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, HoldingHistory]{
		Method: "GET", Path: "/v1/tranches/{tranche}/holders/{msp}/{id}/history", Tag: "statements", Roles: anyRole,
		Summary: "A client's position history in a tranche (read model)", Params: []api.Param{trancheParam, mspParam, idParam},
		Handle: func(c *api.Call, _ *api.NoBody) (*HoldingHistory, error) {
			holder := identityOf(c)
			if err := maySeeClient(c, holder); err != nil {
				return nil, err
			}
			out := &HoldingHistory{Holder: holder, Tranche: c.Path("tranche")}
			err := r.view(func(rm store.Reader) error {
				var err error
				out.Entries, err = rm.HoldingHistory(holder, out.Tranche)
				return err
			})
			return out, err
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, store.InvestorStatement]{
		Method: "GET", Path: "/v1/investors/{msp}/{id}/statement", Tag: "statements", Roles: anyRole,
		Summary:     "An investor's statement (read model)",
		Description: "Positions, cash, distributions due per period and class, and the history of each, for a client of this bank.",
		Params:      holderParams,
		Handle: func(c *api.Call, _ *api.NoBody) (*store.InvestorStatement, error) {
			holder := identityOf(c)
			if err := maySeeClient(c, holder); err != nil {
				return nil, err
			}
			var st store.InvestorStatement
			err := r.view(func(rm store.Reader) error {
				var err error
				st, err = rm.Investor(holder)
				return err
			})
			return &st, err
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, ReportHistory]{
		Method: "GET", Path: "/v1/deals/{deal}/reports", Tag: "statements", Roles: anyRole,
		Summary: "A deal's servicer report history (read model)", Description: "Every submission, chunk, completion, withdrawal and certification, in ledger order.",
		Params: []api.Param{dealParam},
		Handle: func(c *api.Call, _ *api.NoBody) (*ReportHistory, error) {
			out := &ReportHistory{Deal: c.Path("deal")}
			err := r.view(func(rm store.Reader) error {
				var err error
				out.Events, err = rm.ReportHistory(out.Deal)
				return err
			})
			return out, err
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, DistributionHistory]{
		Method: "GET", Path: "/v1/deals/{deal}/distributions", Tag: "statements", Roles: anyRole,
		Summary: "A deal's distributions per period and class (read model)", Params: []api.Param{dealParam},
		Handle: func(c *api.Call, _ *api.NoBody) (*DistributionHistory, error) {
			out := &DistributionHistory{Deal: c.Path("deal")}
			err := r.view(func(rm store.Reader) error {
				var err error
				out.Distributions, err = rm.Distributions(out.Deal)
				return err
			})
			return out, err
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, store.PeriodStatement]{
		Method: "GET", Path: "/v1/deals/{deal}/periods/{period}/statement", Tag: "statements", Roles: staff,
		Summary: "A certified period's distribution statement for this bank's clients (read model)",
		Description: "What each class paid per unit and what each client is due (units × per-unit, floored to the cent), with totals per tranche. " +
			"?format=csv gives the lines as CSV.",
		Params: []api.Param{dealParam, periodParam, formatParam},
		Alternates: []api.Alternate[store.PeriodStatement]{{Format: "csv", ContentType: "text/csv; charset=utf-8",
			Render: func(s *store.PeriodStatement) ([]byte, error) { return s.CSV() }}},
		Handle: func(c *api.Call, _ *api.NoBody) (*store.PeriodStatement, error) {
			p, _ := strconv.Atoi(c.Path("period"))
			var st store.PeriodStatement
			var found bool
			err := r.view(func(rm store.Reader) error {
				var err error
				st, found, err = rm.Statement(c.Path("deal"), p)
				return err
			})
			if err == nil && !found {
				return nil, api.NewProblem(api.CodeNotFound, "the read model has no certification of deal %s period %d (yet: see /readyz for the listener's progress)", c.Path("deal"), p)
			}
			return &st, err
		},
	})
}
