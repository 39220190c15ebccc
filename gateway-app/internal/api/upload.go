package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Upload declares an endpoint whose request body is a file: a loan tape or
// a servicer report of up to hundreds of megabytes. The body is spooled to
// a file under dataDir/uploads while its SHA-256 is computed, before the
// handler runs, so that
//
//   - the handler can read it twice (validate everything, then submit:
//     nothing reaches the ledger from a file with a bad row) holding one
//     row at a time in memory;
//   - the Idempotency-Key fingerprint covers the file without keeping it;
//   - a client that stops sending half-way never starts a submission.
type Upload struct {
	// ContentTypes are the accepted media types (without parameters).
	ContentTypes []string
	// Description documents the file's format.
	Description string
	// Resumable says that running the request again with the same file
	// resumes it after what it already put on the ledger, at any point,
	// and answers the completed upload (a loan tape: the chaincode takes
	// each chunk once, in order). An interrupted resumable upload runs
	// again under its key instead of answering IDEMPOTENCY_APPLIED.
	Resumable bool
}

// Spool is an uploaded file, on disk for the duration of the request.
type Spool struct {
	path string
	// ContentType is the request's media type, without parameters.
	ContentType string
	Size        int64
	SHA256      [sha256.Size]byte
	// Resumable is the endpoint's Upload.Resumable.
	Resumable bool
}

// Open opens the file from its start; close it when done.
func (s *Spool) Open() (*os.File, error) { return os.Open(s.path) }

type spoolKey struct{}

// Upload returns the request's spooled file (nil for an endpoint without
// Upload).
func (c *Call) Upload() *Spool {
	sp, _ := c.Context().Value(spoolKey{}).(*Spool)
	return sp
}

func spoolFrom(ctx context.Context) *Spool {
	sp, _ := ctx.Value(spoolKey{}).(*Spool)
	return sp
}

// uploadDir is where uploads are spooled.
func (s *Server) uploadDir() string { return filepath.Join(s.cfg.DataDir, "uploads") }

// clearUploads deletes spool files a previous process left when it died
// mid-request: at start no request is running.
func (s *Server) clearUploads() error {
	if s.cfg.DataDir == "" {
		return nil
	}
	return os.RemoveAll(s.uploadDir())
}

// spool receives an upload's body into a file. It answers the problem
// itself and returns nil when the body is refused. The caller removes the
// file (Spool.remove) when the request is done. Receiving, validating and
// submitting a large file takes longer than a JSON request, so the
// connection's deadlines are moved to timeouts.upload from now.
func (s *Server) spool(w http.ResponseWriter, r *http.Request, u *Upload) *Spool {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !slices.Contains(u.ContentTypes, mt) {
		s.writeProblem(w, r, NewProblem(CodeUnsupportedMediaType, "Content-Type %q: send the file as one of %s", ct, strings.Join(u.ContentTypes, ", ")))
		return nil
	}
	deadline := time.Now().Add(s.cfg.Timeouts.Upload.D())
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(deadline)  // not every writer supports deadlines (tests):
	rc.SetWriteDeadline(deadline) // the server's own timeouts then apply
	if err := os.MkdirAll(s.uploadDir(), 0o700); err != nil {
		s.writeProblem(w, r, problemFrom(err))
		return nil
	}
	f, err := os.CreateTemp(s.uploadDir(), "upload-*")
	if err != nil {
		s.writeProblem(w, r, problemFrom(err))
		return nil
	}
	sp := &Spool{path: f.Name(), ContentType: mt, Resumable: u.Resumable}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		sp.remove()
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.writeProblem(w, r, NewProblem(CodePayloadTooLarge, "upload larger than %d bytes (maxUploadBytes)", s.cfg.MaxUploadBytes))
		} else if p := storageProblem(err); p != nil {
			s.writeProblem(w, r, p) // the disk failed, not the client
		} else {
			s.writeProblem(w, r, BadInput("", "reading the uploaded file: %v", err))
		}
		return nil
	}
	if n == 0 {
		sp.remove()
		s.writeProblem(w, r, BadInput("", "the uploaded file is empty"))
		return nil
	}
	sp.Size = n
	copy(sp.SHA256[:], h.Sum(nil))
	return sp
}

func (sp *Spool) remove() { os.Remove(sp.path) }
