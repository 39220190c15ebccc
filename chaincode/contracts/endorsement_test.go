package contracts_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/schema"
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
		if kind != schema.ByTrustee && kind != schema.ByTrusteeAndServicer {
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
			case kind == schema.ByTrustee && strings.HasPrefix(collection, "registry"):
			case kind == schema.ByTrusteeAndServicer && collection == roles.LoanTapeCollection:
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

// TestKeyLevelPoliciesAreMetByTheTable sends every submitted transaction
// of the authorization matrix, as each principal allowed to, on a fresh
// copy of the matrix's ledger, and checks every existing public key it
// changes that carries a key-level policy. Fabric validates such a write
// against that policy instead of the chaincode's, so every organisation
// the policy names must be among the endorsers the table's entry
// guarantees: the trustee for ByTrustee; the trustee and the caller's own
// organisation for ByMajority and ByOwnOrgAndTrustee (the rest of a
// majority is whichever organisations the client picks); the trustee and
// the other party for ByTrusteeAndServicer. The tape progress record
// (trustee AND servicer) is the case in point: Pool:AddLoans, endorsed by
// both, writes it; Pool:Seal, endorsed by a majority that need not
// include the servicer when an arranger seals, only reads it.
func TestKeyLevelPoliciesAreMetByTheTable(t *testing.T) {
	_, cases := matrixWorld(t)
	checked, sealedBy := map[string]bool{}, []string{}
	for i, c := range cases {
		kind := contracts.Endorsement[c.fn]
		if kind == schema.Query || kind == schema.QueryOnTrustee {
			continue
		}
		for _, p := range principals {
			if code, ok := c.expect[p]; !ok || code != "" {
				continue
			}
			w, fresh := matrixWorld(t) // the same ledger and case, built anew so this commit changes nothing else
			c := fresh[i]
			caller := matrixIdentities(w)[p]
			policies := map[string][]byte{}
			for k := range w.Public() {
				if ep := w.ValidationParameter(k); ep != nil {
					policies[k] = ep
				}
			}
			for k := range w.Private(roles.ComplianceCollection) {
				if ep := w.PrivateValidationParameter(roles.ComplianceCollection, k); ep != nil {
					policies[roles.ComplianceCollection+" "+k] = ep
				}
			}
			before := w.Snapshot()
			if r := w.CallWith(caller, c.fn, c.args, c.opts...); !r.OK() {
				t.Fatalf("%s as %s: %s", c.fn, p, r.Message)
			}
			party := w.Net.Servicer
			if kind == schema.ByTrusteeAndCustodian {
				party = strings.SplitN(c.args[0], "/", 2)[0]
			}
			sets := endorsingSets(kind, w.Net.Config, caller.MSPID(), party)
			for _, line := range w.Diff(before) {
				m := diffLine.FindStringSubmatch(line)
				if m == nil || (m[2] != "" && m[2] != roles.ComplianceCollection) {
					continue // events, collections with their own policies only
				}
				key, err := strconv.Unquote(m[3])
				if err != nil {
					t.Fatal(err)
				}
				if m[2] != "" {
					key = m[2] + " " + key
				}
				ep, kept := policies[key]
				if !kept {
					continue // no key-level policy: the chaincode's (or collection's), checked by the narrow-endorsement test
				}
				checked[c.fn] = true
				for _, set := range sets {
					ok, err := keypolicy.Satisfied(ep, set)
					if err != nil {
						t.Fatalf("%s: key %q: policy: %v", c.fn, key, err)
					}
					if !ok {
						t.Errorf("%s as %s (%s, endorsed by %v) changes %q, whose key-level policy they do not meet", c.fn, p, kind, set, key)
					}
				}
			}
			if c.fn == "Pool:Seal" {
				sealedBy = append(sealedBy, p)
			}
		}
	}
	if !slices.Contains(sealedBy, pArranger) || !slices.Contains(sealedBy, pServicer) {
		t.Fatalf("Pool:Seal was sent only by %v", sealedBy)
	}
	// Writes to kept keys of each kind of policy were seen: the tape
	// progress (trustee and servicer), tranche books and the float (the
	// trustee), governance records (the trustee and a majority), the cash
	// supply (the settlement agent) and claims (the investor's bank and
	// the trustee).
	for _, fn := range []string{"Pool:AddLoans", "Deal:Issue", "Deal:Place", "Token:Redeem", "Cash:Pay",
		"Admin:ApproveConfig", "Admin:RevokeRole", "Cash:Mint", "Cash:AttestReserves", "Token:Pause", "Identity:Freeze", "Identity:Unfreeze", "Identity:Revoke"} {
		if !checked[fn] {
			t.Errorf("%s changed no key with a key-level policy: the test no longer sees what it checks (%v)", fn, checked)
		}
	}
}

// endorsingSets are the sets of organisations a transaction endorsed as
// the table's entry says may carry: for the kinds filled up to a
// majority, every majority that includes the trustee and the caller's
// own organisation (the rest is whichever the client picks); otherwise
// exactly the organisations the entry names.
func endorsingSets(kind schema.Endorsers, cfg roles.OrgConfig, callerMSP, party string) [][]string {
	trustees := cfg.MSPsWithRole(roles.Trustee)
	switch kind {
	case schema.ByTrustee:
		return [][]string{trustees}
	case schema.ByOwnOrg:
		return [][]string{{callerMSP}}
	case schema.ByTrusteeAndServicer, schema.ByTrusteeAndCustodian:
		return [][]string{dedupe(append(slices.Clone(trustees), party))}
	}
	guaranteed := dedupe(append(slices.Clone(trustees), callerMSP))
	var sets [][]string
	msps := cfg.MSPs()
	for mask := 0; mask < 1<<len(msps); mask++ {
		var set []string
		for i, m := range msps {
			if mask&(1<<i) != 0 {
				set = append(set, m)
			}
		}
		if len(set) == keypolicy.MajorityOf(len(msps)) && !slices.ContainsFunc(guaranteed, func(g string) bool { return !slices.Contains(set, g) }) {
			sets = append(sets, set)
		}
	}
	return sets
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
