package consent

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

func TestAuthoriseTrusteeChange(t *testing.T) {
	both := []DealSuccessions{{Deal: "D1", Successors: []string{"Org2"}}, {Deal: "D2", Successors: []string{"Org3", "Org2"}}}
	oneShort := []DealSuccessions{{Deal: "D1", Successors: []string{"Org2"}}, {Deal: "D2", Successors: []string{"Org3"}}}
	for _, c := range []struct {
		name          string
		current, next []string
		deals         []DealSuccessions
		want          errs.Code // "" for allowed
	}{
		{"trustee unchanged, no consent needed", []string{"Org1"}, []string{"Org1"}, nil, ""},
		{"no deal yet: the banks alone", []string{"Org1"}, []string{"Org2"}, nil, ""},
		{"every deal consented to Org2", []string{"Org1"}, []string{"Org2"}, both, ""},
		{"one deal consented to another bank", []string{"Org1"}, []string{"Org2"}, oneShort, errs.WrongState},
		{"a deal without any succession", []string{"Org1"}, []string{"Org2"}, []DealSuccessions{{Deal: "D1"}}, errs.WrongState},
		{"a second trustee added without consent", []string{"Org1"}, []string{"Org1", "Org3"}, oneShort[:1], errs.WrongState},
		{"one of two trustees removed, the other consented", []string{"Org1", "Org2"}, []string{"Org2"}, oneShort[:1], ""},
		{"one of two removed, no consent", []string{"Org1", "Org2"}, []string{"Org2"}, []DealSuccessions{{Deal: "D1"}}, errs.WrongState},
		{"nobody left as trustee", []string{"Org1"}, nil, nil, errs.BadInput},
	} {
		err := AuthoriseTrusteeChange(c.current, c.next, c.deals)
		if got := errs.CodeOf(err); (c.want == "" && err != nil) || (c.want != "" && got != c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
