package password

import (
	"context"
	"errors"
	"testing"
)

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(Fast, 2)
	hash, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Verify(ctx, hash, "correct horse battery"); err != nil {
		t.Fatalf("verify right password: %v", err)
	}
	if err := h.Verify(ctx, hash, "wrong horse battery"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("verify wrong password: %v, want ErrMismatch", err)
	}
	other, _ := h.Hash(ctx, "correct horse battery")
	if other == hash {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if err := h.Verify(ctx, bad, "x"); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("Verify(%q) = %v, want a malformed-hash error", bad, err)
		}
	}
}
