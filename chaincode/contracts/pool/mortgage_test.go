package pool_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// mortgageTape reads the mortgage package's golden tape (cut-off
// 2026-03-31) and moves it to the contract tests' cut-off date.
func mortgageTape(t *testing.T, cutoff string) []mortgage.ALRow {
	b, err := os.ReadFile("../../core/mortgage/testdata/tape_2026_03.csv")
	if err != nil {
		t.Fatal(err)
	}
	rd := mortgage.NewALReader(strings.NewReader(strings.ReplaceAll(string(b), "03-31-2026", cutoff)))
	var rows []mortgage.ALRow
	for {
		r, err := rd.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return rows
			}
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
}

// A mortgage pool takes Schedule AL rows: the mortgage checks run on chain,
// the public aggregates are the common kind, and the Merkle leaves commit
// to the full rows, so a disclosed row with its LTV and DTI proves.
func TestMortgagePool(t *testing.T) {
	w := contracttest.New(t)
	in := createInput(w, "M1")
	in.AssetClass = "bicycles"
	if r := w.Refused(errs.BadInput, w.Arranger, "Pool:Create", js(t, in)); !strings.Contains(r.Message, "assetClass") {
		t.Fatalf("unknown class: %s", r.Message)
	}
	in.AssetClass = "mortgage"
	w.Must(w.Arranger, "Pool:Create", js(t, in))
	d := contracttest.Cutoff.LastDay()
	rows := mortgageTape(t, fmt.Sprintf("%02d-%02d-%04d", d.Month, d.Day, d.Year))

	// A bad row is refused naming the row, the field and the rule.
	bad := append([]mortgage.ALRow(nil), rows...)
	bad[2].OccupancyStatus = "X"
	r := w.CallWith(w.Servicer, "Pool:AddLoans", []string{"M1", "0"}, mortgageTransient(t, bad))
	if r.ErrCode() != errs.BadInput || !strings.Contains(r.Message, "loans[2]") || !strings.Contains(r.Message, mortgage.RuleOccupancy) {
		t.Fatalf("bad row: %s", r.Message)
	}
	// Auto-loan records are not mortgage rows.
	if r := w.AddLoans("M1", 0, contracttest.Loans(t, 3, 2)); r.ErrCode() != errs.BadInput {
		t.Fatalf("auto loans into a mortgage pool: %s", r.Message)
	}
	if r := w.CallWith(w.Servicer, "Pool:AddLoans", []string{"M1", "0"}, mortgageTransient(t, rows)); !r.OK() {
		t.Fatal(r.Message)
	}
	w.Must(w.Servicer, "Pool:Seal", "M1")
	v := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "M1"))
	if v.Pool.AssetClass != "mortgage" || v.Pool.LoanCount != 4 || v.Pool.Balance != money.FromMajor(1_105_000) {
		t.Fatalf("sealed pool %+v", v.Pool)
	}
	leaves := make([][merkle.Size]byte, len(rows))
	for i, r := range rows {
		leaves[i] = r.LeafHash()
	}
	if v.Pool.MerkleRoot != merkle.Hex(merkle.Root(leaves)) {
		t.Fatal("the root is not over the mortgage rows")
	}
	proof := contracttest.Decode[schema.LoanProof](t, w.Must(w.Servicer, "Pool:GetLoan", "M1", "M3"))
	if proof.Mortgage == nil || !proof.Mortgage.OriginalDTI.Equal(rows[2].OriginalDTI) || proof.Loan.AssetNumber != "M3" {
		t.Fatalf("GetLoan: %+v", proof)
	}
	ok := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "M1", js(t, *proof.Mortgage), js(t, proof.Proof)))
	changed := *proof.Mortgage
	changed.OriginalLTV = changed.OriginalLTV.Sub(changed.OriginalLTV.Div(changed.OriginalLTV).Shift(-2))
	notOK := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "M1", js(t, changed), js(t, proof.Proof)))
	if !ok.Valid || notOK.Valid {
		t.Fatalf("verification: disclosed %v, altered LTV %v", ok.Valid, notOK.Valid)
	}
}

func mortgageTransient(t *testing.T, rows []mortgage.ALRow) stubtest.InvokeOption {
	return stubtest.Transient(map[string][]byte{pool.TransientLoans: []byte(js(t, rows))})
}
