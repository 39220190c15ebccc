// Package consoletest drives the console in a real browser for tests:
// Debian's headless Chromium through chromedp (the Chrome DevTools
// Protocol in Go, so no Node toolchain), with helpers to sign in, wait for
// a page and save screenshots as test artifacts.
//
// Imports: chromedp and the standard library; only tests import it.
package consoletest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is a headless Chromium (Debian's chromium package) driven by
// chromedp, with a fresh profile; it records every uncaught exception,
// console error and Content-Security-Policy violation the pages raise, so
// a test can fail on them.
type Browser struct {
	t      testing.TB
	alloc  context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	problems []string
}

// ChromiumPath is where Debian's chromium package puts the browser.
const ChromiumPath = "/usr/bin/chromium"

// NewBrowser starts Chromium for the test and stops it when the test ends.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	path := ChromiumPath
	if _, err := os.Stat(path); err != nil {
		if p, lookErr := exec.LookPath("chromium"); lookErr == nil {
			path = p
		} else {
			t.Fatalf("the console's browser tests need Chromium at %s (apt-get install chromium; .ci/run installs it): %v", ChromiumPath, err)
		}
	}
	// The profile is not t.TempDir: Chromium's helper processes may still
	// be writing to it for a moment after the browser exits, which would
	// fail the test in TempDir's cleanup; removeProfile waits for them.
	profile, err := os.MkdirTemp("", "tranchenet-chromium-")
	if err != nil {
		t.Fatalf("chromium profile: %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile), chromedp.WindowSize(1400, 1000),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The first context starts the browser; tabs are opened in it, and
	// cancelling it stops the browser process.
	root, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Run(root); err != nil {
		cancel()
		cancelAlloc()
		removeProfile(t, profile)
		t.Fatalf("start chromium: %v", err)
	}
	b := &Browser{t: t, alloc: root, cancel: func() { cancel(); cancelAlloc(); removeProfile(t, profile) }}
	t.Cleanup(b.cancel)
	return b
}

// removeProfile removes the browser's profile, retrying for a few seconds
// while helper processes that outlive the browser finish writing.
func removeProfile(t testing.TB, dir string) {
	var err error
	for range 50 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("chromium profile %s left behind: %v", dir, err)
}

// Tab opens a new tab; its context ends with the test.
func (b *Browser) Tab(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.alloc)
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.record("exception: " + e.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError && !strings.Contains(e.Entry.Text, "status of 4") {
				// 4xx answers are expected (a refusal the page shows);
				// anything else, a CSP violation included, is not.
				b.record(fmt.Sprintf("console %s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError {
				b.record("console.error")
			}
		}
	})
	if err := chromedp.Run(ctx, log.Enable(), runtime.Enable(), page.Enable()); err != nil {
		t.Fatalf("start a browser tab: %v", err)
	}
	t.Cleanup(cancel)
	return ctx
}

func (b *Browser) record(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, s)
}

// Problems returns what the pages raised so far and forgets it.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.problems
	b.problems = nil
	return out
}

// Run runs the actions within 30 seconds, failing the test with what
// failed and the page's text.
func Run(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	RunWithin(t, ctx, 30*time.Second, what, actions...)
}

// RunWithin is Run with another deadline (an upload of many chunks).
func RunWithin(t testing.TB, ctx context.Context, d time.Duration, what string, actions ...chromedp.Action) {
	t.Helper()
	timed, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Run(timed, actions...); err != nil {
		var body string
		read, cancelRead := context.WithTimeout(ctx, 5*time.Second)
		defer cancelRead()
		_ = chromedp.Run(read, chromedp.Evaluate(`document.querySelector("main").innerText`, &body))
		t.Fatalf("%s: %v\npage: %s", what, err, body)
	}
}

// SignIn opens the console at base, signs in with the token and waits for
// the first page.
func SignIn(t testing.TB, ctx context.Context, base, token string) {
	t.Helper()
	Run(t, ctx, "sign in",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#token", chromedp.ByID),
		chromedp.SendKeys("#token", token, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible("#whoami", chromedp.ByID),
	)
}

// Open goes to a console page (a hash route such as "#/blotter") and
// waits until it has rendered.
func Open(t testing.TB, ctx context.Context, base, hash, page string) {
	t.Helper()
	var url string
	Run(t, ctx, "where", chromedp.Location(&url))
	if !strings.HasPrefix(url, base+"/") {
		Run(t, ctx, "navigate", chromedp.Navigate(base+"/"+hash))
	} else {
		// Same document: change the hash (a navigation would wait for a
		// load that never comes), or route again if it is already there.
		Run(t, ctx, "route to "+hash, chromedp.Evaluate(`document.querySelector("main").removeAttribute("data-page");
			if (location.hash === `+jsString(hash)+`) window.dispatchEvent(new HashChangeEvent("hashchange")); else location.hash = `+jsString(hash)+`;`, nil))
	}
	Run(t, ctx, "open "+hash, chromedp.WaitVisible(`main[data-page="`+page+`"]`, chromedp.ByQuery))
}

// Texts returns the text of every element the selector matches.
func Texts(t testing.TB, ctx context.Context, selector string) []string {
	t.Helper()
	var out []string
	Run(t, ctx, "read "+selector, chromedp.Evaluate(
		`Array.from(document.querySelectorAll(`+jsString(selector)+`)).map((e) => e.textContent.trim())`, &out))
	return out
}

// Fetch calls the API from the page with the signed-in token, as a user
// forcing a call the console does not offer, and returns the status.
func Fetch(t testing.TB, ctx context.Context, method, path, body string) int {
	t.Helper()
	var status int
	js := fmt.Sprintf(`fetch(%s, {method: %s, headers: {"Authorization": "Bearer " + sessionStorage.getItem("tranchenet.token"), "Content-Type": "application/json"}, body: %s}).then((r) => r.status)`,
		jsString(path), jsString(method), map[bool]string{true: "undefined", false: jsString(body)}[body == ""])
	Run(t, ctx, method+" "+path, chromedp.Evaluate(js, &status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	return status
}

// Screenshot saves the whole page as a PNG in dir and returns its path.
func Screenshot(t testing.TB, ctx context.Context, dir, name string) string {
	t.Helper()
	var png []byte
	Run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ArtifactsDir is $TRANCHENET_ARTIFACTS/<sub> if set, else a directory
// kept under the test's temporary directory; it says where in the log.
func ArtifactsDir(t testing.TB, sub string) string {
	t.Helper()
	dir := t.TempDir()
	if root := os.Getenv("TRANCHENET_ARTIFACTS"); root != "" {
		dir = filepath.Join(root, sub)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("console screenshots: %s", dir)
	return dir
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
