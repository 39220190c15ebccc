package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/clientlog"
)

// The gateway fault is aimed where issue 18 says: the servicer's gateway
// app is killed in the middle of a chunked tape upload and of a burst of
// idempotent writes. The campaign makes both itself, so that the kill
// lands inside them:
//   - the upload is the demo's loan tape (the same file the demo uploaded
//     to its pool POOL-DEMO-n), sent again to a fresh pool in uploadChunk
//     loans a chunk; its progress is read from the pool's status
//     (GET /v1/pools/{pool}, nextChunk) and the kill waits for a chunk or
//     two to be on the ledger;
//   - the burst is burstWrites keyed probe writes sent at once.
//
// Every write is retried with its key until a final answer and logged
// like the load's, so the lost and duplicated proofs cover them. After the
// repair, the upload must complete (same file, same key) and its pool,
// once sealed, must carry the Merkle root of the file: the root the demo's
// pool of the same file carries.
const (
	uploadChunk = 50
	burstWrites = 12
	// killAfterChunks: the kill waits until this many chunks are on the ledger.
	killAfterChunks = 2
)

// UploadCheck is what became of the upload cut by the gateway kill.
type UploadCheck struct {
	Pool     string
	Chunks   int // chunks on the ledger when the gateway was killed
	Loans    int
	Attempts int
	// ResumedAt is the chunk the completing attempt resumed from (the
	// upload answer's resumedAt).
	ResumedAt int
	Root      string
	// Failure says what went wrong, "" when the upload resumed and
	// completed with the file's root.
	Failure string
}

// aimedGatewayKill starts the upload and the burst, kills the servicer's
// gateway app in the middle of them, and leaves them retrying; the repair
// (network.sh gateways) lets them finish. It returns the target's name.
func (c *Campaign) aimedGatewayKill(ctx context.Context, n int) (string, error) {
	servicer, trustee := c.servicer(), c.withRole(consortium.OrgRoleArranger)
	name := "gateway-" + servicer.MSPID
	tape, demoPool, err := c.demoTape(ctx)
	if err != nil {
		return name, err
	}
	pool := fmt.Sprintf("CHAOS-%d-%d", c.cfg.Seed, n)
	key := func(what string) string { return fmt.Sprintf("chaos-%d-%s-%s", c.cfg.Seed, pool, what) }
	body, _ := json.Marshal(map[string]string{"id": pool, "name": "chaos campaign pool " + pool,
		"originator": servicer.MSPID, "servicer": servicer.MSPID, "cutoffDate": demoCutoff})
	if e, _ := c.logged(ctx, trustee.MSPID, "arranger", http.MethodPost, "/v1/pools", key("open"), "application/json", body); !e.Accepted() {
		return name, fmt.Errorf("open pool %s: %d %s %s", pool, e.Status, e.Code, e.Error)
	}

	c.followUps.Add(1)
	uploaded := make(chan struct{})
	check := &UploadCheck{Pool: pool}
	go func() {
		defer c.followUps.Done()
		path := fmt.Sprintf("/v1/pools/%s/loans?chunkSize=%d", pool, uploadChunk)
		e, answer := c.logged(ctx, servicer.MSPID, "servicer", http.MethodPut, path, key("tape"), "application/xml", tape)
		close(uploaded)
		c.finishUpload(ctx, check, e, answer, demoPool, key)
		c.mu.Lock()
		c.uploads = append(c.uploads, *check)
		c.mu.Unlock()
	}()

	// Kill once chunks are on the ledger, with the burst in flight.
	deadline := time.Now().Add(3 * time.Minute)
	for check.Chunks < killAfterChunks {
		select {
		case <-uploaded:
			return name, fmt.Errorf("the upload to %s ended before %d chunks were seen on the ledger: the kill missed it", pool, killAfterChunks)
		case <-ctx.Done():
			return name, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return name, fmt.Errorf("no chunk of the upload to %s on the ledger after 3 minutes", pool)
		}
		var view struct {
			NextChunk int `json:"nextChunk"`
		}
		if c.getOnceAs(ctx, servicer.MSPID, "servicer", "/v1/pools/"+pool, &view) == nil && view.NextChunk > check.Chunks {
			check.Chunks = view.NextChunk
		}
	}
	for i := range burstWrites {
		c.followUps.Add(1)
		go func() {
			defer c.followUps.Done()
			k := key(fmt.Sprintf("burst-%d", i))
			c.logged(ctx, servicer.MSPID, "admin", http.MethodPut, "/v1/probe/public/chaos-burst-"+k, k, "application/json",
				[]byte(fmt.Sprintf(`{"value":"burst %d"}`, i)))
		}()
	}
	time.Sleep(200 * time.Millisecond) // the burst's requests reach the app
	c.log("gateway fault: killing %s with the upload to %s at chunk %d and %d writes in flight", name, pool, check.Chunks, burstWrites)
	return fmt.Sprintf("%s (upload at chunk %d, %d writes in flight)", name, check.Chunks, burstWrites), c.kill(name)
}

