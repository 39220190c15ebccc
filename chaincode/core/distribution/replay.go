package distribution

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// Inputs is everything a certified period's waterfall depends on, all of
// it public on the ledger: the definition in force, the state the previous
// period left (or the closing state) and the period's inputs. Its
// canonical hash is stored with the result, so a replay can show it used
// the same facts.
type Inputs struct {
	Definition waterfall.Definition `json:"definition"`
	Prior      waterfall.State      `json:"prior"`
	Period     PeriodInputs         `json:"period"`
}

// Hash is the hex SHA-256 of the inputs' canonical JSON.
func (in Inputs) Hash() (string, error) {
	h, err := canon.HashHex(in)
	if err != nil {
		return "", errs.Wrap(err, "hash the waterfall inputs")
	}
	return h, nil
}

// Outcome is one period computed from its inputs: the waterfall's result,
// its canonical bytes and hash, the inputs' hash and the cash it moves.
type Outcome struct {
	Result     waterfall.Result
	ResultJSON []byte
	ResultHash string
	InputsHash string
	Cash       CashPlan
}

// Compute runs the period's waterfall. Certification and Replay both call
// it, so a replay takes exactly the certifying path. Refusals of the
// engine (a definition, state or period that breaks a rule) are BAD_INPUT
// naming the first field; a result that does not conserve is INTERNAL.
func Compute(in Inputs) (Outcome, error) {
	p, err := in.Period.Period(in.Prior.AccruedThrough)
	if err != nil {
		return Outcome{}, err
	}
	res, err := waterfall.Run(in.Definition, in.Prior, p)
	if err != nil {
		return Outcome{}, engineError(err)
	}
	out := Outcome{Result: res}
	if out.ResultJSON, err = canon.Marshal(res); err != nil {
		return Outcome{}, errs.Wrap(err, "encode the waterfall result")
	}
	out.ResultHash = hashHex(out.ResultJSON)
	if out.InputsHash, err = in.Hash(); err != nil {
		return Outcome{}, err
	}
	if out.Cash, err = PlanCash(res); err != nil {
		return Outcome{}, err
	}
	return out, nil
}

func engineError(err error) error {
	var ve *waterfall.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		return &errs.Error{Code: errs.BadInput, Field: ve.Problems[0].Path, Msg: "waterfall refused the period: " + err.Error()}
	}
	if errors.Is(err, waterfall.ErrNotConserved) {
		return errs.New(errs.Internal, "%v", err)
	}
	return errs.New(errs.BadInput, "waterfall refused the period: %v", err)
}

// Verdict says whether a stored result is what its inputs give.
type Verdict struct {
	Period int  `json:"period"`
	Match  bool `json:"match"`
	// InputsHash is the hash of the inputs replayed; StoredInputsHash the
	// one stored at certification. They differ if the ledger's public
	// inputs were changed after certification.
	InputsHash       string `json:"inputsHash"`
	StoredInputsHash string `json:"storedInputsHash"`
	StoredHash       string `json:"storedHash"`
	ReplayedHash     string `json:"replayedHash"`
	// Differences lists the top-level fields of the result that differ,
	// in key order (empty when they match).
	Differences []string `json:"differences"`
}

// Replay recomputes a certified period from its public inputs and compares
// the result, byte for byte, with the stored canonical result. The gateway
// app calls it with what it read from the ledger; the chaincode's Replay
// query calls it with what it reads itself.
func Replay(in Inputs, storedResult []byte, storedInputsHash string) (Verdict, error) {
	out, err := Compute(in)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{
		Period: out.Result.Period, InputsHash: out.InputsHash, StoredInputsHash: storedInputsHash,
		StoredHash: hashHex(storedResult), ReplayedHash: out.ResultHash, Differences: []string{},
	}
	v.Match = bytes.Equal(out.ResultJSON, storedResult) && out.InputsHash == storedInputsHash
	if !bytes.Equal(out.ResultJSON, storedResult) {
		v.Differences = topLevelDifferences(out.ResultJSON, storedResult)
	}
	return v, nil
}

// topLevelDifferences names the top-level keys whose values differ, or
// "(stored result is not a JSON object)".
func topLevelDifferences(a, b []byte) []string {
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return []string{"(stored result is not a JSON object)"}
	}
	keys := make([]string, 0, len(ma)+len(mb))
	for k := range ma {
		keys = append(keys, k)
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var diff []string
	for _, k := range keys {
		if !bytes.Equal(ma[k], mb[k]) {
			diff = append(diff, k)
		}
	}
	return diff
}

// ReplayRecords is Replay from the records as the ledger stores them, for
// a client that reads them itself: the definition's JSON (the stored
// waterfall version), the previous period's stored result (nil for period
// 1, which starts from the definition's closing state), the period's
// inputs, and the stored result and inputs hash to compare with.
func ReplayRecords(definition, previousResult []byte, in PeriodInputs, storedResult []byte, storedInputsHash string) (Verdict, error) {
	def, err := waterfall.ParseDefinition(definition)
	if err != nil {
		return Verdict{}, errs.Field("definition", "%v", err)
	}
	prior, err := PriorState(def, previousResult)
	if err != nil {
		return Verdict{}, err
	}
	return Replay(Inputs{Definition: def, Prior: prior, Period: in}, storedResult, storedInputsHash)
}

// PriorState is the state a period starts from: the NewState of the
// previous period's stored result, or the closing state when there is
// none (period 1).
func PriorState(def waterfall.Definition, previousResult []byte) (waterfall.State, error) {
	if previousResult == nil {
		s, err := waterfall.NewState(def)
		if err != nil {
			return waterfall.State{}, errs.Field("definition", "%v", err)
		}
		return s, nil
	}
	var res waterfall.Result
	if err := json.Unmarshal(previousResult, &res); err != nil {
		return waterfall.State{}, errs.Field("previousResult", "%v", err)
	}
	return res.NewState, nil
}
