package positions

import (
	"errors"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// privateRules are the rules whose refusal messages carry a party's
// private data: its claims (investor type, jurisdiction, attestation,
// KYC and accreditation dates, frozen flag) or its holding. The others
// speak only of public terms (pause, consortium, lock-up, denomination,
// the public holder count).
var privateRules = map[int]bool{3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 10: true, 12: true, 13: true}

// RedactFor returns err as viewer may see it. A transfer-rule refusal
// keeps its code and rule number, which is what a counterparty needs to
// act on, but a message that describes a party the viewer may not see
// (schema.MaySee) is replaced by the rule's description: an investor must
// not learn its buyer's jurisdiction, KYC date or holding from a refusal.
// Other errors pass unchanged.
func (r *Register) RedactFor(viewer roles.Grants, m Movement, err error) error {
	var e *errs.Error
	if !errors.As(err, &e) || e.Rule == 0 || !privateRules[e.Rule] {
		return err
	}
	withheld := ""
	switch {
	case strings.Contains(e.Msg, "receiver") && !m.To.IsZero() && !schema.MaySee(viewer, m.To):
		withheld = "receiver"
	case strings.Contains(e.Msg, "sender") && !m.From.IsZero() && !schema.MaySee(viewer, m.From):
		withheld = "sender"
	default:
		return err
	}
	description := ""
	for _, rule := range rules.Rules() {
		if rule.Number == e.Rule {
			description = rule.Description
		}
	}
	return errs.Refuse(e.Code, e.Rule, "%s refused for tranche %s: %s (details of the %s withheld)",
		verb(m.Kind), r.Tranche.ID, description, withheld)
}
