// Package web holds the web UI's html/template files and static assets
// (our own CSS, a little progressive-enhancement JavaScript, the icon),
// embedded in the binary so `vectoros serve` needs no files beside it.
// The handlers that render them are in internal/http/web.
//
// templates/layout.html and templates/partials.html are shared by every
// page; templates/pages/NAME.html defines a page's "title" and "content".
package web

import (
	"embed"
	"io/fs"
)

//go:embed templates static
var files embed.FS

// Templates returns the template tree (layout.html, partials.html, pages/).
func Templates() fs.FS { return sub("templates") }

// Static returns the static assets, served under /static/.
func Static() fs.FS { return sub("static") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the directory is embedded above; this cannot fail
	}
	return f
}
