// Package fixing resolves a floating index's fixing for a period from the
// postings of several designated sources: the deal terms name the index,
// its sources (an MSP, whose identities holding the rates role post for
// it, or one named identity) and the rule (Rule): a minimum number of
// sources, a maximum spread between their postings, a staleness window and
// a cut-off before the payment date. The value used is the median of the
// valid postings (Resolve); when the rule is not met, the Resolution says
// which rule failed and which sources are missing, stale or late, so that
// certification can refuse with that reason.
//
// Like all of the core it is pure: it imports only the core (errs, the
// waterfall's day count), shopspring/decimal and the standard library, and
// never reads a clock (times come from the caller: transaction timestamps).
package fixing
