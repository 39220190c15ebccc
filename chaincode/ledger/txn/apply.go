package txn

// Write is one state change a book decided on: a record at a public key,
// or in a private collection when Collection is set. KeptByTrustee gives a
// public key the trustee-only key-level policy as it is written (a book's
// first write).
type Write struct {
	Collection    string
	Key           string
	Value         any
	KeptByTrustee bool
}

// Apply writes each Write in order, as canonical JSON.
func (c *Context) Apply(writes ...Write) error {
	for _, w := range writes {
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
	}
	return nil
}
