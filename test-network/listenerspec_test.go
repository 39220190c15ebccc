package testnetwork

import (
	"testing"
	"time"
)

// The throughput bench's listener settings: a window, the banks' stream
// and the trustee's, each optional.
func TestParseListenerSpec(t *testing.T) {
	for _, tc := range []struct {
		spec, stream, trustee, label string
		window                       time.Duration // 0: the default (nil)
	}{
		{"", "", "", "default 250ms", 0},
		{"5s", "", "", "5s", 5 * time.Second},
		{"/chaincode-events", "chaincode-events", "chaincode-events", "default 250ms chaincode-events", 0},
		{"0s/blocks/chaincode-events", "blocks", "chaincode-events", "0s blocks, trustee chaincode-events", 0},
	} {
		w, stream, trustee, label, err := parseListenerSpec(tc.spec)
		if err != nil || stream != tc.stream || trustee != tc.trustee || label != tc.label ||
			(tc.window == 0) != (w == nil || *w == 0) || (w != nil && *w != tc.window) {
			t.Errorf("%q: window %v, streams %q/%q, label %q, %v", tc.spec, w, stream, trustee, label, err)
		}
	}
	if _, _, _, _, err := parseListenerSpec("soon/blocks"); err == nil {
		t.Error("a window that is not a duration is refused")
	}
}
