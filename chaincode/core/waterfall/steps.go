package waterfall

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// StepKind is the "kind" discriminator of a step in JSON.
type StepKind string

const (
	KindFee            StepKind = "fee"
	KindInterest       StepKind = "interest"
	KindPrincipal      StepKind = "principal"
	KindReserve        StepKind = "reserve"
	KindTrigger        StepKind = "trigger"
	KindLossAllocation StepKind = "lossAllocation"
	KindCleanUpCall    StepKind = "cleanUpCall"
	KindResidual       StepKind = "residual"
)

// Step is one line of a priority of payments. The set of step types is
// closed: FeeStep, InterestStep, PrincipalStep, ReserveStep, TriggerStep,
// LossAllocationStep, CleanUpCallStep and ResidualStep.
type Step interface {
	Kind() StepKind
	isStep()
}

// FeeStep pays a fee: what is owed (carried-forward shortfall first, then
// this period's accrual), up to the fee's cap; with Excess, it pays what the
// cap held back, without a cap, and must come after the fee's normal step.
type FeeStep struct {
	Fee    string `json:"fee"`
	Excess bool   `json:"excess,omitempty"`
}

// InterestStep pays interest due on the listed classes, pro rata by the
// amount due when funds are short. If ReserveDraw names a reserve account,
// a shortfall is first drawn from it.
type InterestStep struct {
	Classes     []string `json:"classes"`
	ReserveDraw string   `json:"reserveDraw,omitempty"`
}

// PrincipalAmount says how much a principal step pays.
type PrincipalAmount string

const (
	// NotesOverPool is max(0, listed classes' balances − ending pool
	// balance − amounts sized by earlier steps). The listed classes must
	// include every more senior note. Steps over A, then A+B, then A+B+C...
	// give the US auto-ABS first, second, third... "priority principal
	// distribution amounts"; one step over all notes keeps the notes at the
	// pool balance in a deal without overcollateralization, catching up any
	// earlier shortfall.
	NotesOverPool PrincipalAmount = "notesOverPool"
	// RegularPrincipal is max(0, all notes − (ending pool − OC target) −
	// amounts sized by earlier steps): the US auto-ABS "regular principal
	// distribution amount", which brings the notes down to the pool less the
	// OC target and so builds overcollateralization from excess spread.
	RegularPrincipal PrincipalAmount = "regular"
	// PoolDecline is the drop in the pool balance this period (principal
	// collections, defaults and adjustments) less amounts sized by earlier
	// steps: a pass-through that keeps the overcollateralization amount
	// constant. Unlike NotesOverPool it does not catch up a shortfall.
	PoolDecline PrincipalAmount = "poolDecline"
	// TurboPrincipal is all remaining funds while a trigger with effect
	// "turbo" is breached, and nothing otherwise.
	TurboPrincipal PrincipalAmount = "turbo"
	// RemainingFunds is all remaining funds, until the listed notes are paid
	// in full (the acceleration waterfall).
	RemainingFunds PrincipalAmount = "remaining"
)

// Allocation says how a principal step splits its amount over its classes.
type Allocation string

const (
	// SequentialAllocation pays by rank, most senior first; equal ranks
	// share pro rata by balance.
	SequentialAllocation Allocation = "sequential"
	// ProRataAllocation pays all listed classes pro rata by balance, unless
	// a trigger with effect "sequential" is breached.
	ProRataAllocation Allocation = "pro-rata"
)

// PrincipalStep pays principal on the listed classes. Balances used to size
// the amount are those at the beginning of the period; payments never
// exceed a class's current balance.
type PrincipalStep struct {
	Classes     []string        `json:"classes"`
	Amount      PrincipalAmount `json:"amount"`
	Allocation  Allocation      `json:"allocation"`
	ReserveDraw string          `json:"reserveDraw,omitempty"`
}

// ReserveAction is what a reserve step does.
type ReserveAction string

const (
	// Deposit tops the account up to its target from available funds.
	Deposit ReserveAction = "deposit"
	// Release moves the balance above the target into available funds.
	Release ReserveAction = "release"
)

// ReserveStep deposits to or releases from a reserve account.
type ReserveStep struct {
	Account string        `json:"account"`
	Action  ReserveAction `json:"action"`
}

// TriggerStep tests triggers. Trigger steps come before any other step,
// because a trigger decides how the period's funds flow.
type TriggerStep struct {
	Triggers []string `json:"triggers"`
}

