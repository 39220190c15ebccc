// Package distribution turns a certified waterfall into cash for holders:
// the per-unit distribution index of each class, holders' claims against
// it, the residue line that keeps every sub-cent, the proof of reserve, the
// reconciliation of a chunked servicer report with its declared totals,
// and the mapping of a report's aggregates to the waterfall's Period. It
// imports nothing from Fabric; the Servicing contract and the gateway app
// run the same code.
//
// # Why an index
//
// A payment date pays each class one amount. Crediting every holder in
// the certifying transaction would make certification O(holders) and
// touch every bank's registry; instead certification raises the class's
// cumulative index, cash per unit, once (O(classes)), and each holder
// later takes units × (index − indexPaid) and sets indexPaid = index, by a
// claim or when its balance next changes. Paying 10 holders or 100,000
// costs the same transaction at certification.
//
// # Rounding (the only rules there are)
//
//   - The index has IndexScale (12) decimal places. An increment is
//     payment ÷ units truncated to 12 places (never more than was paid).
//   - The index residue of a payment is payment − units × increment,
//     exact, in [0, units × 10⁻¹²): the fraction of a cent no unit can be
//     given without over-paying some unit.
//   - A claim is units × (index − indexPaid), exact, floored to the cent
//     (money.FromDecimalFloor). The claim residue is what the floor cut,
//     in [0, 0.01).
//   - Both residues accumulate, exactly, on the class's residue line
//     (ClassBook.ResidueLine). Nothing is rounded anywhere else.
//
// Conservation, exact in decimals at every moment:
//
//	Distributed = Claimed + ResidueLine + Σ holders' unclaimed entitlements
//
// so once every holder has claimed, Distributed − Claimed (the distribution
// account's cash, whole cents) equals the residue line, which is then a
// whole number of cents. ClassBook.Check verifies the identity against a
// list of holders; the property tests drive it with random holders.
//
// # Determinism
//
// No floats, no clock, no maps read in iteration order into output:
// decimals render with decimal.Decimal.String (no trailing zeros), amounts
// with money.Amount, everything that is hashed goes through canon.
package distribution
