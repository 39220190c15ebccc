package config

import (
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// WriteFile writes the configuration as YAML that Load reads back,
// readable by its owner only: it holds token hashes and the paths of
// private keys.
func WriteFile(path string, c Config) error {
	body, err := yaml.Marshal(c)
	if err != nil {
		return err
	}
	header := "# tranchenet gateway-app configuration (see gateway-app/README.md).\n" +
		"# Tokens are stored as SHA-256 only; environment variables TRANCHENET_GATEWAY_* override fields.\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append([]byte(header), body...), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
