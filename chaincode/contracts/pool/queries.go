package pool

import (
	"errors"
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Get returns a pool's public record (any consortium member).
func (c *Contract) Get(ctx *txn.Context, poolID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	if _, err := schema.ParseID("poolID", poolID); err != nil {
		return "", err
	}
	p, _, err := readPool(ctx, poolID)
	if err != nil {
		return "", err
	}
	progress, _, err := readProgress(ctx, poolID)
	if err != nil {
		return "", err
	}
	view := schema.PoolView{Pool: p, NextChunk: progress.NextChunk, LoansAdded: progress.Builder.Size, BalanceSoFar: progress.Aggregates.Balance}
	if p.Status == schema.PoolOpen {
		// A sealed pool's figures are in its record; an open concurrent
		// tape's are in its chunk records.
		chunks, err := readChunks(ctx, poolID)
		if err != nil {
			return "", err
		}
		if len(chunks) > 0 {
			view.NextChunk, view.LoansAdded, view.Chunks = summaries(chunks)
			view.BalanceSoFar = 0
			for _, c := range view.Chunks {
				view.BalanceSoFar += c.Balance
			}
		}
	}
	return marshal(view)
}

// GetLoan returns one loan of a sealed pool with its inclusion proof, to
// identities of the loanTape collection's organisations only: a trustee,
// arranger or servicer of the trustee's organisation or of the pool's
// servicer organisation. It reads every leaf of the pool: one read per
// chunk and O(n) hashing (a 1,000-loan pool is 2 reads and ~1,000
// hashes; 100,000 loans are 200 reads of ~32 KB and ~100,000 hashes);
// a tape kept a chunk to a value is searched through its chunks' indexes
// (at most one more read a chunk, of ~20 KB).
func (c *Contract) GetLoan(ctx *txn.Context, poolID, assetNumber string) (string, error) {
	caller, err := ctx.Require(roles.Trustee, roles.Arranger, roles.Servicer)
	if err != nil {
		return "", err
	}
	if _, err := schema.ParseID("poolID", poolID); err != nil {
		return "", err
	}
	if _, err := schema.ParseAssetNumber("assetNumber", assetNumber); err != nil {
		return "", err
	}
	p, _, err := readPool(ctx, poolID)
	if err != nil {
		return "", err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return "", err
	}
	trusteeOrg := false
	for _, m := range cfg.MSPsWithRole(roles.Trustee) {
		trusteeOrg = trusteeOrg || m == caller.Identity.MSP
	}
	if !trusteeOrg && caller.Identity.MSP != p.Servicer {
		return "", errs.New(errs.Forbidden, "loan-level data of pool %s is for the trustee's organisation and the servicer %s, not %s",
			poolID, p.Servicer, caller.Identity.MSP)
	}
	if p.Status != schema.PoolSealed {
		return "", errs.New(errs.WrongState, "pool %s is not sealed: there is no root to prove against yet", poolID)
	}
	tl, found, err := tapeLoan(ctx, p, assetNumber)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.New(errs.NotFound, "pool %s has no loan %s", poolID, assetNumber)
	}
	// Chunks are numbered from 0 and hold the leaves in order, whether
	// they went in in order or concurrently: read them until every leaf
	// the seal counted is there.
	leaves := make([][merkle.Size]byte, 0, p.LoanCount)
	for chunk := 0; len(leaves) < p.LoanCount; chunk++ {
		lk, err := leavesKey(ctx, poolID, chunk)
		if err != nil {
			return "", err
		}
		var tls schema.TapeLeaves
		if found, err := ctx.GetPrivate(roles.LoanTapeCollection, lk, &tls); err != nil {
			return "", err
		} else if !found || tls.FirstIndex != len(leaves) {
			return "", errs.New(errs.Internal, "pool %s: leaves of chunk %d missing or out of place", poolID, chunk)
		}
		for _, h := range tls.Leaves {
			leaf, err := merkle.ParseHash(h)
			if err != nil {
				return "", errs.New(errs.Internal, "pool %s chunk %d: %v", poolID, chunk, err)
			}
			leaves = append(leaves, leaf)
		}
	}
	if len(leaves) != p.LoanCount || merkle.Hex(merkle.Root(leaves)) != p.MerkleRoot {
		return "", errs.New(errs.Internal, "pool %s: stored leaves do not match the published root", poolID)
	}
	proof, err := merkle.Prove(leaves, tl.Index)
	if err != nil {
		return "", errs.New(errs.Internal, "pool %s: %v", poolID, err)
	}
	return marshal(schema.LoanProof{Pool: poolID, Root: p.MerkleRoot, Loan: tl.Loan, Proof: proof, Mortgage: tl.Mortgage, Lease: tl.Lease})
}

