package tongfa

import (
	"encoding/hex"
	"testing"
	"time"
)

func baseContent() Content {
	ev := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	rp := ev.Add(time.Hour)
	pol := int64(7)
	return Content{
		Title: "关于做好防汛工作的通知", Body: "<p>各单位：</p>", Summary: "防汛", Category: CategoryNotice,
		Kind: KindReprint, Source: &Source{Unit: "省应急管理厅", Author: "张三", Title: "原标题", URL: "https://a.gov.cn/1", ReprintedAt: &rp},
		Importance: ImportanceImportant, Urgency: UrgencyUrgent, EventTime: &ev,
		Exemption: &Exemption{Type: ExemptionDisciplinary, Basis: "《条例》第十条"},
		Targets:   []int64{3, 1, 2}, Cover: "https://a.gov.cn/c.jpg", PolicyItemID: &pol,
	}
}

func TestHashIsStable(t *testing.T) {
	a, b := baseContent(), baseContent()
	b.Targets = []int64{2, 3, 1, 3}                     // order and duplicates do not matter
	ev := b.EventTime.UTC().Add(300 * time.Millisecond) // nor zone or sub-second noise
	b.EventTime = &ev
	if a.Hash() != b.Hash() {
		t.Fatal("equal content hashed differently")
	}
	if a.Hash() != a.Canonical().Hash() {
		t.Fatal("canonical form changes the hash")
	}
}

// TestEveryCoveredFieldChangesTheHash: whatever is published or affects
// sign-off is covered, so a signer's approval can never carry over to a
// changed version.
func TestEveryCoveredFieldChangesTheHash(t *testing.T) {
	base := baseContent().Hash()
	later := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	other := int64(8)
	edits := map[string]func(c *Content){
		"title":               func(c *Content) { c.Title += "！" },
		"body":                func(c *Content) { c.Body = "<p>各单位:</p>" },
		"summary":             func(c *Content) { c.Summary = "" },
		"category":            func(c *Content) { c.Category = CategoryNews },
		"kind":                func(c *Content) { c.Kind = KindOriginal },
		"source.unit":         func(c *Content) { c.Source.Unit = "市应急管理局" },
		"source.author":       func(c *Content) { c.Source.Author = "李四" },
		"source.title":        func(c *Content) { c.Source.Title = "另一标题" },
		"source.url":          func(c *Content) { c.Source.URL = "https://a.gov.cn/2" },
		"source.reprinted_at": func(c *Content) { c.Source.ReprintedAt = &later },
		"importance":          func(c *Content) { c.Importance = ImportanceMajor },
		"urgency":             func(c *Content) { c.Urgency = UrgencyNormal },
		"event_time":          func(c *Content) { c.EventTime = &later },
		"exemption.type":      func(c *Content) { c.Exemption.Type = ExemptionMandatory },
		"exemption.basis":     func(c *Content) { c.Exemption.Basis = "另一依据" },
		"exemption removed":   func(c *Content) { c.Exemption = nil },
		"targets":             func(c *Content) { c.Targets = []int64{1, 2} },
		"cover":               func(c *Content) { c.Cover = "" },
		"policy_item_id":      func(c *Content) { c.PolicyItemID = &other },
	}
	for name, edit := range edits {
		c := baseContent()
		edit(&c)
		if c.Hash() == base {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}

func TestTiers(t *testing.T) {
	if MaxTier(TierDeputy, TierRoutine) != TierDeputy || MaxTier(TierRoutine, TierPrincipal) != TierPrincipal {
		t.Fatal("MaxTier")
	}
	if len(TierPrincipal.Chain()) != 3 || TierPrincipal.Chain()[2] != RolePrincipal || len(TierRoutine.Chain()) != 1 {
		t.Fatal("chains")
	}
}

// TestHashGolden pins the encoding: if this fails, every stored version
// hash and every signature bound to one would stop matching. Change the
// encoding only with a new prefix (tongfa.content.v2) and a migration.
func TestHashGolden(t *testing.T) {
	if got := baseContent().Hash(); got != "f610b02c131b7ae8e6fb67222b4adb6ebcf016429050af616819adf23ec18e5c" {
		t.Fatalf("content hash encoding changed: %s", got)
	}
}

// TestHashUnderSM3: the national suite hashes versions with SM3 over the
// same encoding (GB/T 32905's test vector checks the function itself).
func TestHashUnderSM3(t *testing.T) {
	sm := ContentHashFor("sm")
	d := sm()
	d.Write([]byte("abc"))
	if got := hex.EncodeToString(d.Sum(nil)); got != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" {
		t.Fatalf("SM3(abc) = %s", got)
	}
	c := baseContent()
	got := c.HashWith(sm)
	if len(got) != 64 || got == c.Hash() || got != c.HashWith(sm) {
		t.Fatalf("SM3 version hash %s (SHA-256 %s)", got, c.Hash())
	}
	if c.HashWith(ContentHashFor("std")) != c.Hash() {
		t.Fatal("the standard suite's version hash is not SHA-256")
	}
}
