package testnetwork

import (
	"testing"
	"time"
)

// The throughput bench's listener settings: a window, the banks' stream
// and the trustee's, each optional.
func TestParseListenerSpec(t *testing.T) {
	sec5, zero := 5*time.Second, time.Duration(0)
	for _, tc := range []struct {
		spec, stream, trustee, label string
		window                       *time.Duration // nil: the app's default
	}{
		{"", "", "", "default 250ms", nil},
		{"5s", "", "", "5s", &sec5},
		{"/chaincode-events", "chaincode-events", "chaincode-events", "default 250ms chaincode-events", nil},
		{"0s/blocks/chaincode-events", "blocks", "chaincode-events", "0s blocks, trustee chaincode-events", &zero},
	} {
		w, stream, trustee, label, err := parseListenerSpec(tc.spec)
		sameWindow := (w == nil) == (tc.window == nil) && (w == nil || *w == *tc.window)
		if err != nil || !sameWindow || stream != tc.stream || trustee != tc.trustee || label != tc.label {
			t.Errorf("%q: window %v, streams %q/%q, label %q, %v", tc.spec, w, stream, trustee, label, err)
		}
	}
	if _, _, _, _, err := parseListenerSpec("soon/blocks"); err == nil {
		t.Error("a window that is not a duration is refused")
	}
}
