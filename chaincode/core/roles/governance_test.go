package roles

import (
	"slices"
	"testing"
)

func threeBanks() OrgConfig {
	return OrgConfig{Orgs: []Org{
		{MSP: "Org1MSP", Roles: SetOf(Trustee, Arranger, Settlement), Custodian: true},
		{MSP: "Org2MSP", Roles: SetOf(Servicer), Custodian: true},
		{MSP: "Org3MSP", Roles: SetOf(Investor), Custodian: true},
	}}
}

func TestMovedGuardedRoles(t *testing.T) {
	cur := threeBanks()
	for _, c := range []struct {
		name  string
		edit  func(*OrgConfig)
		moved []Role
	}{
		{"nothing", func(*OrgConfig) {}, nil},
		{"an investor bank becomes a servicer", func(c *OrgConfig) { c.Orgs[2].Roles = c.Orgs[2].Roles.With(Servicer) }, nil},
		{"trustee succession", func(c *OrgConfig) {
			c.Orgs[0].Roles = c.Orgs[0].Roles.Without(Trustee)
			c.Orgs[1].Roles = c.Orgs[1].Roles.With(Trustee)
		}, []Role{Trustee}},
		{"a second arranger and settlement agent", func(c *OrgConfig) {
			c.Orgs[2].Roles = c.Orgs[2].Roles.With(Arranger).With(Settlement)
		}, []Role{Arranger, Settlement}},
		{"reordering the members moves nothing", func(c *OrgConfig) { c.Orgs[0], c.Orgs[2] = c.Orgs[2], c.Orgs[0] }, nil},
	} {
		next := cur
		next.Orgs = slices.Clone(cur.Orgs)
		c.edit(&next)
		if got := MovedGuardedRoles(cur, next); !slices.Equal(got, c.moved) {
			t.Errorf("%s: moved %v, want %v", c.name, got, c.moved)
		}
	}
}

func TestDecideConfig(t *testing.T) {
	cur := threeBanks()
	plain := cur
	plain.Orgs = slices.Clone(cur.Orgs)
	plain.Orgs[2].Roles = plain.Orgs[2].Roles.With(Servicer)
	succession := cur
	succession.Orgs = slices.Clone(cur.Orgs)
	succession.Orgs[0].Roles = succession.Orgs[0].Roles.Without(Trustee)
	succession.Orgs[1].Roles = succession.Orgs[1].Roles.With(Trustee)
	for _, c := range []struct {
		name      string
		next      OrgConfig
		approvals []string
		apply     bool
		missing   []string
	}{
		{"one bank", plain, []string{"Org2MSP"}, false, nil},
		{"two banks, no guarded role", plain, []string{"Org2MSP", "Org3MSP"}, true, nil},
		{"two banks move the trustee", succession, []string{"Org2MSP", "Org3MSP"}, false, []string{"Org1MSP"}},
		{"the trustee alone", succession, []string{"Org1MSP"}, false, nil},
		{"the trustee and a bank", succession, []string{"Org1MSP", "Org2MSP"}, true, nil},
		{"an outsider does not count", plain, []string{"Org2MSP", "Org9MSP"}, false, nil},
	} {
		d := DecideConfig(cur, c.next, c.approvals)
		if d.Apply != c.apply || !slices.Equal(d.Missing, c.missing) || d.Needed != 2 {
			t.Errorf("%s: %+v, want apply %v missing %v", c.name, d, c.apply, c.missing)
		}
	}
}