// finishUpload checks the upload's final answer, seals its pool and
// compares the pool's root with the root of the same file on the demo's
// pool.
func (c *Campaign) finishUpload(ctx context.Context, check *UploadCheck, e clientlog.Entry, answer []byte, demoPool string, key func(string) string) {
	check.Attempts = e.Attempts
	if !e.Accepted() {
		check.Failure = fmt.Sprintf("the upload's final answer is %d %s %s", e.Status, e.Code, clip(e.Error, 200))
		return
	}
	var tape struct {
		Loans      int    `json:"loans"`
		ResumedAt  int    `json:"resumedAt"`
		MerkleRoot string `json:"merkleRoot"`
	}
	json.Unmarshal(answer, &tape)
	check.Loans, check.Root, check.ResumedAt = tape.Loans, tape.MerkleRoot, tape.ResumedAt
	servicer := c.servicer()
	if s, _ := c.logged(ctx, servicer.MSPID, "servicer", http.MethodPost, "/v1/pools/"+check.Pool+"/seal", key("seal"), "application/json", nil); !s.Accepted() {
		check.Failure = fmt.Sprintf("seal: %d %s %s", s.Status, s.Code, clip(s.Error, 200))
		return
	}
	type poolView struct {
		Pool struct {
			Status     string `json:"status"`
			LoanCount  int    `json:"loanCount"`
			MerkleRoot string `json:"merkleRoot"`
		} `json:"pool"`
	}
	var ours, demo poolView
	if err := c.getAs(ctx, servicer.MSPID, "servicer", "/v1/pools/"+check.Pool, &ours); err != nil {
		check.Failure = err.Error()
		return
	}
	if err := c.getAs(ctx, servicer.MSPID, "servicer", "/v1/pools/"+demoPool, &demo); err != nil {
		check.Failure = err.Error()
		return
	}
	switch {
	case ours.Pool.Status != "sealed":
		check.Failure = fmt.Sprintf("pool %s is %s after its seal", check.Pool, ours.Pool.Status)
	case ours.Pool.MerkleRoot != tape.MerkleRoot:
		check.Failure = fmt.Sprintf("pool %s's ledger root %s is not the root %s its upload answered", check.Pool, ours.Pool.MerkleRoot, tape.MerkleRoot)
	case demo.Pool.MerkleRoot != "" && ours.Pool.MerkleRoot != demo.Pool.MerkleRoot:
		check.Failure = fmt.Sprintf("pool %s's root %s differs from %s's %s, the same file", check.Pool, ours.Pool.MerkleRoot, demoPool, demo.Pool.MerkleRoot)
	case demo.Pool.LoanCount != 0 && ours.Pool.LoanCount != demo.Pool.LoanCount:
		check.Failure = fmt.Sprintf("pool %s holds %d loans, %s %d from the same file", check.Pool, ours.Pool.LoanCount, demoPool, demo.Pool.LoanCount)
	}
}

// demoCutoff is the demo's cut-off date (its tapes' loans are as of it).
const demoCutoff = "2026-10-31"

// demoTape waits (at most five minutes) for a loan tape the demo has
// uploaded and sealed, and returns the file and its pool.
func (c *Campaign) demoTape(ctx context.Context) ([]byte, string, error) {
	servicer := c.servicer()
	for deadline := time.Now().Add(5 * time.Minute); ; {
		files, _ := filepath.Glob(filepath.Join(c.cfg.Run, "demo", "AUTO-DEMO-*", "tape.xml"))
		sort.Strings(files)
		for _, f := range files {
			n := strings.TrimPrefix(filepath.Base(filepath.Dir(f)), "AUTO-DEMO-")
			pool := "POOL-DEMO-" + n
			var view struct {
				Pool struct {
					Status string `json:"status"`
				} `json:"pool"`
			}
			if c.getOnceAs(ctx, servicer.MSPID, "servicer", "/v1/pools/"+pool, &view) == nil && view.Pool.Status == "sealed" {
				raw, err := os.ReadFile(f)
				return raw, pool, err
			}
		}
		if time.Now().After(deadline) {
			return nil, "", fmt.Errorf("no sealed demo pool with its tape in %s after 5 minutes", filepath.Join(c.cfg.Run, "demo"))
		}
		select {
		case <-ctx.Done():
			return nil, "", ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// withRole is the first bank with a role.
func (c *Campaign) withRole(role string) consortium.Org {
	for _, o := range c.cfg.Consortium.Orgs {
		if o.HasRole(role) {
			return o
		}
	}
	return c.cfg.Consortium.Orgs[0]
}

// logged is keyedWrite whose final answer goes to the campaign's own
// client log (the fault log).
func (c *Campaign) logged(ctx context.Context, msp, role, method, path, key, contentType string, body []byte) (clientlog.Entry, []byte) {
	e, answer := c.keyedWrite(ctx, msp, role, method, path, key, contentType, body)
	line, _ := json.Marshal(e)
	c.faultLogMu.Lock()
	defer c.faultLogMu.Unlock()
	if f, err := os.OpenFile(c.faultLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
		f.Write(append(line, '\n'))
		f.Close()
	}
	return e, answer
}

// getOnceAs reads path once as a bank's user with role.
func (c *Campaign) getOnceAs(ctx context.Context, msp, role, path string, out any) error {
	api, err := c.bank(msp)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.getOnce(rctx, "http://"+api.Listen+path, api.withRole(role), out)
}
