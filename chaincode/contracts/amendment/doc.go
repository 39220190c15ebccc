// Package amendment is the Amendment contract: a deal's terms change, its
// servicer is replaced or its trustee succeeded only by the holders'
// consent the indenture requires (package consent), never by a vote of
// the consortium's banks.
//
// The flow, and who endorses each step (schema.Endorsement):
//
//   - Propose (the arranger or the trustee; a majority with the trustee):
//     the kind, the affected classes, the new term, a record date and an
//     expiry; the consent it needs is derived, not chosen. The public
//     record is then kept by the trustee (key-level policy).
//   - Record (the trustee, from the record date; the trustee's peer, the
//     only one holding every registry): each holder's position in each
//     voting class is fixed privately in its bank's registry; the public
//     record shows only the classes' totals and holder counts.
//   - Vote (a holder, through its own bank; the trustee's peer): the
//     choice travels in the transient map, the vote is kept beside the
//     position in the registry, and only the tally by class is public.
//   - Execute (the trustee, once passed; a majority with the trustee,
//     since tranche terms carry the governance policy): the change is
//     written as the deal's next version and applies from the next
//     certified period. A trigger-threshold or waterfall change writes
//     the deal's next waterfall version through ledger/waterfalls, the
//     writer Servicing:SetWaterfall uses too, checked against the version
//     in force; the next certification runs it.
//
// It may import txn, keypolicy, waterfalls, schema, the contracts' args
// and the pure core; it must not import another contract.
package amendment
