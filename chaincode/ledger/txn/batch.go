package txn

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Many keys in few messages (issue 17). Every shim read and write is one
// round trip between the chaincode and its peer; a loan tape or report
// chunk of 1,024 rows made 2,000 to 3,000 of them, and on a loaded box
// each costs milliseconds of scheduling, not work. A peer that supports
// the shim's batches (Fabric v3.1 and later) takes a chunk's reads in
// GET_STATE_MULTIPLE messages and its writes in one WRITE_BATCH_STATE; an
// older peer (this network's 2.5.0) gets the same calls one by one, so the
// code is the same and the read and write sets are identical either way.

// GetPrivateMany reads keys of a collection in as few messages as the
// peer allows and decodes each present value with into(i, raw); absent
// keys call absent(i) (either may be nil). Each key lands in the read set
// exactly as GetPrivate would record it.
func (c *Context) GetPrivateMany(collection string, keys []string, into func(i int, raw []byte) error, absent func(i int)) error {
	if len(keys) == 0 {
		return nil
	}
	values, err := c.GetStub().GetMultiplePrivateData(collection, keys...)
	if err != nil {
		return errs.New(errs.Forbidden, "read %d keys of %s: %v", len(keys), collection, err)
	}
	if len(values) != len(keys) {
		return errs.New(errs.Internal, "read %d keys of %s: the peer answered %d values", len(keys), collection, len(values))
	}
	for i, v := range values {
		switch {
		case len(v) == 0 && absent != nil:
			absent(i)
		case len(v) > 0 && into != nil:
			if err := into(i, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// DecodePrivate decodes a value GetPrivateMany returned for key.
func DecodePrivate(key string, raw []byte, v any) error {
	_, err := decode(key, raw, v)
	return err
}

// Batched runs writes with the shim's write batch open and ships what it
// buffered before returning: one message to a peer that supports batches,
// the usual one per write otherwise. A write error then surfaces here, and
// a transaction whose writes failed returns an error, so nothing is kept.
func (c *Context) Batched(writes func() error) error {
	stub := c.GetStub()
	stub.StartWriteBatch()
	if err := writes(); err != nil {
		return err
	}
	if err := stub.FinishWriteBatch(); err != nil {
		return errs.New(errs.Internal, "write batch: %v", err)
	}
	return nil
}
