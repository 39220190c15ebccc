// Package auction decides a sealed-bid auction of a defaulted deal's
// pool: the bidding window (open and close by the transaction's time),
// the commitment a sealed bid publishes (a salted SHA-256, so the price
// cannot be guessed from it), the check of a revealed bid against its
// commitment, and the award: the best funded bid at or above the reserve
// price wins, equal prices go to the earlier bid, and nothing sells below
// the reserve.
//
// It is pure: it imports only the standard library and core/money,
// core/canon and core/errs, never Fabric. The Auction contract keeps the
// bids private (each bidder's implicit collection, then the trustee's)
// and publishes only commitments and the award.
package auction
