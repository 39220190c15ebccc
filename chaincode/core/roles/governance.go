package roles

import "slices"

// GuardedRoles are the roles whose holders only the current trustee bank
// may agree to move: the registrar, the arranger and the settlement
// agent. Moving any of them by a vote of other banks alone would hand
// them the deal's register, terms or cash.
var GuardedRoles = []Role{Trustee, Arranger, Settlement}

// MovedGuardedRoles lists the guarded roles whose set of organisations
// differs between the configuration in force and a proposed one.
func MovedGuardedRoles(current, next OrgConfig) []Role {
	var moved []Role
	for _, r := range GuardedRoles {
		a, b := current.MSPsWithRole(r), next.MSPsWithRole(r)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			moved = append(moved, r)
		}
	}
	return moved
}

// ConfigDecision says whether a proposed configuration may apply.
type ConfigDecision struct {
	Approvals int      `json:"approvals"` // approving members of the configuration in force
	Needed    int      `json:"needed"`    // a majority of those members
	Trustee   bool     `json:"trusteeApprovalNeeded,omitempty"`
	Missing   []string `json:"missingTrustees,omitempty"` // trustee MSPs that still must approve
	Apply     bool     `json:"apply"`
}

// DecideConfig counts the approvals of a proposal against the
// configuration in force: a majority of its member organisations, and,
// when the proposal moves a guarded role, every organisation that may
// hold the trustee role now. Approvals from non-members do not count.
func DecideConfig(current, next OrgConfig, approvals []string) ConfigDecision {
	d := ConfigDecision{Needed: len(current.Orgs)/2 + 1}
	for _, m := range current.MSPs() {
		if slices.Contains(approvals, m) {
			d.Approvals++
		}
	}
	if len(MovedGuardedRoles(current, next)) > 0 {
		d.Trustee = true
		for _, m := range current.MSPsWithRole(Trustee) {
			if !slices.Contains(approvals, m) {
				d.Missing = append(d.Missing, m)
			}
		}
	}
	d.Apply = d.Approvals >= d.Needed && len(d.Missing) == 0
	return d
}
