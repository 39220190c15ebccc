package schema

// Terms is the tranche's terms: the record without what operations move
// (the paused flag the trustee's Pause and an event of default set, the
// issued count, the creating transaction). Terms change only by an
// executed amendment; ledger/positions refuses any other write that
// changes them.
func (t Tranche) Terms() Tranche {
	t.Rules.Paused, t.Issued, t.CreatedTx, t.WoundDown = false, 0, "", 0
	return t
}