// tapeLoan reads one loan of a sealed pool, in the layout its tape has.
func tapeLoan(ctx *txn.Context, p schema.Pool, asset string) (schema.TapeLoan, bool, error) {
	if p.TapeChunkSize > 0 {
		return findLoan(ctx, p, asset)
	}
	var tl schema.TapeLoan
	found, err := ctx.GetPrivate(roles.LoanTapeCollection, ctx.MustKey(schema.TypeLoan, p.ID, asset), &tl)
	return tl, found, err
}

// VerifyLoan checks a disclosed loan (a loantape.Loan as JSON) and its
// inclusion proof (merkle.Proof as JSON) against the root the sealed pool
// published (any consortium member, no role needed). A proof that does not
// hold is an answer, valid=false with the reason, not an error; malformed
// input is BAD_INPUT.
func (c *Contract) VerifyLoan(ctx *txn.Context, poolID, loanJSON, proofJSON string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	if _, err := schema.ParseID("poolID", poolID); err != nil {
		return "", err
	}
	p, _, err := readPool(ctx, poolID)
	if err != nil {
		return "", err
	}
	// The disclosed record is the class's own (a mortgage pool's leaves
	// commit to Schedule AL rows, a lease pool's to lease rows).
	var canonical []byte
	switch p.AssetClass {
	case string(assetclass.Leases):
		canonical, err = disclosedRecord[lease.Row](loanJSON)
	case string(assetclass.Mortgage):
		canonical, err = disclosedRecord[mortgage.ALRow](loanJSON)
	default:
		canonical, err = disclosedRecord[loantape.Loan](loanJSON)
	}
	if err != nil {
		return "", err
	}
	var proof merkle.Proof
	if err := canon.Unmarshal([]byte(proofJSON), &proof); err != nil {
		return "", errs.Wrap(err, "proofJSON")
	}
	if len(proof.Path) > 64 {
		return "", errs.Field("proofJSON.path", "a path has at most 64 hashes, got %d", len(proof.Path))
	}
	if p.Status != schema.PoolSealed {
		return "", errs.New(errs.WrongState, "pool %s is not sealed: there is no root to verify against", poolID)
	}
	root, err := merkle.ParseHash(p.MerkleRoot)
	if err != nil {
		return "", errs.New(errs.Internal, "pool %s: stored root: %v", poolID, err)
	}
	leaf := merkle.LeafHash(canonical)
	v := schema.Verification{Valid: true, Pool: poolID, Root: p.MerkleRoot, Leaf: merkle.Hex(leaf)}
	switch err := merkle.Verify(root, leaf, proof); {
	case proof.Size != p.LoanCount:
		// Root and size are one commitment: the size comes from the ledger.
		v.Valid, v.Reason = false, fmt.Sprintf("the proof is for a tree of %d loans; the pool has %d", proof.Size, p.LoanCount)
	case errors.Is(err, merkle.ErrInvalidProof):
		v.Valid, v.Reason = false, err.Error()
	case err != nil:
		return "", errs.New(errs.Internal, "verify: %v", err)
	}
	return marshal(v)
}

// disclosedRecord decodes a disclosed record of the pool's class and
// returns the canonical bytes its leaf hashes.
func disclosedRecord[R any, P interface {
	*R
	Canonical() []byte
}](loanJSON string) ([]byte, error) {
	var rec R
	if err := canon.Unmarshal([]byte(loanJSON), &rec); err != nil {
		return nil, errs.Wrap(err, "loanJSON")
	}
	if err := checkDecimals("loanJSON", &rec); err != nil {
		return nil, err
	}
	return P(&rec).Canonical(), nil
}
