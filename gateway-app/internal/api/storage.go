package api

import (
	"errors"
	"io/fs"
	"syscall"
)

// retryAfterStorage is the Retry-After of a storage failure: an operator
// frees the disk or remounts the data directory, which takes a while.
const retryAfterStorage = 5

// storageProblem recognises the app's own disk failing it (full, over
// quota, read-only, immutable or unwritable data directory) and answers
// 503 STORAGE_UNAVAILABLE; nil for any other error. It is transient (the
// Idempotency-Key is released) only while the request has submitted
// nothing: writeProblem keeps the answer of a request that did.
func storageProblem(err error) *Problem {
	if err == nil {
		return nil
	}
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EPERM, syscall.EACCES} {
		if errors.Is(err, errno) {
			p := NewProblem(CodeStorageUnavailable, "the gateway cannot write its data directory (%s); nothing was submitted; retry later", errno.Error())
			p.RetryAfter, p.transient = retryAfterStorage, true
			return p
		}
	}
	if errors.Is(err, fs.ErrPermission) {
		p := NewProblem(CodeStorageUnavailable, "the gateway cannot write its data directory (permission denied); nothing was submitted; retry later")
		p.RetryAfter, p.transient = retryAfterStorage, true
		return p
	}
	return nil
}
