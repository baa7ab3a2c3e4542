package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
)

// The OpenAPI 3.1 document is generated from the route table and the Go
// types of request and response bodies, so it cannot drift from what is
// served; the test in openapi_test.go walks the router to prove every
// registered route is in it.

func (a *API) docRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/openapi.json", tag: "meta", access: anyone, handle: a.openAPI,
			summary: "This API's OpenAPI 3.1 document", reply: map[string]any{}, status: http.StatusOK},
	}
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	b, err := a.doc()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b)
}

// OpenAPI builds the document.
func (a *API) OpenAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range a.routes {
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = g.operation(rt)
	}
	g.schema(reflect.TypeFor[httpx.Problem]())
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "VectorOS API", "version": "1",
			"description": "Workspaces, deals, activities and the monitor's insights. Authenticate with the session " +
				"cookie (sign in through /auth/login) or, on a workspace's routes, with `Authorization: Bearer vos_…`. " +
				"Errors are application/problem+json with per-field `errors`. Money is a decimal number in major units " +
				"of the workspace's currency; times are RFC 3339 in UTC."},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "vectoros_session"},
				"apiKey":  map[string]any{"type": "http", "scheme": "bearer", "description": "vos_… keys, on their workspace's routes only"},
			},
		},
	}
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func (g *schemaGen) operation(rt route) map[string]any {
	op := map[string]any{"operationId": handlerName(rt.handle), "summary": rt.summary, "tags": []string{rt.tag}}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		desc := "id"
		if m[1] == "ws" {
			desc = "workspace id"
		}
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "description": desc,
			"schema": map[string]any{"type": "string"}})
	}
	for _, q := range rt.query {
		s := map[string]any{"type": "string"}
		if q.name == "limit" {
			s = map[string]any{"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
		}
		if len(q.enum) > 0 {
			s["enum"] = q.enum
		}
		params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.desc, "schema": s})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.body))}}}
	}
	ok := map[string]any{"description": http.StatusText(rt.status)}
	if rt.reply != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.reply))}}
	}
	op["responses"] = map[string]any{
		itoa(rt.status): ok,
		"default": map[string]any{"description": "an error (400 invalid fields, 401, 403, 404, 409, 413, 415, 429 with Retry-After)",
			"content": map[string]any{httpx.ProblemContentType: map[string]any{"schema": ref("Problem")}}},
	}
	switch rt.access.kind {
	case public:
		op["security"] = []any{}
	case signedIn:
		op["security"] = []any{map[string]any{"session": []string{}}}
	case inWorkspace:
		op["security"] = []any{map[string]any{"session": []string{}}, map[string]any{"apiKey": []string{}}}
		op["x-min-role"] = rt.access.role
	}
	return op
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// handlerName is the handler method's name ("listDeals"), a stable
// operationId.
func handlerName(h http.HandlerFunc) string {
	name := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	name = strings.TrimSuffix(name, "-fm")
	return name[strings.LastIndex(name, ".")+1:]
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// schemaGen turns Go types into JSON Schema (2020-12, as OpenAPI 3.1
// uses), collecting named structs under components.schemas.
type schemaGen struct{ defs map[string]any }

var (
	timeT   = reflect.TypeFor[time.Time]()
	dateT   = reflect.TypeFor[domain.Date]()
	numberT = reflect.TypeFor[json.Number]()
	// enums lists the values of the domain's string types.
	enums = map[reflect.Type][]string{
		reflect.TypeFor[domain.Role]():          {"member", "admin", "owner"},
		reflect.TypeFor[domain.DealStatus]():    {"open", "won", "lost"},
		reflect.TypeFor[domain.StageKind]():     {"open", "won", "lost"},
		reflect.TypeFor[domain.ActivityType]():  {"email", "call", "meeting", "note", "task"},
		reflect.TypeFor[domain.InsightType]():   {"risk", "opportunity"},
		reflect.TypeFor[domain.Priority]():      {"low", "medium", "high", "critical"},
		reflect.TypeFor[domain.InsightStatus](): {"new", "viewed", "actioned", "dismissed", "snoozed", "resolved"},
		reflect.TypeFor[domain.ActionKind](): {"schedule_activity", "update_close_date", "update_probability",
			"contact_buyer", "escalate", "close_deal"},
	}
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	if t.Kind() == reflect.Pointer {
		return orNull(g.schema(t.Elem()))
	}
	if inner, ok := optionalOf(t); ok {
		return orNull(g.schema(inner))
	}
	switch t {
	case timeT:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateT:
		return map[string]any{"type": "string", "format": "date"}
	case numberT:
		return map[string]any{"type": "number"}
	}
	if vals, ok := enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		if _, done := g.defs[name]; !done {
			g.defs[name] = map[string]any{} // breaks cycles
			props, required := map[string]any{}, []string{}
			g.fields(t, props, &required)
			def := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
			if len(required) > 0 {
				slices.Sort(required)
				def["required"] = required
			}
			g.defs[name] = def
		}
		return ref(name)
	}
	return map[string]any{}
}

// fields adds t's JSON fields, flattening embedded structs as encoding/json does.
func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.fields(f.Type, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		_, isOpt := optionalOf(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && !isOpt {
			*required = append(*required, name)
		}
	}
}

// optionalOf recognises httpx.Optional[T] and returns T.
func optionalOf(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t.PkgPath() != reflect.TypeFor[httpx.Problem]().PkgPath() || !strings.HasPrefix(t.Name(), "Optional[") {
		return nil, false
	}
	f, _ := t.FieldByName("Value")
	return f.Type, true
}

// schemaName names a struct; List[api.Deal] becomes DealList.
func schemaName(t reflect.Type) string {
	name := t.Name()
	if base, arg, ok := strings.Cut(name, "["); ok {
		arg = strings.TrimSuffix(arg, "]")
		return arg[strings.LastIndex(arg, ".")+1:] + base
	}
	return name
}

// orNull lets a schema also be null (JSON Schema 2020-12 style).
func orNull(s map[string]any) map[string]any {
	typ, ok := s["type"].(string)
	if !ok {
		return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
	}
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	out["type"] = []string{typ, "null"}
	if enum, ok := s["enum"].([]string); ok {
		vals := make([]any, 0, len(enum)+1)
		for _, v := range enum {
			vals = append(vals, v)
		}
		out["enum"] = append(vals, nil)
	}
	return out
}