// LossAllocationStep writes down the listed classes, most junior first,
// by the amount the notes exceed the pool balance after this period's
// payments. It moves no cash. Write-downs are permanent: they are recorded
// per class (the principal deficiency ledger) and are not reinstated.
type LossAllocationStep struct {
	Classes []string `json:"classes"`
}

// CleanUpCallStep, in a period where the clean-up call is exercised, pays
// the listed notes in full sequentially from all remaining funds; in other
// periods it does nothing.
type CleanUpCallStep struct {
	Classes []string `json:"classes"`
}

// ResidualStep pays everything left to the residual class. It is the last
// step of every priority of payments.
type ResidualStep struct {
	Class string `json:"class"`
}

func (FeeStep) Kind() StepKind            { return KindFee }
func (InterestStep) Kind() StepKind       { return KindInterest }
func (PrincipalStep) Kind() StepKind      { return KindPrincipal }
func (ReserveStep) Kind() StepKind        { return KindReserve }
func (TriggerStep) Kind() StepKind        { return KindTrigger }
func (LossAllocationStep) Kind() StepKind { return KindLossAllocation }
func (CleanUpCallStep) Kind() StepKind    { return KindCleanUpCall }
func (ResidualStep) Kind() StepKind       { return KindResidual }

func (FeeStep) isStep()            {}
func (InterestStep) isStep()       {}
func (PrincipalStep) isStep()      {}
func (ReserveStep) isStep()        {}
func (TriggerStep) isStep()        {}
func (LossAllocationStep) isStep() {}
func (CleanUpCallStep) isStep()    {}
func (ResidualStep) isStep()       {}

// Each step marshals as its fields preceded by "kind". The local type
// without methods avoids recursing into MarshalJSON.

func (s FeeStep) MarshalJSON() ([]byte, error) {
	type body FeeStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

func (s InterestStep) MarshalJSON() ([]byte, error) {
	type body InterestStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

func (s PrincipalStep) MarshalJSON() ([]byte, error) {
	type body PrincipalStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

func (s ReserveStep) MarshalJSON() ([]byte, error) {
	type body ReserveStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

func (s TriggerStep) MarshalJSON() ([]byte, error) {
	type body TriggerStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

func (s LossAllocationStep) MarshalJSON() ([]byte, error) {
	type body LossAllocationStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

func (s CleanUpCallStep) MarshalJSON() ([]byte, error) {
	type body CleanUpCallStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

func (s ResidualStep) MarshalJSON() ([]byte, error) {
	type body ResidualStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

// decodeStep reads one step object strictly: the kind must be known and
// every other field must belong to that kind. path prefixes errors
// ("steps[3]").
func decodeStep(path string, raw json.RawMessage) (Step, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, fmt.Errorf("%s: want a JSON object", path)
	}
	var kind StepKind
	kindRaw, ok := fields["kind"]
	if !ok {
		return nil, fmt.Errorf("%s.kind: missing", path)
	}
	if err := json.Unmarshal(kindRaw, &kind); err != nil {
		return nil, fmt.Errorf("%s.kind: want a string", path)
	}
	delete(fields, "kind")
	rest, err := json.Marshal(fields) // map keys marshal sorted
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var s Step
	switch kind {
	case KindFee:
		s, err = decodeStrict[FeeStep](rest)
	case KindInterest:
		s, err = decodeStrict[InterestStep](rest)
	case KindPrincipal:
		s, err = decodeStrict[PrincipalStep](rest)
	case KindReserve:
		s, err = decodeStrict[ReserveStep](rest)
	case KindTrigger:
		s, err = decodeStrict[TriggerStep](rest)
	case KindLossAllocation:
		s, err = decodeStrict[LossAllocationStep](rest)
	case KindCleanUpCall:
		s, err = decodeStrict[CleanUpCallStep](rest)
	case KindResidual:
		s, err = decodeStrict[ResidualStep](rest)
	case KindShiftingInterest:
		s, err = decodeStrict[ShiftingInterestStep](rest)
	default:
		return nil, fmt.Errorf("%s.kind: unknown step kind %q", path, string(kind))
	}
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %v", path, kind, err)
	}
	return s, nil
}

// decodeStrict decodes one JSON value into T, refusing unknown fields and
// trailing data.
func decodeStrict[T any](b []byte) (T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, err
	}
	if dec.More() {
		return v, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}
