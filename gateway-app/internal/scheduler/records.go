package scheduler

import (
	"fmt"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Step states.
const (
	Pending = "pending" // recorded before the submit: re-checked after a restart
	Done    = "done"    // committed (or found done on the ledger)
)

// StepRecord is one step's progress. Its key (StepKey) is the step's
// idempotency key.
type StepRecord struct {
	Key    string       `json:"key"`
	State  string       `json:"state"`
	TxID   string       `json:"txId,omitempty"`
	Amount money.Amount `json:"amount,omitzero"`
	At     time.Time    `json:"at"`
	Error  string       `json:"error,omitempty"`
}

// StepKey names a step: deal/period/step[/part...], e.g.
// AUTO-1/0003/claim/AUTO-1-A/Org3MSP/ab12… for a holder's claim.
func StepKey(deal string, period int, step string, parts ...string) string {
	k := fmt.Sprintf("step/%s/%04d/%s", deal, period, step)
	for _, p := range parts {
		k += "/" + p
	}
	return k
}

// viewKey is where a deal's last schedule view is kept.
func viewKey(deal string) string { return "view/" + deal }

// Schedule is what GET /v1/deals/{deal}/schedule answers: the deal's
// state as the scheduler last saw it, what ran, what is next and why
// something waits.
type Schedule struct {
	Deal string    `json:"deal"`
	Mode string    `json:"mode" doc:"trustee (certifies and pays every holder) or claims (claims for this bank's opted-in clients)"`
	Now  time.Time `json:"now" doc:"the scheduler's clock at the last pass"`
	// ClockOverridden says the clock was set (config scheduler.now or PUT
	// /v1/scheduler/clock).
	ClockOverridden bool `json:"clockOverridden"`
	// Certified is the deal's last certified period.
	Certified int `json:"certified"`
	// Ran are the steps that completed, latest last (at most 50).
	Ran []Ran `json:"ran"`
	// Next are the steps the scheduler waits to run, with their date and
	// what they wait for.
	Next []Next `json:"next"`
	// Alerts are steps whose date has passed and that still wait.
	Alerts []Alert `json:"alerts"`
	// Error is the last pass's failure to read the deal, if any.
	Error string `json:"error,omitempty"`
}

// Ran is a completed step.
type Ran struct {
	Period int          `json:"period"`
	Step   string       `json:"step" doc:"certify, pay-holders, pay-fees or claim-opt-in"`
	At     time.Time    `json:"at"`
	Count  int          `json:"count,omitempty" doc:"transactions the step submitted"`
	Amount money.Amount `json:"amount,omitzero" doc:"cash the step paid"`
	Detail string       `json:"detail,omitempty"`
}

// Next is a step still to run.
type Next struct {
	Period  int       `json:"period"`
	Step    string    `json:"step"`
	Due     time.Time `json:"due,omitzero" doc:"its date (zero while unknown: the period's report fixes it)"`
	Waiting []string  `json:"waiting,omitempty" doc:"what it waits for besides its date"`
}

// Alert is a step that missed its date.
type Alert struct {
	Period  int       `json:"period"`
	Step    string    `json:"step"`
	Due     time.Time `json:"due,omitzero"`
	Missing []string  `json:"missing"`
}

// maxRan bounds the history kept in a view.
const maxRan = 50
