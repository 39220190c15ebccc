package cardtrust

import (
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Inputs are everything one month's allocation depends on: the trust's
// terms, its state before the month and the servicer's report. The ledger
// keeps them with each allocated month, so any bank can run the month
// again ([Replay]) and compare hashes with the chaincode's.
type Inputs struct {
	Trust  Trust  `json:"trust"`
	Prior  State  `json:"prior"`
	Report Report `json:"report"`
}

// Allocated is a month as the chaincode certifies it: the inputs and the
// result with the hex SHA-256 of the canonical JSON of each.
type Allocated struct {
	Inputs     Inputs      `json:"inputs"`
	InputsHash string      `json:"inputsHash"`
	Result     MonthResult `json:"result"`
	ResultHash string      `json:"resultHash"`
}

// Allocate runs the month (Run) and hashes its inputs and result.
func Allocate(in Inputs) (Allocated, error) {
	res, err := Run(&in.Trust, in.Prior, in.Report)
	if err != nil {
		return Allocated{}, err
	}
	ih, err := canon.HashHex(in)
	if err != nil {
		return Allocated{}, errs.New(errs.Internal, "hash of the month's inputs: %v", err)
	}
	rh, err := canon.HashHex(res)
	if err != nil {
		return Allocated{}, errs.New(errs.Internal, "hash of the month's result: %v", err)
	}
	return Allocated{Inputs: in, InputsHash: ih, Result: res, ResultHash: rh}, nil
}

// Replay runs a certified month again from its recorded inputs and
// refuses with CONFLICT when the inputs or the result hash differently
// from what was certified: the check another bank makes without trusting
// the endorsers.
func Replay(certified Allocated) (Allocated, error) {
	again, err := Allocate(certified.Inputs)
	if err != nil {
		return Allocated{}, err
	}
	switch {
	case again.InputsHash != certified.InputsHash:
		return again, errs.New(errs.Conflict, "period %d: the recorded inputs hash to %s, certified %s", certified.Inputs.Report.Period, again.InputsHash, certified.InputsHash)
	case again.ResultHash != certified.ResultHash:
		return again, errs.New(errs.Conflict, "period %d: the replayed result hashes to %s, certified %s", certified.Inputs.Report.Period, again.ResultHash, certified.ResultHash)
	}
	return again, nil
}
