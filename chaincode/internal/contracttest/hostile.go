package contracttest

import (
	"bytes"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// Hostile calls fn with arguments that may be malformed or hostile, as a
// fuzz target does, and checks what must hold whatever the input: the
// chaincode does not panic (a panic fails the fuzz run), a refusal carries
// a known stable code and changes nothing, and a success returns
// canonical JSON (or nothing) and a well-formed event envelope. The
// World's TB is switched to t, as fuzz targets must report through it.
func (w *World) Hostile(t *testing.T, id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) Result {
	t.Helper()
	w.TB = t
	before := w.Snapshot()
	r := w.CallWith(id, fn, args, opts...)
	if !r.OK() {
		code, _, _, ok := errs.Parse(r.Message)
		if !ok || !errs.Known(code) {
			t.Fatalf("%s%q: refusal without a known code: %q", fn, args, r.Message)
		}
		if diff := w.Diff(before); len(diff) > 0 {
			t.Fatalf("%s%q refused (%s) but changed the ledger: %v", fn, args, r.Message, diff)
		}
		return r
	}
	if len(r.Payload) > 0 {
		c, err := canon.Canonicalize(r.Payload)
		if err != nil || !bytes.Equal(c, r.Payload) {
			t.Fatalf("%s%q returned non-canonical JSON (%v): %s", fn, args, err, r.Payload)
		}
	}
	if r.Event != nil {
		if env := r.Envelope(); env.Schema == "" || len(env.Events) == 0 {
			t.Fatalf("%s%q: malformed event envelope %s", fn, args, r.Event.Payload)
		}
	}
	return r
}
