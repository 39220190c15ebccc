package app

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/internal/console/consoletest"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationConsole drives each bank's console in headless Chromium
// against a real network and the three banks' gateway apps: every role
// signs in and walks every page; the servicer uploads a report with a bad
// row and sees the error table (nothing reaches the ledger), then the good
// report with its chunks; an investor settles a trade from the blotter and
// claims a distribution; roles that may not act see no button and get 403
// when they force the call. What the browser did is checked on the ledger
// through the REST API. Screenshots of each page go to
// $TRANCHENET_ARTIFACTS/console-e2e (or the test's temporary directory).
func TestIntegrationConsole(t *testing.T) {
	tnet.RequireIntegration(t)
	began := time.Now()
	step := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }

	browser := consoletest.NewBrowser(t)
	_, org1, org2, org3 := upWithBanks(t)
	banks := []*bank{org1, org2, org3}
	shots := consoletest.ArtifactsDir(t, "console-e2e")

	step("pool and tape, deal, investors, cash (over REST)")
	e := newE2E(t, org1, org2, org3, "POOL-UI", "AUTO-UI")
	e.poolAndTape()
	e.dealAndInvestors()
	e.cash()
	c := &consoleRun{t: t, e: e, browser: browser, shots: shots}

	step("servicer: a report with a bad row is refused in the browser, the good one goes in by chunks")
	c.uploads()
	step("period 1 certified (over REST)")
	c.certify()
	step("blotter: an investor settles a matched trade; an auditor sees no button and gets 403")
	c.blotter()
	step("investor: claims a distribution; the pre-trade check names the rule")
	c.claim()
	step("every role walks every page at every bank")
	c.walk(banks)
	if p := browser.Problems(); len(p) > 0 {
		t.Errorf("the pages raised:\n%s", strings.Join(p, "\n"))
	}
	step("done")
}

type consoleRun struct {
	t       *testing.T
	e       *e2e
	browser *consoletest.Browser
	shots   string
}

// as opens a tab signed in as the bank's user.
func (c *consoleRun) as(b *bank, user string) context.Context {
	ctx := c.browser.Tab(c.t)
	consoletest.SignIn(c.t, ctx, b.base, b.tokens[user])
	return ctx
}

func (c *consoleRun) uploads() {
	t, e := c.t, c.e
	rows := e.advance()
	good := reportFile(t, rows, false)
	lines := strings.SplitN(string(good), "\n", 10)
	header := strings.Split(lines[0], ",")
	col := slices.Index(header, "actualInterestCollectedAmount")
	cells := strings.Split(lines[7], ",")
	cells[col] = "12.3X"
	lines[7] = strings.Join(cells, ",")
	dir := t.TempDir()
	badFile, goodFile := filepath.Join(dir, "report-bad.csv"), filepath.Join(dir, "report-1.csv")
	if err := os.WriteFile(badFile, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goodFile, good, 0o600); err != nil {
		t.Fatal(err)
	}
	height := func() float64 { return e.org2.must(200, "GET", "/readyz", "", nil).field("height").(float64) }
	before := height()

	ctx := c.as(e.org2, "servicer")
	consoletest.Open(t, ctx, e.org2.base, "#/servicer", "servicer")
	upload := func(file string, wait string) {
		consoletest.RunWithin(t, ctx, 3*time.Minute, "upload "+filepath.Base(file),
			chromedp.SetValue("#upload-kind", "report", chromedp.ByID),
			chromedp.SetValue("#upload-target", e.deal, chromedp.ByID),
			chromedp.SetUploadFiles("#upload-file", []string{file}, chromedp.ByID),
			chromedp.Click("#upload-submit", chromedp.ByID),
			chromedp.WaitVisible(wait, chromedp.ByQuery))
	}
	upload(badFile, "#upload-errors")
	row := consoletest.Texts(t, ctx, "#upload-errors tbody tr td")
	if len(row) != 5 || row[0] != "8" || row[1] != rows[6].AssetNumber || row[2] != "actualInterestCollectedAmount" || row[3] != "number" {
		t.Errorf("error table %q, want row 8, loan %s, actualInterestCollectedAmount, number", row, rows[6].AssetNumber)
	}
	consoletest.Screenshot(t, ctx, c.shots, "servicer-bad-row")
	if h := height(); h != before {
		t.Fatalf("a refused report changed the chain: height %v → %v", before, h)
	}
	if r := e.org3.call("GET", "/v1/deals/"+e.deal+"/periods/1/report", "auditor", nil); r.status != 404 {
		t.Fatalf("the refused report is on the ledger: %d %s", r.status, r.body)
	}

	upload(goodFile, "#upload-result .success")
	var status string
	consoletest.Run(t, ctx, "progress", chromedp.Text("#upload-status", &status, chromedp.ByID))
	// Report chunks are 1,024 rows by default (issue 17): 10 for 10,000.
	if !strings.Contains(status, "10000 rows in 10 chunks") {
		t.Errorf("upload status %q, want 10000 rows in 10 chunks", status)
	}
	consoletest.Screenshot(t, ctx, c.shots, "servicer-uploaded")
	var rep struct {
		Status string
	}
	e.org3.must(200, "GET", "/v1/deals/"+e.deal+"/periods/1/report", "auditor", nil).decode(t, &rep)
	if rep.Status != "complete" {
		t.Fatalf("report on the ledger: %+v", rep)
	}
}

