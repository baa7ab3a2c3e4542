package domain

import "testing"

func TestParseMoney(t *testing.T) {
	cases := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"50000", "USD", 5_000_000, true},
		{"12.34", "USD", 1234, true},
		{"12.345", "USD", 0, false},
		{"1e3", "USD", 100_000, true},
		{"1e13", "USD", 0, false},
		{"1000000000000", "USD", 100_000_000_000_000, true},
		{"-1", "USD", 0, false},
		{"NaN", "USD", 0, false},
		{"1/3", "USD", 0, false},
		{"", "USD", 0, false},
		{"1500", "JPY", 1500, true},
		{"1500.5", "JPY", 0, false},
		{"1.234", "KWD", 1234, true},
		{"1", "XXX", 0, false},
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in, c.cur)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseMoney(%q, %s) = %d, %v; want %d ok=%v", c.in, c.cur, got, err, c.want, c.ok)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   string
		want  string
	}{
		{5_000_000, "USD", "$50,000"}, {125_050, "EUR", "€1,250.50"}, {1500, "JPY", "¥1,500"}, {1234, "KWD", "KWD 1.234"}, {5, "USD", "$0.05"},
	} {
		if got := FormatMoney(c.minor, c.cur); got != c.want {
			t.Errorf("FormatMoney(%d, %s) = %q, want %q", c.minor, c.cur, got, c.want)
		}
	}
}

func TestRoleRules(t *testing.T) {
	cases := []struct {
		actor, from, to Role
		ok              bool
	}{
		{RoleMember, RoleMember, RoleAdmin, false},
		{RoleAdmin, RoleMember, RoleAdmin, true},
		{RoleAdmin, RoleMember, RoleOwner, false},
		{RoleAdmin, RoleOwner, RoleAdmin, false},
		{RoleOwner, RoleAdmin, RoleOwner, true},
	}
	for _, c := range cases {
		if err := CanSetRole(c.actor, c.from, c.to); (err == nil) != c.ok {
			t.Errorf("CanSetRole(%s, %s→%s) = %v, want ok=%v", c.actor, c.from, c.to, err, c.ok)
		}
	}
	if CanRemoveMember(RoleMember, true, RoleOwner) != nil {
		t.Error("a member may leave")
	}
	if CanRemoveMember(RoleMember, false, RoleMember) == nil || CanRemoveMember(RoleAdmin, false, RoleOwner) == nil {
		t.Error("removing others needs admin, removing an owner needs owner")
	}
	if CanRemoveMember(RoleAdmin, false, RoleMember) != nil {
		t.Error("an admin may remove a member")
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil || d.AddDays(1).String() != "2026-03-01" || d.DaysSince(Date{2026, 1, 31}) != 28 {
		t.Fatalf("date arithmetic: %v %v", d, err)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Fatal("Feb 30 accepted")
	}
}
