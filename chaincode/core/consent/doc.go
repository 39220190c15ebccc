// Package consent decides amendments of a deal by its holders' consent,
// as an indenture does: each kind of amendment names the consent it needs
// (a majority or two-thirds of the outstanding principal of the
// Controlling Class or of each affected class, or every affected holder
// for the "sacred rights": a class's coupon, principal, maturity and
// priority), votes count the positions fixed at the record date, and the
// tally by class gives the outcome — pending, passed, failed (the
// threshold can no longer be met) or expired.
//
// It is pure: it imports only core/money and core/errs, never Fabric.
// The Amendment contract supplies record-date positions and ballots and
// keeps individual votes private; only Tally is public.
package consent
