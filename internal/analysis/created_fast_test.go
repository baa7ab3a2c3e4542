package analysis

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// scanCreated reads exactly what encoding/json reads whenever it accepts
// an input, and the store's own objects are all it needs to accept.
func TestScanCreatedAgreesWithEncodingJSON(t *testing.T) {
	store := `{"close_date":"2027-01-23","currency":"USD","owner_id":"01a21b4b-58bc-7dd5-b4a7-a25e05995d63","probability":"10",` +
		`"stage":"lead","stage_entered_at":"2026-11-04T21:59:16Z","status":"open","title":"Ironclad Security — Pilot","value":"240000"}`
	inputs := []string{
		store,
		`{"stage":"lead","value":240000}`,
		`{"stage":"lead","value":-0}`,
		`{"value":"1.5"}`, `{"value":1.5}`, `{"value":"+5"}`, `{"value":"007"}`, `{"value":""}`, `{"value":1e3}`,
		`{"value":"99999999999999999999"}`, `{"value":99999999999999999999}`,
		`{"value":"1","value":null}`, `{"value":null}`, `{"stage":null,"stage":"won"}`,
		`{"Stage":"lead"}`, `{"STATUS":"won","status":"open"}`, `{"stage":"le\"ad"}`, `{"st\u0061ge":"lead"}`,
		`{"stage":1}`, `{"stage":true}`, `{"title":true,"other":false,"x":null,"n":-12}`,
		`{"stage":{"a":1}}`, `{"other":[1,2]}`, `{"stage":"lead",}`, `{"stage":"lead"} x`, `{}`, ` { } `, `[]`, `""`,
		`null`, `{"stage":"lead"`, `{"stage" "lead"}`, "{\"stage\":\"a\x01\"}", "{\"title\":\"\xff\",\"stage\":\"lead\"}",
		"{\"stage\":\"\xff\"}", "{\n\t\"stage\" : \"lead\" ,\r\n\"value\":\"3\"}", `{"stage_entered_at":"2026-11-04T21:59:16.5+02:00"}`,
		`{"value":01}`, `{"value":-}`, `{"value":"-"}`, `{"a":"\\"}`, `{"ſtage":"lead"}`,
	}
	// Mutations of the store's object: every byte deleted, and random bytes
	// replaced with JSON's syntax characters.
	for i := range len(store) {
		inputs = append(inputs, store[:i]+store[i+1:])
	}
	rng := rand.New(rand.NewPCG(9, 9))
	alphabet := `{}[]:,"\ 0123456789-.eEtrufalsn` + "\x00\xff"
	for range 5000 {
		b := []byte(store)
		for range 1 + rng.IntN(3) {
			b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	accepted := 0
	for _, in := range inputs {
		fast, ok := scanCreated(in)
		slow, slowOK := decodeCreated(in)
		if !ok {
			continue
		}
		accepted++
		if !slowOK || fast != slow {
			t.Fatalf("%q: scanCreated %+v, encoding/json %+v (ok %v)", in, fast, slow, slowOK)
		}
	}
	if _, ok := scanCreated(store); !ok || accepted < 100 {
		t.Fatalf("the fast path accepted %d inputs, the store's object: %v", accepted, ok)
	}
	if strings.Contains(store, `\`) {
		t.Fatal("the store's sample must not need the fallback")
	}
}
