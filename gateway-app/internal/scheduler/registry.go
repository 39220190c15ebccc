package scheduler

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Where a deal the scheduler runs comes from.
const (
	FromConfig     = "config"     // the gateway's configuration file (scheduler.deals)
	FromRegistered = "registered" // PUT /v1/scheduler/deals/{deal}, kept in the store
)

// Registration is the body of PUT /v1/scheduler/deals/{deal}: the same
// settings as a deal of the configuration's scheduler.deals.
type Registration struct {
	DeterminationDays int      `json:"determinationDays" doc:"the trustee certifies this many days before the payment date (0 to 28)"`
	OptIn             []string `json:"optIn,omitempty" doc:"this gateway's identities (configuration names) whose distributions it claims for them on each payment date"`
}

// RunDeal is one deal the scheduler runs, and where it comes from.
type RunDeal struct {
	Deal              string    `json:"deal"`
	DeterminationDays int       `json:"determinationDays"`
	OptIn             []string  `json:"optIn"`
	Source            string    `json:"source" doc:"config (the configuration file's scheduler.deals) or registered (PUT /v1/scheduler/deals/{deal})"`
	Registered        time.Time `json:"registered,omitzero" doc:"when it was registered (registered deals)"`
	By                string    `json:"by,omitempty" doc:"the API user who registered it"`
}

// RunDeals answers GET /v1/scheduler/deals.
type RunDeals struct {
	Mode  string    `json:"mode" doc:"trustee (certifies and pays every holder) or claims (claims for this bank's opted-in clients)"`
	Deals []RunDeal `json:"deals" doc:"the configured deals first, in configuration order, then the registered ones in deal order"`
}

// UseRegistry makes the scheduler run, besides its configured deals,
// those registered at run time and kept in r (nil: configured deals only).
func (s *Scheduler) UseRegistry(r store.RegisteredDeals) { s.registry = r }

// dealPattern is a deal ID as the API's paths accept it.
var dealPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// deals are the deals a pass runs: the configured ones, then the
// registered ones. A store that cannot be read leaves the configured
// deals running, and says so in the log.
func (s *Scheduler) deals() []config.ScheduledDeal {
	out := slices.Clone(s.cfg.Deals)
	if s.registry == nil {
		return out
	}
	reg, err := s.registry.List()
	if err != nil {
		s.log.Error("scheduler: reading the registered deals; running the configured deals only", "error", err.Error())
		return out
	}
	for _, r := range reg {
		if !s.configured(r.Deal) { // the configuration wins (Register refuses such a deal)
			out = append(out, config.ScheduledDeal{Deal: r.Deal, DeterminationDays: r.DeterminationDays, OptIn: r.OptIn})
		}
	}
	return out
}

func (s *Scheduler) configured(deal string) bool {
	return slices.ContainsFunc(s.cfg.Deals, func(d config.ScheduledDeal) bool { return d.Deal == deal })
}

// runs reports whether the scheduler runs deal.
func (s *Scheduler) runs(deal string) bool {
	if s.configured(deal) {
		return true
	}
	if s.registry == nil {
		return false
	}
	_, found, err := s.registry.Get(deal)
	return found && err == nil
}

// RunningDeals lists the deals the scheduler runs.
func (s *Scheduler) RunningDeals() (RunDeals, error) {
	out := RunDeals{Mode: s.mode(), Deals: []RunDeal{}}
	for _, d := range s.cfg.Deals {
		out.Deals = append(out.Deals, RunDeal{Deal: d.Deal, DeterminationDays: d.DeterminationDays, OptIn: nonNil(d.OptIn), Source: FromConfig})
	}
	if s.registry == nil {
		return out, nil
	}
	reg, err := s.registry.List()
	if err != nil {
		return RunDeals{}, err
	}
	for _, r := range reg {
		out.Deals = append(out.Deals, registered(r))
	}
	return out, nil
}

// Register adds deal to the deals the scheduler runs, or replaces its
// registration, after checking it as the configuration's deals are
// checked and that the ledger knows the deal. A deal the configuration
// lists is refused (CONFLICT): one source per deal, so what a restart
// runs never depends on which of the two was written last.
func (s *Scheduler) Register(ctx context.Context, deal string, in Registration, by string) (RunDeal, error) {
	if s.registry == nil {
		return RunDeal{}, api.NewProblem(string(errs.WrongState), "this scheduler takes its deals from the configuration only")
	}
	if err := s.checkRegistration(deal, in); err != nil {
		return RunDeal{}, err
	}
	if s.configured(deal) {
		return RunDeal{}, api.NewProblem(string(errs.Conflict),
			"deal %s is in this gateway's configuration (scheduler.deals): change it there, or remove it there before registering it", deal)
	}
	// The ledger must know the deal (a NOT_FOUND from the chaincode
	// otherwise), so a typo is refused now rather than waited on forever.
	if _, err := s.ledger.Status(ctx, deal); err != nil {
		return RunDeal{}, err
	}
	r := store.RegisteredDeal{Deal: deal, DeterminationDays: in.DeterminationDays, OptIn: nonNil(in.OptIn), Registered: time.Now().UTC(), By: by}
	if err := s.registry.Put(r); err != nil {
		return RunDeal{}, err
	}
	s.log.Info("scheduler: deal registered", "deal", deal, "determinationDays", r.DeterminationDays, "optIn", r.OptIn, "by", by)
	s.Wake()
	return registered(r), nil
}

