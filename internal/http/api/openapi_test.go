package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// apiRoutes walks the server's router (not the API's table) and returns
// every "METHOD /path" under /api/v1, paths relative to it.
func apiRoutes(t *testing.T, e *env) []string {
	t.Helper()
	var out []string
	err := chi.Walk(e.srv.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if rel, ok := strings.CutPrefix(route, "/api/v1"); ok {
			out = append(out, method+" "+strings.TrimSuffix(rel, "/"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 30 {
		t.Fatalf("walked only %d API routes: %v", len(out), out)
	}
	return out
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		e := newEnv(t, s, clock, server.Deps{})
		doc, err := e.client().OpenAPI(ctx)
		ok(t, err)
		if doc["openapi"] != "3.1.0" {
			t.Fatalf("openapi version %v", doc["openapi"])
		}
		paths := doc["paths"].(map[string]any)
		registered := map[string]bool{}
		for _, r := range apiRoutes(t, e) {
			registered[r] = true
			method, path, _ := strings.Cut(r, " ")
			ops, _ := paths[path].(map[string]any)
			if _, ok := ops[strings.ToLower(method)]; !ok {
				t.Errorf("route %s is registered but missing from openapi.json", r)
			}
		}
		ids := map[string]bool{}
		for path, ops := range paths {
			for method, op := range ops.(map[string]any) {
				if !registered[strings.ToUpper(method)+" "+path] {
					t.Errorf("openapi.json documents %s %s, which is not registered", method, path)
				}
				id := op.(map[string]any)["operationId"].(string)
				if ids[id] || id == "" || strings.ContainsAny(id, ".()") {
					t.Errorf("operationId %q is empty, odd or repeated", id)
				}
				ids[id] = true
			}
		}
		// Every $ref resolves.
		raw, _ := json.Marshal(doc)
		schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
		for _, part := range strings.Split(string(raw), `"$ref":"#/components/schemas/`)[1:] {
			name, _, _ := strings.Cut(part, `"`)
			if _, ok := schemas[name]; !ok {
				t.Errorf("dangling $ref %s", name)
			}
		}
		// The document is kept as a golden file, so changes to the API
		// surface show up in review.
		resp, err := e.client().Raw(ctx, "GET", "/openapi.json", "", nil, nil)
		ok(t, err)
		var body bytes.Buffer
		_, _ = copyBody(&body, resp)
		golden(t, "openapi.golden.json", body.Bytes())
	})
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./internal/http/api -run %s -update",
			name, t.Name())
	}
}
