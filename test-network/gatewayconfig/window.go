package gatewayconfig

import (
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// SetListener rewrites the gateway configuration at path with the
// listener batch window w (nil: the app's default) and event stream
// (events.stream; "": the app's default). It takes effect when the app
// next starts; benchmarks and tests use it to run the apps with and
// without a window, and on either stream.
func SetListener(path string, w *time.Duration, stream string) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	cfg.Events.BatchWindow = nil
	if w != nil {
		d := config.Duration(*w)
		cfg.Events.BatchWindow = &d
	}
	cfg.Events.Stream = stream
	return config.WriteFile(path, cfg)
}
