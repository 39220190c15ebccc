package scheduler

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// ClockInput sets the scheduler's clock.
type ClockInput struct {
	Now time.Time `json:"now" doc:"RFC 3339: the time the scheduler takes as now from here on (it advances with the wall clock)"`
}

// ClockState is the scheduler's clock.
type ClockState struct {
	Now        time.Time `json:"now"`
	Overridden bool      `json:"overridden"`
}

// Routes declares GET /v1/deals/{deal}/schedule, PUT /v1/scheduler/clock
// and the registration of deals (GET /v1/scheduler/deals, PUT and DELETE
// /v1/scheduler/deals/{deal}); pass it in api.Deps.Resources.
func (s *Scheduler) Routes(srv *api.Server) {
	api.Register(srv, api.Endpoint[api.NoBody, Schedule]{
		Method: "GET", Path: "/v1/deals/{deal}/schedule", Tag: "scheduler",
		Summary: "What the payment-date scheduler ran for a deal, what is next and why something waits",
		Description: "As of the scheduler's last pass on this gateway: the last certified period, the steps done (certify, pay-holders, pay-fees, " +
			"claim-opt-in), the steps to come with their date and what they wait for (a report, a fixing, cash), and alerts for steps past their date.",
		Params: []api.Param{{Name: "deal", In: "path", Description: "deal ID", Pattern: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`}},
		Handle: func(c *api.Call, _ *api.NoBody) (*Schedule, error) {
			v, ok, err := s.View(c.Path("deal"))
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, api.NewProblem(api.CodeNotFound, "this gateway's scheduler does not run deal %s (config scheduler.deals, or PUT /v1/scheduler/deals/{deal})", c.Path("deal"))
			}
			return &v, nil
		},
	})
	s.registrationRoutes(srv)
	api.Register(srv, api.Endpoint[ClockInput, ClockState]{
		Method: "PUT", Path: "/v1/scheduler/clock", Tag: "scheduler", Roles: []roles.Role{roles.Admin},
		Summary:     "Set the scheduler's clock (tests and demos)",
		Description: "Moves the scheduler's notion of now (the chaincode still stamps transactions with the real time) and starts a pass at once.",
		Handle: func(c *api.Call, in *ClockInput) (*ClockState, error) {
			st, ok := s.clock.(*Settable)
			if !ok {
				return nil, api.NewProblem(string(errs.WrongState), "this scheduler's clock cannot be set")
			}
			if in.Now.IsZero() {
				return nil, api.BadInput("now", "required: an RFC 3339 time")
			}
			st.Set(in.Now)
			s.Wake()
			return &ClockState{Now: st.Now(), Overridden: true}, nil
		},
	})
}
