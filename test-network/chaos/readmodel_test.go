package chaos

import (
	"strings"
	"testing"
)

const liveDump = `{"bucket":"events","key":"\"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\a\"","value":{"name":"TokenTransferred"}}
{"bucket":"listener","key":"\"chaincodeEvents\"","value":{"block":7,"txId":"t2","events":2}}
{"bucket":"rm.cash","key":"\"alice\"","value":{"holder":"alice","balance":"10.00"}}
{"bucket":"rm.cash","key":"\"bob\"","value":{"holder":"bob","balance":"5.00"}}
`

func TestCompareDumpsAgreesOnTheSameKeysInAnyOrder(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(liveDump), "\n")
	reordered := lines[3] + "\n" + lines[0] + "\n" + lines[2] + "\n" + lines[1] + "\n"
	keys, diff, err := CompareDumps([]byte(liveDump), []byte(reordered))
	if err != nil || diff != "" || keys != 4 {
		t.Fatalf("keys %d, difference %q, err %v; want 4 keys and none", keys, diff, err)
	}
}

func TestCompareDumpsNamesTheFirstDifferenceWithItsKey(t *testing.T) {
	for _, tc := range []struct{ name, rebuilt, want string }{
		{"value", strings.Replace(liveDump, `"bob","balance":"5.00"`, `"bob","balance":"6.00"`, 1),
			`bucket rm.cash key "bob": live {"holder":"bob","balance":"5.00"}, rebuilt {"holder":"bob","balance":"6.00"}`},
		{"missing in the rebuild", strings.Replace(liveDump, `{"bucket":"rm.cash","key":"\"alice\"","value":{"holder":"alice","balance":"10.00"}}`+"\n", "", 1),
			`bucket rm.cash key "alice": only in the live read model ({"holder":"alice","balance":"10.00"})`},
		{"only in the rebuild", liveDump + `{"bucket":"rm.positions","key":"\"carol\\x00A\"","value":{"units":1}}` + "\n",
			`bucket rm.positions key "carol\x00A": only in the rebuild ({"units":1})`},
		{"first of several", strings.NewReplacer(`"block":7`, `"block":8`, `"5.00"`, `"6.00"`).Replace(liveDump),
			`bucket listener key "chaincodeEvents": live {"block":7,"txId":"t2","events":2}, rebuilt {"block":8,"txId":"t2","events":2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diff, err := CompareDumps([]byte(liveDump), []byte(tc.rebuilt))
			if err != nil {
				t.Fatal(err)
			}
			if diff != tc.want {
				t.Fatalf("got  %s\nwant %s", diff, tc.want)
			}
		})
	}
}

func TestCompareDumpsRefusesALineThatIsNotADumpLine(t *testing.T) {
	if _, _, err := CompareDumps([]byte(liveDump), []byte("gateway-app: open db: timeout\n")); err == nil || !strings.Contains(err.Error(), "rebuilt dump: line 1") {
		t.Fatalf("err = %v", err)
	}
}
