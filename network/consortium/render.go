package consortium

import (
	"bytes"
	"embed"
	"text/template"
)

//go:embed templates/*.tmpl
var templates embed.FS

// ConfigTx renders the configtxgen input; its profile is ConsortiumChannel.
func (c *Consortium) ConfigTx() ([]byte, error) { return c.render("configtx.yaml.tmpl") }

// ChannelProfile is the configtx.yaml profile of the application channel.
const ChannelProfile = "ConsortiumChannel"

func (c *Consortium) render(name string) ([]byte, error) {
	t, err := template.ParseFS(templates, "templates/"+name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