func (c *consoleRun) certify() {
	e := c.e
	var rep struct {
		Header struct {
			Aggregates struct {
				InterestCollected, ScheduledPrincipal, Prepayments, Recoveries, RepossessionProceeds money.Amount
			}
		}
		FromRows struct {
			InterestCollected, ScheduledPrincipal, Prepayments, Recoveries, RepossessionProceeds money.Amount
		}
	}
	e.org3.must(200, "GET", "/v1/deals/"+e.deal+"/periods/1/report", "auditor", nil).decode(c.t, &rep)
	a := rep.FromRows
	collections := a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds
	e.org2.must(200, "POST", "/v1/deals/"+e.deal+"/collections", "servicer", map[string]string{"amount": collections.String()})
	e.org1.must(200, "PUT", "/v1/deals/"+e.deal+"/periods/1/fixings/SOFR30A", "trustee", map[string]string{"rate": "0.0431"})
	e.org1.must(200, "POST", "/v1/deals/"+e.deal+"/periods/1/certification", "trustee", nil)
}

func (c *consoleRun) blotter() {
	t, e := c.t, c.e
	terms := e.terms("UI-TRADE-1", 25, "25.00", "ledger", time.Now().Add(time.Hour))
	e.org2.must(200, "POST", "/v1/settlements/UI-TRADE-1/deliver", "investor1", map[string]any{"terms": terms, "hold": true})
	e.org3.must(200, "POST", "/v1/settlements/UI-TRADE-1/receive", "investor1", map[string]any{"terms": terms, "hold": true})
	var before struct{ Units int64 }
	e.org3.must(200, "GET", "/v1/tranches/"+e.tranche("A")+"/holders/"+e.bob, "investor1", nil).decode(t, &before)

	// The auditor sees the trade but no action, and is refused if it forces one.
	ctx := c.as(e.org3, "auditor")
	consoletest.Open(t, ctx, e.org3.base, "#/blotter", "blotter")
	if rows := consoletest.Texts(t, ctx, "#blotter tbody tr"); !slices.ContainsFunc(rows, func(r string) bool { return strings.Contains(r, "UI-TRADE-1") }) {
		t.Errorf("auditor's blotter %q", rows)
	}
	if btns := consoletest.Texts(t, ctx, "#blotter button"); len(btns) != 0 {
		t.Errorf("an auditor sees %q", btns)
	}
	if s := consoletest.Fetch(t, ctx, "POST", "/v1/settlements/UI-TRADE-1/settle", "{}"); s != http.StatusForbidden {
		t.Errorf("auditor forcing settle: %d, want 403", s)
	}

	ctx = c.as(e.org3, "investor1")
	consoletest.Open(t, ctx, e.org3.base, "#/blotter", "blotter")
	consoletest.Run(t, ctx, "filter matched", chromedp.SetValue("#filter-status", "matched", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("filter-status").dispatchEvent(new Event("change"))`, nil),
		chromedp.WaitVisible(`button[data-action="settle"][data-ref="UI-TRADE-1"]`, chromedp.ByQuery))
	consoletest.Screenshot(t, ctx, c.shots, "blotter")
	var msg string
	consoletest.Run(t, ctx, "settle", chromedp.Click(`button[data-action="settle"][data-ref="UI-TRADE-1"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#blotter-message .success", chromedp.ByQuery), chromedp.Text("#blotter-message", &msg, chromedp.ByQuery))
	if !strings.Contains(msg, "UI-TRADE-1 is settled") {
		t.Errorf("settle message %q", msg)
	}
	var rec struct{ Status string }
	e.org1.must(200, "GET", "/v1/settlements/UI-TRADE-1", "auditor", nil).decode(t, &rec)
	var after struct{ Units int64 }
	e.org3.must(200, "GET", "/v1/tranches/"+e.tranche("A")+"/holders/"+e.bob, "investor1", nil).decode(t, &after)
	if rec.Status != "settled" || after.Units != before.Units+25 {
		t.Errorf("on the ledger: settlement %s, bob's units %d → %d (want +25)", rec.Status, before.Units, after.Units)
	}
}

func (c *consoleRun) claim() {
	t, e := c.t, c.e
	type accrual struct{ Claimable money.Amount }
	// A movement of units pays the accrued distribution (the trade on A
	// did), so take a class bob has not traded.
	var acc accrual
	var tranche string
	for _, class := range []string{"B", "C", "R", "A"} {
		e.org3.must(200, "GET", "/v1/tranches/"+e.tranche(class)+"/holders/"+e.bob+"/accrual", "investor1", nil).decode(t, &acc)
		if acc.Claimable > 0 {
			tranche = e.tranche(class)
			break
		}
	}
	if tranche == "" {
		t.Fatalf("nothing accrued to bob on any class after the certification")
	}
	var cashBefore struct{ Balance money.Amount }
	e.org3.must(200, "GET", "/v1/cash/balances/"+e.bob, "investor1", nil).decode(t, &cashBefore)
	// The read model has bob's position once Org3's listener applied the
	// certification and the settlement.
	ctx := c.as(e.org3, "investor1")
	waitFor(t, 30*time.Second, "bob's claim button", func() bool {
		consoletest.Open(t, ctx, e.org3.base, "#/investor", "investor")
		return len(consoletest.Texts(t, ctx, `button[data-action="claim"][data-tranche="`+tranche+`"]`)) == 1
	})
	consoletest.Screenshot(t, ctx, c.shots, "investor")
	var msg string
	consoletest.Run(t, ctx, "claim", chromedp.Click(`button[data-action="claim"][data-tranche="`+tranche+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#claim-message .success", chromedp.ByQuery), chromedp.Text("#claim-message", &msg, chromedp.ByQuery))
	if !strings.Contains(msg, "Claimed "+fmtMoney(acc.Claimable)) {
		t.Errorf("claim message %q, want %s claimed", msg, acc.Claimable)
	}
	var cashAfter struct{ Balance money.Amount }
	e.org3.must(200, "GET", "/v1/cash/balances/"+e.bob, "investor1", nil).decode(t, &cashAfter)
	e.org3.must(200, "GET", "/v1/tranches/"+tranche+"/holders/"+e.bob+"/accrual", "investor1", nil).decode(t, &acc)
	if acc.Claimable != 0 || cashAfter.Balance <= cashBefore.Balance {
		t.Errorf("on the ledger after the claim: claimable %s, cash %s → %s", acc.Claimable, cashBefore.Balance, cashAfter.Balance)
	}
	// Org3's auditor may not claim: no button, 403 if forced.
	actx := c.as(e.org3, "auditor")
	consoletest.Open(t, actx, e.org3.base, "#/investor/"+e.bob, "investor")
	if got := consoletest.Texts(t, actx, `button[data-action="claim"]`); len(got) != 0 {
		t.Errorf("an auditor sees claim buttons")
	}
	if s := consoletest.Fetch(t, actx, "POST", "/v1/tranches/"+tranche+"/claims", ""); s != http.StatusForbidden {
		t.Errorf("auditor forcing a claim: %d, want 403", s)
	}
	// The pre-trade check: carol (Org3 investor2) is attested in a blocked
	// jurisdiction or lapsed by dealAndInvestors, or eligible; whatever the
	// ledger says, the page says the same.
	var verdict string
	consoletest.Run(t, ctx, "dry run", chromedp.SendKeys("#dry-tranche", tranche, chromedp.ByID),
		chromedp.SendKeys("#dry-to", e.carol, chromedp.ByID), chromedp.Click("#dry-submit", chromedp.ByID),
		chromedp.WaitVisible("#dry-verdict", chromedp.ByID), chromedp.Text("#dry-verdict", &verdict, chromedp.ByID))
	var dry struct {
		Allowed bool
		Code    string
		Rule    int
	}
	e.org3.must(200, "POST", "/v1/tranches/"+tranche+"/transfers/dry-run", "investor1", map[string]any{"to": e.carol, "units": 1}).decode(t, &dry)
	if dry.Allowed != strings.HasPrefix(verdict, "Allowed") || !dry.Allowed && !strings.Contains(verdict, fmt.Sprintf("rule %d: %s", dry.Rule, dry.Code)) {
		t.Errorf("dry run shown %q, ledger %+v", verdict, dry)
	}
}

func fmtMoney(a money.Amount) string {
	s := a.String()
	whole, frac, _ := strings.Cut(s, ".")
	var out []string
	for len(whole) > 3 {
		out = append([]string{whole[len(whole)-3:]}, out...)
		whole = whole[:len(whole)-3]
	}
	return strings.Join(append([]string{whole}, out...), ",") + "." + frac
}

// walk signs in once per role at each bank (the first user holding it)
// and opens every page; one screenshot per page.
func (c *consoleRun) walk(banks []*bank) {
	t, e := c.t, c.e
	pages := []struct{ hash, page, must string }{
		{"#/deals", "deals", "#deals-table"}, {"#/deal/" + e.deal, "deal", "#tranche-table"}, {"#/servicer", "servicer", "h1"},
		{"#/blotter", "blotter", "#blotter"}, {"#/investor", "investor", "h1"}, {"#/compliance", "compliance", "#calendar"},
		{"#/events", "events", "#events-table tbody tr"},
	}
	// Each role once, at the first bank (investor bank first) whose users hold it.
	type login struct {
		b          *bank
		user, role string
	}
	var logins []login
	seen := map[string]bool{}
	for _, b := range []*bank{e.org3, e.org2, e.org1} {
		users := make([]string, 0, len(b.roles))
		for u := range b.roles {
			users = append(users, u)
		}
		sort.Strings(users)
		for _, u := range users {
			for _, r := range b.roles[u] {
				if !seen[r] {
					seen[r] = true
					logins = append(logins, login{b, u, r})
				}
			}
		}
	}
	shot := map[string]bool{}
	for _, l := range logins {
		b, user, role := l.b, l.user, l.role
		ctx := c.as(b, user)
		for _, p := range pages {
			consoletest.Open(t, ctx, b.base, p.hash, p.page)
			consoletest.Run(t, ctx, fmt.Sprintf("%s %s %s", b.msp, user, p.hash), chromedp.WaitVisible(p.must, chromedp.ByQuery))
			if problems := consoletest.Texts(t, ctx, "main .problem"); len(problems) > 0 {
				t.Errorf("%s as %s (%s): %s shows %q", b.msp, user, role, p.hash, problems)
			}
			// The upload form exists only for the servicer.
			if p.page == "servicer" {
				if has := len(consoletest.Texts(t, ctx, "#upload-submit")) == 1; has != slices.Contains(b.roles[user], "servicer") {
					t.Errorf("%s %s: upload button %v", b.msp, user, has)
				}
			}
			if !shot[p.page] {
				shot[p.page] = true
				consoletest.Screenshot(t, ctx, c.shots, "page-"+p.page)
			}
		}
	}
	t.Logf("%d roles walked %d pages each", len(logins), len(pages))
}

// streamFirstEvent reads the first event of the live tail
// (GET /v1/events/stream) and records the operation as used.
func streamFirstEvent(t *testing.T, b *bank, user string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", b.base+"/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+b.tokens[user])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("event stream: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("event stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: {") {
			b.mu.Lock()
			b.covered["GET /v1/events/stream"] = true
			b.mu.Unlock()
			return
		}
	}
	t.Fatalf("event stream ended without an event: %v", sc.Err())
}
