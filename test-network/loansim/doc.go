// Package loansim generates a deterministic pool of US prime auto loans and
// simulates its performance month by month, producing the loan tape and
// the servicer reports (loantape records) that the rest of tranchenet
// consumes: demos, tests and benchmarks all run on its output.
//
// Determinism: the same PoolSpec and Assumptions give the same records,
// byte for byte, on every machine and Go release. Each loan draws from its
// own PCG stream keyed by (seed, loan, period), through this package's own
// bounded-integer mapping rather than math/rand's (whose derivations Go
// may change), and every probability is an integer in parts per billion.
// A loan's path therefore does not depend on how many other loans the pool
// has. Money is integer cents throughout: level payments are rounded
// half-up to the cent and the last instalment absorbs the rounding, so each
// loan amortises to exactly zero at maturity.
//
// The model, per loan and month:
//
//   - a current loan misses its instalment with probability
//     Assumptions.DelinquencyRate; otherwise it pays it, and may then
//     prepay in full (ABS or CPR speed, see Prepayment) or pay extra
//     principal (CurtailmentRate);
//   - a delinquent loan cures (pays all arrears) with probability
//     CureRate, misses again with probability RollRate, or otherwise pays
//     one instalment and stays as far behind;
//   - days past due at month end are 30 per missed instalment counted from
//     the loan's due day, so one missed instalment is 3–30 days (current),
//     two are 31–60 and so on; past ChargeOffDays (120) the whole balance
//     is charged off (zeroBalanceCode 4) and RecoveryRate of it comes back
//     RecoveryLagMin–RecoveryLagMax months later on a zero-balance row;
//   - a loan that reaches zero otherwise gets zeroBalanceCode 1.
//
// When a delinquent loan cures, the arrears are reported inside
// scheduledInterestAmount and scheduledPrincipalAmount, so the catch-up is
// not mistaken for a prepayment (see loantape's split rule).
//
// Every row satisfies loantape's rules, the balance roll-forward first.
// Shocks force a stress month (say, a delinquency spike and a wave of
// charge-offs) so a demo can breach a deal trigger on purpose.
//
// It is a tool, not part of the product: it lives beside the test network
// and imports only the pure core (loantape, money) and decimal. Product
// packages (chaincode/..., gateway-app/...) never import it; their tests,
// the demo and cmd/loansim do (test-network/layers_test.go checks this).
package loansim
