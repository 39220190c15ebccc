package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/tranchenet/tranchenet/network/consortium"
)

// What `network.sh gateways` leaves in each bank's folder of the run
// folder: orgs/<MSP>/gateway/tokens.json, the output of `tnctl gateway-config`,
// listing where the app listens and every API user with its roles,
// Fabric identity and bearer token. The demo learns the banks, their
// URLs and who may do what from these files alone: no org name or role
// assignment is written into it.

// tokenFile is orgs/<MSP>/gateway/tokens.json.
type tokenFile struct {
	Config string     `json:"config"`
	Listen string     `json:"listen"`
	Tokens []apiToken `json:"tokens"`
}

// apiToken is one API user of a bank's gateway app.
type apiToken struct {
	User     string   `json:"user"`
	Roles    []string `json:"roles"`
	Identity string   `json:"identity"`
	Token    string   `json:"token"`
}

// bankConfig is one bank's gateway app as the run folder describes it.
type bankConfig struct {
	MSP   string
	URL   string // http://127.0.0.1:8081
	Users []apiToken
	Log   string // the app's log file
}

// tokensFile is where a bank's gateway app's tokens are (msp may be a
// glob pattern).
func tokensFile(runDir, msp string) string {
	return filepath.Join(consortium.RunFolder(runDir).Gateway(msp), "tokens.json")
}

// loadBanks reads every bank's tokens.json under runDir, in MSP order.
func loadBanks(runDir string) ([]bankConfig, error) {
	pattern := tokensFile(runDir, "*")
	files, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no gateway app tokens at %s: start the apps with test-network/network.sh gateways", pattern)
	}
	sort.Strings(files)
	var banks []bankConfig
	for _, f := range files {
		b, err := readBank(f)
		if err != nil {
			return nil, err
		}
		b.Log = filepath.Join(runDir, "logs", "gateway-"+b.MSP+".log")
		banks = append(banks, b)
	}
	return banks, nil
}

func readBank(path string) (bankConfig, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return bankConfig{}, err
	}
	var tf tokenFile
	if err := json.Unmarshal(raw, &tf); err != nil {
		return bankConfig{}, fmt.Errorf("%s: %v", path, err)
	}
	msp := filepath.Base(filepath.Dir(filepath.Dir(path))) // orgs/<MSP>/gateway/tokens.json
	switch {
	case tf.Listen == "":
		return bankConfig{}, fmt.Errorf("%s: no listen address", path)
	case len(tf.Tokens) == 0:
		return bankConfig{}, fmt.Errorf("%s: no API users", path)
	}
	for i, t := range tf.Tokens {
		if t.User == "" || t.Token == "" || len(t.Roles) == 0 {
			return bankConfig{}, fmt.Errorf("%s: tokens[%d]: want user, roles and token", path, i)
		}
	}
	return bankConfig{MSP: msp, URL: "http://" + tf.Listen, Users: tf.Tokens}, nil
}

// userWith returns the first API user holding role.
func (b bankConfig) userWith(role string) (apiToken, bool) {
	for _, u := range b.Users {
		if slices.Contains(u.Roles, role) {
			return u, true
		}
	}
	return apiToken{}, false
}

// usersWith returns every API user holding role, in file order.
func (b bankConfig) usersWith(role string) []apiToken {
	var out []apiToken
	for _, u := range b.Users {
		if slices.Contains(u.Roles, role) {
			out = append(out, u)
		}
	}
	return out
}

// consortiumParts are the banks by the part they play in the deal, found
// by the roles their API users hold.
type consortiumParts struct {
	trustee  bankConfig // trustee, arranger and settlement agent
	servicer bankConfig // originator and servicer, with investor clients
	investor bankConfig // an investor bank
}

// assignParts finds the trustee bank (it has trustee, arranger and
// settlement users), the servicer bank, and an investor bank that is
// neither.
func assignParts(banks []bankConfig) (consortiumParts, error) {
	var p consortiumParts
	for _, b := range banks {
		if _, ok := b.userWith("admin"); !ok {
			return p, fmt.Errorf("%s has no admin API user: its admin grants its users' roles", b.MSP)
		}
	}
	find := func(what string, ok func(bankConfig) bool) (bankConfig, error) {
		for _, b := range banks {
			if ok(b) {
				return b, nil
			}
		}
		msps := make([]string, len(banks))
		for i, b := range banks {
			msps[i] = b.MSP
		}
		return bankConfig{}, fmt.Errorf("no bank among %v is %s", msps, what)
	}
	has := func(b bankConfig, roles ...string) bool {
		for _, r := range roles {
			if _, ok := b.userWith(r); !ok {
				return false
			}
		}
		return true
	}
	var err error
	if p.trustee, err = find("a trustee bank (users with roles trustee, arranger and settlement)", func(b bankConfig) bool {
		return has(b, "trustee", "arranger", "settlement", "compliance")
	}); err != nil {
		return p, err
	}
	if p.servicer, err = find("a servicer bank (users with roles servicer, compliance and investor)", func(b bankConfig) bool {
		return b.MSP != p.trustee.MSP && has(b, "servicer", "compliance", "investor")
	}); err != nil {
		return p, err
	}
	if p.investor, err = find("an investor bank (users with roles compliance and investor)", func(b bankConfig) bool {
		return b.MSP != p.trustee.MSP && b.MSP != p.servicer.MSP && has(b, "compliance", "investor")
	}); err != nil {
		return p, err
	}
	// The story's investors are onboarded at the servicer and investor
	// banks' CAs by their compliance officers (investors.go): no
	// configured investor user is needed.
	return p, nil
}
