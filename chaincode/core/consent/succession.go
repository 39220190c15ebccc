package consent

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// DealSuccessions is what one deal's holders consented to about its
// trustee: the successor bank each of its executed trustee-succession
// amendments names.
type DealSuccessions struct {
	Deal       string   `json:"deal"`
	Successors []string `json:"successors"`
}

// AuthoriseTrusteeChange decides whether a consortium configuration may
// move the trustee role from the banks in current to those in next. The
// trustee is each deal's fiduciary, so no vote of banks replaces it: every
// deal's holders must have consented, by an executed trustee-succession
// amendment, to each bank that gains the role (to one of next's trustees
// when the change only removes one). An unchanged trustee needs nothing.
func AuthoriseTrusteeChange(current, next []string, deals []DealSuccessions) error {
	var gained, lost []string
	for _, m := range next {
		if !slices.Contains(current, m) {
			gained = append(gained, m)
		}
	}
	for _, m := range current {
		if !slices.Contains(next, m) {
			lost = append(lost, m)
		}
	}
	if len(gained) == 0 && len(lost) == 0 {
		return nil
	}
	if len(next) == 0 {
		return errs.Field("config", "no organisation would hold the trustee role: every deal needs a trustee")
	}
	for _, d := range deals {
		if len(gained) == 0 {
			if !slices.ContainsFunc(next, func(m string) bool { return slices.Contains(d.Successors, m) }) {
				return errs.New(errs.WrongState, "deal %s: its holders have not consented to %v as trustee (no executed trustee-succession amendment names one): the amendment comes first", d.Deal, next)
			}
			continue
		}
		for _, m := range gained {
			if !slices.Contains(d.Successors, m) {
				return errs.New(errs.WrongState, "deal %s: its holders have not consented to %s as trustee (no executed trustee-succession amendment names it): the amendment comes first", d.Deal, m)
			}
		}
	}
	return nil
}
