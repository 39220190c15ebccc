// Package auction is the Auction contract: after an event of default, and
// on the Controlling Class's direction (an executed liquidation-direction
// amendment), the trustee sells the deal's pool by sealed bids among the
// consortium's banks; the sale settles delivery-versus-payment and the
// proceeds land in the deal's collection account, from which the
// acceleration waterfall pays the holders.
//
// The flow, and who endorses each step (schema.Endorsement):
//
//   - Open (the trustee; the trustee with a majority): the window (opens,
//     closes: compared with the transaction's timestamp), the reserve
//     price and the direction it carries out. The pool's title record
//     (poolowner~) names the deal's SPV.
//   - Seal (a bidder; its own bank's peers only): the price and a random
//     salt travel in the transient map and stay in the bidder bank's
//     implicit collection; no other peer, not even the trustee's, sees
//     them.
//   - Bid (the bidder; its bank with the trustee): the public record takes
//     the sealed bid's Fabric private data hash as its commitment, at the
//     transaction's time, which must fall inside the window.
//   - Reveal (the bidder, after the close; the trustee's peer): the price
//     and salt again, checked against the commitment (core/auction), kept
//     in the trustee's implicit collection; the public record shows only
//     that it was revealed.
//   - Award (the trustee, after the close; the trustee's peer, the only
//     one holding every registry): the best funded bid at or above the
//     reserve wins; in the same transaction the buyer's cash moves to the
//     deal's collection account and the pool's title to the buyer: both or
//     neither. A losing bid's price never leaves the trustee's implicit
//     collection.
//
// It may import txn, the books (cash, dealaccounts), schema, the
// contracts' args and the pure core; never another contract.
package auction
