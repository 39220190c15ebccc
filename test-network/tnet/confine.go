package tnet

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// configFile reports whether a file in an org's folder is configuration a
// process reads (node, CA and gateway configs, NodeOU configs, connection
// profiles, the chaincode's connection.json the peers extracted), as
// opposed to keys, certificates and ledger data.
func configFile(name string) bool {
	switch filepath.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// pathPattern finds what looks like a file path in a configuration: an
// absolute path, or a relative one climbing out with "../".
var pathPattern = regexp.MustCompile(`(?:/|\.\./)[A-Za-z0-9._@+/-]*`)

// ForeignPaths checks that every org of the run folder keeps to its own
// folder (orgs/<MSPID>, see consortium.RunFolder): it reads every
// configuration file there and lists each path one names, and each symbolic
// link there, that leads into the run folder but outside that org's folder
// (another org's, or the run folder's shared parts). Paths outside the run
// folder (the Fabric binaries' cache, the repository) are programs, not
// another party's files, and are not listed. An empty answer means no
// process of one org reads anything of another's.
func ForeignPaths(run string) ([]string, error) {
	run, err := filepath.Abs(run)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(run); err == nil {
		run = real
	}
	orgs, err := os.ReadDir(filepath.Join(run, "orgs"))
	if err != nil {
		return nil, fmt.Errorf("run folder %s has no orgs/ folder: %w", run, err)
	}
	var foreign []string
	for _, e := range orgs {
		if !e.IsDir() {
			continue
		}
		own := filepath.Join(run, "orgs", e.Name())
		err := filepath.WalkDir(own, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if target := resolve(path); !within(target, own) && within(target, run) {
					foreign = append(foreign, fmt.Sprintf("%s: symbolic link to %s", rel(run, path), rel(run, target)))
				}
				return nil
			}
			if d.IsDir() || !configFile(d.Name()) {
				return nil
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, p := range pathPattern.FindAllString(string(raw), -1) {
				if !filepath.IsAbs(p) {
					p = filepath.Join(filepath.Dir(path), p)
				}
				if target := resolve(p); !within(target, own) && within(target, run) {
					foreign = append(foreign, fmt.Sprintf("%s: names %s", rel(run, path), rel(run, target)))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(foreign)
	return slices.Compact(foreign), nil
}

// resolve cleans a path and follows its symbolic links as far as they exist.
func resolve(p string) string {
	p = filepath.Clean(p)
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

func rel(run, p string) string {
	if r, err := filepath.Rel(run, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
