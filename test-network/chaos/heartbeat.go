package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/clientlog"
)

// heartbeatEvery paces each bank's heartbeat writes.
const heartbeatEvery = time.Second

// heartbeat keeps a steady stream of small writes on every bank beside the
// demo (whose steps run one after another, so a fault that blocks one step
// silences it): each bank's admin puts a public probe key
// (PUT /v1/probe/public/{key}) once a second, every write with its own
// Idempotency-Key, retried like the demo's until a final answer, and
// logged in the same client log format. Recovery times are read from it.
func (c *Campaign) heartbeat(ctx context.Context, logPath string) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		c.log("heartbeat: %v", err)
		return
	}
	defer f.Close()
	var mu sync.Mutex
	write := func(e clientlog.Entry) {
		line, _ := json.Marshal(e)
		mu.Lock()
		defer mu.Unlock()
		f.Write(append(line, '\n'))
	}
	var wg sync.WaitGroup
	for _, org := range c.cfg.Consortium.Orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 1; ctx.Err() == nil; n++ {
				write(c.beat(ctx, org.MSPID, n))
				select {
				case <-ctx.Done():
				case <-time.After(heartbeatEvery):
				}
			}
		}()
	}
	wg.Wait()
}

// beat is one heartbeat write, retried until a final answer.
func (c *Campaign) beat(ctx context.Context, msp string, n int) clientlog.Entry {
	key := fmt.Sprintf("chaos-%d-%s-%d", c.cfg.Seed, msp, n)
	path := fmt.Sprintf("/v1/probe/public/chaos-heartbeat-%s", key)
	e, _ := c.keyedWrite(ctx, msp, "admin", http.MethodPut, path, key, "application/json", []byte(fmt.Sprintf(`{"value":"beat %d"}`, n)))
	return e
}

// keyedWrite sends one write as a bank's user with role, with its
// Idempotency-Key, retried as a careful integration would while the answer
// is retryable (for up to retryFor), and returns the final answer as a
// client log entry (its transactions from the X-Transaction-Id header and
// the answer's "transactions") and the answer's body.
func (c *Campaign) keyedWrite(ctx context.Context, msp, role, method, path, key, contentType string, body []byte) (clientlog.Entry, []byte) {
	e := clientlog.Entry{Bank: msp, Method: method, Path: path, Key: key}
	if contentType == "application/json" {
		e.Body = body
	}
	start := time.Now()
	for {
		e.Attempts++
		status, hdr, code, answer, err := c.send(ctx, msp, role, method, path, key, contentType, body)
		e.Time, e.Status, e.Code, e.Error = time.Now().UTC(), status, code, ""
		e.TxID, e.Block = hdr.Get("X-Transaction-Id"), hdr.Get("X-Block-Number")
		e.Transactions = nil
		if err != nil {
			e.Error = err.Error()
		} else if status < 300 {
			var named struct {
				Transactions []string `json:"transactions"`
			}
			json.Unmarshal(answer, &named)
			e.Transactions = named.Transactions
		}
		retry := err != nil || status == http.StatusServiceUnavailable || code == "TX_CONFLICT" ||
			status == http.StatusBadGateway && hdr.Get("Retry-After") != ""
		if !retry || time.Since(start) > retryFor || ctx.Err() != nil {
			return e, answer
		}
		wait := time.Second
		if s, err := strconv.Atoi(hdr.Get("Retry-After")); err == nil && s >= 0 {
			wait = min(time.Duration(s)*time.Second, 5*time.Second)
		}
		select {
		case <-ctx.Done():
			return e, answer
		case <-time.After(wait):
		}
	}
}

// send sends one keyed write as the bank's user with role; code is the
// problem's.
func (c *Campaign) send(ctx context.Context, msp, role, method, path, key, contentType string, body []byte) (status int, hdr http.Header, code string, answer []byte, err error) {
	api, err := c.bank(msp)
	if err != nil {
		return 0, http.Header{}, "", nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, "http://"+api.Listen+path, bytes.NewReader(body))
	if err != nil {
		return 0, http.Header{}, "", nil, err
	}
	req.Header.Set("Authorization", "Bearer "+api.withRole(role))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, http.Header{}, "", nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var p struct {
		Code string `json:"code"`
	}
	if resp.StatusCode >= 300 {
		json.Unmarshal(raw, &p)
	}
	return resp.StatusCode, resp.Header, p.Code, raw, nil
}

// bank reads a bank's gateway address and API tokens.
func (c *Campaign) bank(msp string) (bankAPI, error) {
	raw, err := os.ReadFile(filepath.Join(consortium.RunFolder(c.cfg.Run).Gateway(msp), "tokens.json"))
	if err != nil {
		return bankAPI{}, err
	}
	var api bankAPI
	if err := json.Unmarshal(raw, &api); err != nil || len(api.Tokens) == 0 {
		return bankAPI{}, fmt.Errorf("%s tokens.json: no API token (%v)", msp, err)
	}
	return api, nil
}
