package txn

import "github.com/tranchenet/tranchenet/chaincode/core/errs"

// Write is one state change a book decided on: a record at a public key,
// or in a private collection when Collection is set; with Delete, the
// removal of the private record instead. KeptByTrustee gives a public key
// the trustee-only key-level policy as it is written; Governed gives it
// the governance policy (the trustee AND a majority). Books mark every
// write of a key they keep, not only the first: the policy then follows
// the trustee role when a trustee succession moves it (set only when it
// differs, so an ordinary write adds no metadata).
type Write struct {
	Collection    string
	Key           string
	Value         any
	Delete        bool
	KeptByTrustee bool
	Governed      bool
}

// Apply writes each Write in order, as canonical JSON.
func (c *Context) Apply(writes ...Write) error {
	for _, w := range writes {
		if w.Delete {
			if err := c.GetStub().DelPrivateData(w.Collection, w.Key); err != nil {
				return errs.New(errs.Internal, "delete %q from %s: %v", w.Key, w.Collection, err)
			}
			continue
		}
		if w.Collection != "" {
			if err := c.PutPrivate(w.Collection, w.Key, w.Value); err != nil {
				return err
			}
			continue
		}
		if err := c.Put(w.Key, w.Value); err != nil {
			return err
		}
		if w.KeptByTrustee {
			if err := c.KeptByTrustee(w.Key); err != nil {
				return err
			}
		}
		if w.Governed {
			if err := c.Governed(w.Key); err != nil {
				return err
			}
		}
	}
	return nil
}
