package pool_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// leaseTape reads the lease package's golden tape (cut-off 2026-03-31) and
// moves every lease three months earlier, to the contract tests' cut-off
// date: the flows keep their distance from the cut-off, so the values are
// the golden ones.
func leaseTape(t *testing.T) []lease.Row {
	b, err := os.ReadFile("../../core/lease/testdata/tape_2026_03.csv")
	if err != nil {
		t.Fatal(err)
	}
	cutoff := contracttest.Cutoff.LastDay()
	rd := lease.NewReader(strings.NewReader(strings.ReplaceAll(string(b), "2026-03-31", cutoff.String())))
	var rows []lease.Row
	for {
		r, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		shift := contracttest.Cutoff.MonthsUntil(loantape.MonthOf(2026, 3))
		r.FirstPaymentDate = r.FirstPaymentDate.AddMonths(-shift)
		r.LeaseMaturityDate = r.LeaseMaturityDate.AddMonths(-shift)
		rows = append(rows, r)
	}
}

func leaseTransient(t *testing.T, rows []lease.Row) stubtest.InvokeOption {
	return stubtest.Transient(map[string][]byte{pool.TransientLoans: []byte(js(t, rows))})
}

// A lease pool names its discount rate; its tape takes lease rows checked
// on chain (terms, the discounted balance at the pool's rate), the pool's
// balance is the discounted pool balance, and the Merkle leaves commit to
// the full rows, so a disclosed lease with its booked residual proves.
func TestLeasePool(t *testing.T) {
	w := contracttest.New(t)
	in := createInput(w, "L1")
	in.AssetClass = "leases"
	if r := w.Refused(errs.BadInput, w.Arranger, "Pool:Create", js(t, in)); !strings.Contains(r.Message, "discountRate") {
		t.Fatalf("lease pool without a discount rate: %s", r.Message)
	}
	auto := createInput(w, "A1")
	auto.DiscountRate = "0.06"
	if r := w.Refused(errs.BadInput, w.Arranger, "Pool:Create", js(t, auto)); !strings.Contains(r.Message, "discountRate") {
		t.Fatalf("auto pool with a discount rate: %s", r.Message)
	}
	in.DiscountRate = "0.06"
	w.Must(w.Arranger, "Pool:Create", js(t, in))
	rows := leaseTape(t)

	// A lease valued at another rate, or with a wrong balance, is refused
	// naming the row, the field and the rule.
	for _, c := range []struct {
		edit func(r *lease.Row)
		rule string
	}{
		{func(r *lease.Row) { r.DiscountedBalance++ }, lease.RuleDiscountedBalance},
		{func(r *lease.Row) { r.EquipmentType = "BOAT" }, lease.RuleEquipmentType},
	} {
		bad := append([]lease.Row(nil), rows...)
		c.edit(&bad[2])
		r := w.CallWith(w.Servicer, "Pool:AddLoans", []string{"L1", "0"}, leaseTransient(t, bad))
		if r.ErrCode() != errs.BadInput || !strings.Contains(r.Message, "loans[2]") || !strings.Contains(r.Message, c.rule) {
			t.Fatalf("bad row (%s): %s", c.rule, r.Message)
		}
	}
	if r := w.AddLoans("L1", 0, contracttest.Loans(t, 3, 2)); r.ErrCode() != errs.BadInput {
		t.Fatalf("auto loans into a lease pool: %s", r.Message)
	}
	if r := w.CallWith(w.Servicer, "Pool:AddLoans", []string{"L1", "0"}, leaseTransient(t, rows)); !r.OK() {
		t.Fatal(r.Message)
	}
	w.Must(w.Servicer, "Pool:Seal", "L1")
	v := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "L1"))
	if v.Pool.AssetClass != "leases" || v.Pool.DiscountRate != "0.06" || v.Pool.LoanCount != 5 || v.Pool.Balance != money.Cents(141_416_25) {
		t.Fatalf("sealed pool %+v, want the discounted pool balance 141416.25", v.Pool)
	}
	leaves := make([][merkle.Size]byte, len(rows))
	for i, r := range rows {
		leaves[i] = r.LeafHash()
	}
	if v.Pool.MerkleRoot != merkle.Hex(merkle.Root(leaves)) {
		t.Fatal("the root is not over the lease rows")
	}
	proof := contracttest.Decode[schema.LoanProof](t, w.Must(w.Servicer, "Pool:GetLoan", "L1", "L3"))
	if proof.Lease == nil || proof.Lease.BookedResidualValue != rows[2].BookedResidualValue || proof.Loan.AssetNumber != "L3" {
		t.Fatalf("GetLoan: %+v", proof)
	}
	ok := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "L1", js(t, *proof.Lease), js(t, proof.Proof)))
	changed := *proof.Lease
	changed.BookedResidualValue += 100
	notOK := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "L1", js(t, changed), js(t, proof.Proof)))
	if !ok.Valid || notOK.Valid {
		t.Fatalf("verification: disclosed %v, altered residual %v", ok.Valid, notOK.Valid)
	}
}
