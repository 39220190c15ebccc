package schema

import (
	"encoding/json"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
)

func TestPoolRoundTripsThroughCanonicalJSON(t *testing.T) {
	p := Pool{ID: "P1", Status: PoolSealed, LoanCount: 2, Balance: 123456, Aggregates: json.RawMessage(`{"b":1,"a":"x"}`)}
	b, err := canon.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q Pool
	if err := canon.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	b2, _ := canon.Marshal(q)
	if string(b) != string(b2) {
		t.Fatalf("not stable:\n%s\n%s", b, b2)
	}
	if q.Balance != 123456 || q.LoanCount != 2 {
		t.Fatalf("got %+v", q)
	}
}
