package positions

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The holder count lives in schema.HolderShards shards (holdershard~<tranche>~<nn>),
// each kept by the trustee, not in the tranche book: a holder arriving at
// or leaving zero units changes only the shard its identity key hashes
// to. With one counter in the book every first transfer to a new holder
// wrote the same key, so concurrent ones failed with MVCC_READ_CONFLICT
// and a placement to many investors went about one per block. The total
// (Book.Holders, for a tranche created before the shards, plus Σ shards)
// is read where it is needed: Token:Supply, and the holder-cap rule of a
// tranche that has one (rule 14), whose check then reads every shard and
// so still serialises new holders, as a hard cap must.

// ShardOf names the shard (two hex digits) a holder's arrivals and
// departures count in.
func ShardOf(holder roles.Identity) string { return schema.ShardOf(holder.Key()) }

// shardWrites are the empty shards of a new tranche, kept by the trustee
// from their first write (they are public keys a trustee-endorsed
// transfer changes later).
func shardWrites(ctx *txn.Context, trancheID string) ([]txn.Write, error) {
	out := make([]txn.Write, 0, schema.HolderShards)
	for i := 0; i < schema.HolderShards; i++ {
		key, err := ctx.Key(schema.TypeHolderShard, trancheID, fmt.Sprintf("%02x", i))
		if err != nil {
			return nil, err
		}
		out = append(out, txn.Write{Key: key, Value: schema.HolderShard{}, KeptByTrustee: true})
	}
	return out, nil
}

// shard reads a holder's shard once per transaction (this transaction's
// writes included); found is false for a tranche without shards.
func (r *Register) shard(holder roles.Identity) (key string, s *schema.HolderShard, found bool, err error) {
	key, err = r.ctx.Key(schema.TypeHolderShard, r.Tranche.ID, ShardOf(holder))
	if err != nil {
		return "", nil, false, err
	}
	if s, ok := r.shards[key]; ok {
		return key, s, s != nil, nil
	}
	var v schema.HolderShard
	found, err = r.ctx.Get(key, &v)
	if err != nil {
		return "", nil, false, err
	}
	if !found {
		r.shards[key] = nil
		return key, nil, false, nil
	}
	r.shards[key] = &v
	return key, &v, true, nil
}

// HolderCount is the number of holders with units: the book's count plus
// every shard's. It ranges over the shards, so in a transaction that
// writes, any concurrent arrival or departure makes it a phantom read:
// only the holder cap (rule 14) and queries call it.
func (r *Register) HolderCount() (int, error) {
	if !r.allShards {
		err := r.ctx.Range(schema.TypeHolderShard, []string{r.Tranche.ID}, func(key string, value []byte) error {
			if _, ok := r.shards[key]; ok {
				return nil // this transaction's own value wins
			}
			var v schema.HolderShard
			if err := txn.Decode(key, value, &v); err != nil {
				return err
			}
			r.shards[key] = &v
			return nil
		})
		if err != nil {
			return 0, err
		}
		r.allShards = true
	}
	book, err := r.Book()
	if err != nil {
		return 0, err
	}
	n := book.Holders
	for _, s := range r.shards {
		if s != nil {
			n += s.Holders
		}
	}
	return n, nil
}

// countHolders moves a departed sender and an arrived receiver from the
// book's count (where DecideMove put them) to their shards, for a tranche
// that has shards; a tranche without keeps counting in the book.
func (r *Register) countHolders(m Movement, departed, arrived bool, book *schema.TrancheBook, c *change) error {
	for _, p := range []struct {
		id    roles.Identity
		delta int
		moved bool
	}{{m.From, -1, departed}, {m.To, +1, arrived}} {
		if !p.moved {
			continue
		}
		key, s, found, err := r.shard(p.id)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		book.Holders -= p.delta
		c.shards = append(c.shards, shardWrite{key: key, shard: schema.HolderShard{Holders: s.Holders + p.delta}})
	}
	return nil
}

// shardWrite is a shard as a decision left it.
type shardWrite struct {
	key   string
	shard schema.HolderShard
}
