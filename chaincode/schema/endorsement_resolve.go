package schema

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Resolve names, in configuration order, the organisations whose peers a
// client asks to endorse (or, for a Query, to evaluate) a transaction of
// kind e submitted by an identity of callerMSP. party is the other
// organisation some kinds name: the pool's servicer for
// ByTrusteeAndServicer, the holder's custodian for ByTrusteeAndCustodian;
// it is ignored otherwise.
//
// Kinds that write public state or the compliance collection are filled
// up, in configuration order, to a majority of member organisations:
// that is what the chaincode policy (MAJORITY Endorsement) and the
// compliance collection's OutOf(majority) policy require, and it matters
// when the caller's organisation is the trustee's.
func (e Endorsers) Resolve(cfg roles.OrgConfig, callerMSP, party string) ([]string, error) {
	if !cfg.IsMember(callerMSP) {
		return nil, errs.New(errs.Forbidden, "MSP %s is not a member of the consortium", callerMSP)
	}
	trustees := cfg.MSPsWithRole(roles.Trustee)
	var want []string
	majority := false
	switch e {
	case Query, ByOwnOrg:
		want = []string{callerMSP}
	case ByTrustee, QueryOnTrustee:
		want = trustees
	case ByMajority:
		want, majority = append(slices.Clone(trustees), callerMSP), true
	case ByOwnOrgAndTrustee:
		want, majority = append([]string{callerMSP}, trustees...), true
	case ByTrusteeAndServicer, ByTrusteeAndCustodian:
		if !cfg.IsMember(party) {
			return nil, errs.Field("party", "%s needs the MSP of the other organisation, got %q", e, party)
		}
		want = append(slices.Clone(trustees), party)
	default:
		return nil, errs.Field("endorsers", "unknown endorsement kind %q", e)
	}
	// Keep configuration order and drop repeats.
	out := []string{}
	for _, m := range cfg.MSPs() {
		if slices.Contains(want, m) {
			out = append(out, m)
		}
	}
	if majority {
		for _, m := range cfg.MSPs() {
			if 2*len(out) > len(cfg.Orgs) {
				break
			}
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
		slices.SortStableFunc(out, func(a, b string) int {
			return slices.Index(cfg.MSPs(), a) - slices.Index(cfg.MSPs(), b)
		})
	}
	return out, nil
}
