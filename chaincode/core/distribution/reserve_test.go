package distribution

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

func TestProveReserve(t *testing.T) {
	tests := []struct {
		name                         string
		pool, notes, required        string
		capacity, headroom, coverage string
		covered, undefined           bool
		code                         errs.Code
	}{
		{name: "overcollateralized", pool: "1000000.00", notes: "900000.00", required: "0.92",
			capacity: "920000.00", headroom: "20000.00", coverage: "1.1111111111", covered: true},
		{name: "short", pool: "1000000.00", notes: "930000.00", required: "0.92",
			capacity: "920000.00", headroom: "-10000.00", coverage: "1.0752688172"},
		{name: "capacity floors to the cent", pool: "0.03", notes: "0.01", required: "0.5",
			capacity: "0.01", headroom: "0", coverage: "3", covered: true},
		{name: "a cent short after flooring", pool: "0.03", notes: "0.02", required: "0.5",
			capacity: "0.01", headroom: "-0.01", coverage: "1.5"},
		{name: "pass-through at par", pool: "500.00", notes: "500.00", required: "1",
			capacity: "500.00", headroom: "0", coverage: "1", covered: true},
		{name: "notes paid off", pool: "50.00", notes: "0", required: "1",
			capacity: "50.00", headroom: "50.00", coverage: "0", covered: true, undefined: true},
		{name: "negative pool", pool: "-1.00", notes: "0", required: "1", code: errs.BadInput},
		{name: "negative notes", pool: "1.00", notes: "-1.00", required: "1", code: errs.BadInput},
		{name: "zero requirement", pool: "1.00", notes: "1.00", required: "0", code: errs.BadInput},
		{name: "requirement above one", pool: "1.00", notes: "1.00", required: "1.05", code: errs.BadInput},
		{name: "requirement too precise", pool: "1.00", notes: "1.00", required: "0.9000000000001", code: errs.BadInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ProveReserve(amt(tt.pool), amt(tt.notes), dec(tt.required))
			if tt.code != "" {
				if errs.CodeOf(err) != tt.code {
					t.Fatalf("want %s, got %v", tt.code, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Capacity != amt(tt.capacity) || r.Headroom != amt(tt.headroom) || !r.Coverage.Equal(dec(tt.coverage)) ||
				r.Covered != tt.covered || r.Undefined != tt.undefined {
				t.Fatalf("got %+v", r)
			}
		})
	}
}
