package config_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/internal/config"
)

// moduleRoot walks up from the package directory to go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

var envName = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// envReads finds the environment variables the module's non-test Go code
// reads by name: string literals passed to any Getenv or LookupEnv
// (os.Getenv, Env.Getenv, a getenv func), and, inside internal/config,
// every variable-shaped literal passed to a call (get, intVar, durVar…).
func envReads(t *testing.T, root string) map[string][]string {
	t.Helper()
	found := map[string][]string{} // name -> files
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil // another engineer's file mid-edit; the build catches it
		}
		rel, _ := filepath.Rel(root, path)
		inConfig := filepath.Dir(rel) == filepath.Join("internal", "config")
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			}
			reader := strings.EqualFold(fn, "getenv") || fn == "LookupEnv"
			if !reader && !inConfig {
				return true
			}
			for _, a := range call.Args {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				s, err := strconv.Unquote(lit.Value)
				if err == nil && envName.MatchString(s) && (reader || strings.Contains(s, "_") || s == "PORT") {
					found[s] = append(found[s], rel)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestConfigurationDocumented fails when the code reads an environment
// variable docs/configuration.md does not document, or the document lists
// one nothing reads.
func TestConfigurationDocumented(t *testing.T) {
	root := moduleRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	reads := envReads(t, root)
	for _, v := range config.Vars {
		reads[v] = append(reads[v], "internal/config (config.Vars)")
	}
	for name, where := range reads {
		if !strings.Contains(text, "`"+name+"`") {
			t.Errorf("%s is read by %s but docs/configuration.md does not document it (as `%s`)", name, strings.Join(slices.Compact(where), ", "), name)
		}
	}
	// The variables of config.Vars are read leniently by literal; the
	// scan must see each of them, or config.Vars has one too many.
	for _, v := range config.Vars {
		if len(reads[v]) < 2 {
			t.Errorf("config.Vars lists %s but internal/config never reads it", v)
		}
	}
	// Every variable the document's tables list is one the code reads.
	row := regexp.MustCompile("(?m)^\\|\\s*`([A-Z][A-Z0-9_]+)`\\s*\\|")
	for _, m := range row.FindAllStringSubmatch(text, -1) {
		if _, ok := reads[m[1]]; !ok {
			t.Errorf("docs/configuration.md documents %s, which nothing reads: remove it or mark it as read elsewhere", m[1])
		}
	}
}

// TestConfigVarsComplete: every variable-shaped literal internal/config
// passes to a call is in config.Vars (the list String, preflight and the
// documentation test rely on).
func TestConfigVarsComplete(t *testing.T) {
	reads := envReads(t, moduleRoot(t))
	for name, where := range reads {
		for _, w := range where {
			if strings.HasPrefix(w, filepath.Join("internal", "config")) && !slices.Contains(config.Vars, name) {
				t.Errorf("internal/config reads %s but config.Vars lacks it", name)
			}
		}
	}
}
