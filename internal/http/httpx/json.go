package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// MaxBody is the largest request body accepted (1 MiB).
const MaxBody = 1 << 20

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, status, v)
}

func writeBody(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming error (an unsupported type) gets here.
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// IsJSON reports whether a Content-Type header names JSON.
func IsJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// HasBody reports whether a request carries a body.
func HasBody(r *http.Request) bool {
	return r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody)
}

// Decode reads a JSON object from the request body into dst: the body must
// be application/json, at most MaxBody bytes, one object, with no fields dst
// does not know. Every failure is a domain error naming the field when one
// can be named.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if !HasBody(r) {
		return FieldErr("body", "is required: send a JSON object")
	}
	if !IsJSON(r.Header.Get("Content-Type")) {
		return Errorf(KindUnsupportedMedia, "send the request body as application/json")
	}
	if r.ContentLength > MaxBody {
		return Errorf(KindTooLarge, "the request body is larger than %d bytes", MaxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return Errorf(KindTooLarge, "the request body is larger than %d bytes", MaxBody)
		}
		return FieldErr("body", "could not be read")
	}
	return DecodeBytes(body, dst)
}

// DecodeBytes is Decode's parsing half, for bodies already read.
func DecodeBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return FieldErr("body", "is required: send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return decodeErr(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return FieldErr("body", "must hold exactly one JSON object")
	}
	return nil
}

var (
	unknownField = regexp.MustCompile(`^json: unknown field "(.*)"$`)
	lastKey      = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"\s*:\s*$`)
)

func decodeErr(body []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return FieldErr("body", "must be a JSON object")
		}
		return FieldErr(field, typeMessage(typ.Type))
	case errors.As(err, &syn):
		// Name the field whose value broke the syntax (NaN, a bare word)
		// when the text before the error ends in `"field":`.
		if m := lastKey.FindSubmatch(body[:min(int(syn.Offset)-1, len(body))]); m != nil && syn.Offset > 0 {
			return FieldErr(string(m[1]), "is not a valid JSON value: "+syn.Error())
		}
		return FieldErr("body", "is not valid JSON: "+syn.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return FieldErr("body", "is not valid JSON: it ends too early")
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return FieldErr(m[1], "is not a field of this request")
	}
	return FieldErr("body", "is not a valid request: "+err.Error())
}

var (
	numberType = reflect.TypeFor[json.Number]()
	dateType   = reflect.TypeFor[domain.Date]()
	timeType   = reflect.TypeFor[time.Time]()
)

// typeMessage says in words what a field of type t must look like.
func typeMessage(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return "has the wrong type"
	case t == numberType:
		return "must be a number"
	case t == dateType:
		return "must be a date as YYYY-MM-DD"
	case t == timeType:
		return "must be an RFC 3339 time such as 2026-01-31T09:30:00Z"
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be a whole number"
	case reflect.Float32, reflect.Float64:
		return "must be a number"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Slice, reflect.Array:
		return "must be a list"
	case reflect.Struct, reflect.Map:
		return "must be an object"
	}
	return "has the wrong type"
}

// Optional is a request field that may be absent, null or a value, so a
// PATCH can tell "leave it" (absent) from "clear it" (null).
type Optional[T any] struct {
	Set   bool // the field was in the body
	Null  bool // it was null
	Value T
}

// UnmarshalJSON records presence; a value of the wrong shape becomes a type
// error the decoder attributes to this field.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	if err := json.Unmarshal(b, &o.Value); err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeFor[T]()}
	}
	return nil
}

// MarshalJSON writes null or the value.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if !o.Set || o.Null {
		return []byte("null"), nil
	}
	return json.Marshal(o.Value)
}

// IsZero reports absence, for `omitzero`.
func (o Optional[T]) IsZero() bool { return !o.Set }

// Ptr returns the value, or nil when absent or null.
func (o Optional[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}

// Some returns a set Optional holding v.
func Some[T any](v T) Optional[T] { return Optional[T]{Set: true, Value: v} }

// String renders the optional for debugging.
func (o Optional[T]) String() string {
	switch {
	case !o.Set:
		return "<absent>"
	case o.Null:
		return "null"
	}
	return fmt.Sprint(o.Value)
}