// Unregister stops running a registered deal. Its progress records stay:
// registering it again resumes where it was, paying nothing twice.
func (s *Scheduler) Unregister(deal string) (RunDeal, error) {
	if s.configured(deal) {
		return RunDeal{}, api.NewProblem(string(errs.Conflict),
			"deal %s is in this gateway's configuration (scheduler.deals): remove it there", deal)
	}
	if s.registry == nil {
		return RunDeal{}, api.NewProblem(api.CodeNotFound, "deal %s is not registered with this gateway's scheduler", deal)
	}
	r, found, err := s.registry.Get(deal)
	if err != nil {
		return RunDeal{}, err
	}
	if !found {
		return RunDeal{}, api.NewProblem(api.CodeNotFound, "deal %s is not registered with this gateway's scheduler", deal)
	}
	if _, err := s.registry.Delete(deal); err != nil {
		return RunDeal{}, err
	}
	s.log.Info("scheduler: deal unregistered", "deal", deal)
	return registered(r), nil
}

// checkRegistration applies the configuration's rules for a scheduled
// deal, naming the field at fault.
func (s *Scheduler) checkRegistration(deal string, in Registration) error {
	if !dealPattern.MatchString(deal) {
		return api.BadInput("deal", "%q is not a deal ID (%s)", deal, dealPattern)
	}
	if in.DeterminationDays < 0 || in.DeterminationDays > 28 {
		return api.BadInput("determinationDays", "must be 0 to 28, got %d", in.DeterminationDays)
	}
	for i, id := range in.OptIn {
		if _, ok := s.ledger.HolderKey(id); !ok {
			return api.BadInput(fmt.Sprintf("optIn[%d]", i), "%q is not one of this gateway's identities", id)
		}
		if slices.Index(in.OptIn, id) != i {
			return api.BadInput(fmt.Sprintf("optIn[%d]", i), "%q is listed twice", id)
		}
	}
	return nil
}

// registered is a registration as GET /v1/scheduler/deals shows it.
func registered(r store.RegisteredDeal) RunDeal {
	return RunDeal{Deal: r.Deal, DeterminationDays: r.DeterminationDays, OptIn: nonNil(r.OptIn), Source: FromRegistered, Registered: r.Registered, By: r.By}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// registrationRoutes declares GET /v1/scheduler/deals and PUT and DELETE
// /v1/scheduler/deals/{deal}. They take the admin role, as the clock
// does: which deals a gateway runs is the operation of the gateway
// itself, like its configuration file; the steps still run as the
// scheduler's configured identity, whose roles the chaincode checks.
func (s *Scheduler) registrationRoutes(srv *api.Server) {
	dealParam := api.Param{Name: "deal", In: "path", Description: "deal ID", Pattern: dealPattern.String()}
	admin := []roles.Role{roles.Admin}
	api.Register(srv, api.Endpoint[api.NoBody, RunDeals]{
		Method: "GET", Path: "/v1/scheduler/deals", Tag: "scheduler", Roles: []roles.Role{roles.Admin, roles.Auditor},
		Summary:     "The deals this gateway's scheduler runs",
		Description: "The configuration's deals (scheduler.deals) and those registered with PUT /v1/scheduler/deals/{deal}, with where each comes from.",
		Handle: func(*api.Call, *api.NoBody) (*RunDeals, error) {
			v, err := s.RunningDeals()
			return &v, err
		},
	})
	api.Register(srv, api.Endpoint[Registration, RunDeal]{
		Method: "PUT", Path: "/v1/scheduler/deals/{deal}", Tag: "scheduler", Roles: admin, Params: []api.Param{dealParam},
		Summary: "Register a deal with this gateway's scheduler, or change its registration",
		Description: "From the next pass (started at once) the scheduler runs the deal's payment dates as it runs the configuration's deals; " +
			"the registration is kept in the gateway's store, so a restart keeps it. The deal must exist on the ledger. A deal the configuration " +
			"lists is refused with CONFLICT (one source per deal: change it in the configuration).",
		Chaincode: []string{"Servicing:GetStatus"},
		Handle: func(c *api.Call, in *Registration) (*RunDeal, error) {
			d, err := s.Register(c.Context(), c.Path("deal"), *in, c.User.Name)
			return &d, err
		},
	})
	api.Register(srv, api.Endpoint[api.NoBody, RunDeal]{
		Method: "DELETE", Path: "/v1/scheduler/deals/{deal}", Tag: "scheduler", Roles: admin, Params: []api.Param{dealParam},
		Summary: "Stop running a registered deal",
		Description: "The scheduler stops at its next pass; what it recorded stays, so registering the deal again resumes without " +
			"repeating a step. A deal of the configuration is refused with CONFLICT.",
		Handle: func(c *api.Call, _ *api.NoBody) (*RunDeal, error) {
			d, err := s.Unregister(c.Path("deal"))
			return &d, err
		},
	})
}
