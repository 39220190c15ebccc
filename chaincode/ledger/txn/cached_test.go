package txn

import (
	"reflect"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// The cached configuration is shared by every transaction: its clone
// copies the list of organisations, which is enough only while an Org
// holds no slice, map or pointer of its own.
func TestConfigCloneCopiesEveryReference(t *testing.T) {
	org := reflect.TypeOf(roles.Org{})
	for i := 0; i < org.NumField(); i++ {
		switch f := org.Field(i); f.Type.Kind() {
		case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Struct, reflect.Array, reflect.Chan, reflect.Func:
			t.Errorf("roles.Org.%s is a %s: copy it in the clone of configs, then allow it here", f.Name, f.Type.Kind())
		}
	}
	cfg := roles.OrgConfig{Orgs: []roles.Org{{MSP: "Org1MSP", Custodian: true}}}
	c := configs.clone(cfg)
	c.Orgs[0].MSP, c.Orgs[0].Custodian = "x", false
	if cfg.Orgs[0].MSP != "Org1MSP" || !cfg.Orgs[0].Custodian {
		t.Fatalf("changing the clone changed the original: %+v", cfg)
	}
}
