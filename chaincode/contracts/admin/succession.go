package admin

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// authoriseSuccession refuses a configuration that moves the trustee role
// unless every deal's holders consented to it: an executed
// trustee-succession amendment of each deal names the successor
// (consent.AuthoriseTrusteeChange). ProposeConfig checks it so the
// admins vote on a change that may apply, and the approval that applies
// it checks again (a deal may have been created since).
func authoriseSuccession(ctx *txn.Context, current, next roles.OrgConfig) error {
	if !slices.Contains(roles.MovedGuardedRoles(current, next), roles.Trustee) {
		return nil
	}
	var deals []consent.DealSuccessions
	err := ctx.Range(schema.TypeDeal, nil, func(key string, value []byte) error {
		var d schema.Deal
		if err := txn.Decode(key, value, &d); err != nil {
			return err
		}
		ds := consent.DealSuccessions{Deal: d.ID}
		err := ctx.Range(schema.TypeAmendment, []string{d.ID}, func(key string, value []byte) error {
			var a schema.Amendment
			if err := txn.Decode(key, value, &a); err != nil {
				return err
			}
			if a.Kind == consent.TrusteeSuccession && a.Status == schema.AmendmentExecuted {
				ds.Successors = append(ds.Successors, a.Change.Successor)
			}
			return nil
		})
		deals = append(deals, ds)
		return err
	})
	if err != nil {
		return err
	}
	return consent.AuthoriseTrusteeChange(current.MSPsWithRole(roles.Trustee), next.MSPsWithRole(roles.Trustee), deals)
}
