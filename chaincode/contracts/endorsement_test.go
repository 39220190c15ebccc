package contracts_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts"
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

var diffLine = regexp.MustCompile(`^(world state|collection (\S+)) ("(?:[^"\\]|\\.)*"): (.+)$`)

// TestNarrowEndorsementsChangeOnlyWhatTheEndorsersKeep commits every
// transaction the table lets fewer than a majority endorse and checks
// what it changed. Fabric validates each written key against its own
// policy, so a transaction endorsed by the trustee alone must change only
// registries (collection policy: the trustee's peer) and public keys
// carrying a key-level policy (the books the trustee keeps); one endorsed
// by the trustee and the servicer only the loanTape collection and the
// tape progress key. Anything else would be rejected at commit on the
// real network, or worse, be a key a single bank could rewrite.
func TestNarrowEndorsementsChangeOnlyWhatTheEndorsersKeep(t *testing.T) {
	w, cases := matrixWorld(t)
	ids := matrixIdentities(w)
	checked := 0
	for _, c := range cases {
		kind := contracts.Endorsement[c.fn]
		if kind != model.ByTrustee && kind != model.ByTrusteeAndServicer {
			continue
		}
		var caller string
		for _, p := range principals {
			if code, ok := c.expect[p]; ok && code == "" {
				caller = p
				break
			}
		}
		before := w.Snapshot()
		r := w.CallWith(ids[caller], c.fn, c.args, c.opts...)
		if !r.OK() {
			t.Fatalf("%s as %s: %s", c.fn, caller, r.Message)
		}
		checked++
		for _, line := range w.Diff(before) {
			if strings.HasPrefix(line, "events:") {
				continue
			}
			m := diffLine.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("unparsed diff line %q", line)
			}
			key, err := strconv.Unquote(m[3])
			if err != nil {
				t.Fatal(err)
			}
			collection := m[2]
			switch {
			case kind == model.ByTrustee && strings.HasPrefix(collection, "registry"):
			case kind == model.ByTrusteeAndServicer && collection == roles.LoanTapeCollection:
			case collection == "" && w.ValidationParameter(key) != nil:
				// A public key with its own policy: the trustee's book, or the
				// tape progress (trustee AND servicer).
			default:
				t.Errorf("%s (endorsed %s) changed %s", c.fn, kind, line)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d transactions checked", checked)
	}
}
