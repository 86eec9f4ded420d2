package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/editions"
	"github.com/tongfa/tongfa/store"
)

// calendarSetup runs the delivery pipeline with bureau A's WeChat account
// mass-sending as a subscription account, and stores approved items
// scheduled for tomorrow on it: titles[i] at 08:00 + i hours. One more
// item went out today (published). It returns the simulator, the WeChat
// account's id and the scheduled items' ids.
func calendarSetup(t *testing.T, h *harness, titles ...string) (*sim.Server, int64, []int64) {
	t.Helper()
	s := startDelivery(t, h)
	ctx := context.Background()
	var wx int64
	if err := h.db.Pool.QueryRow(ctx, `UPDATE accounts SET settings = settings || '{"wechat_mode":"mass","wechat_type":"subscription"}'::jsonb
		WHERE unit_id = $1 AND platform = 'wechat' RETURNING id`, h.unitA.ID).Scan(&wx); err != nil {
		t.Fatal(err)
	}
	now := h.hub.Now().In(tongfa.China)
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 8, 0, 0, 0, tongfa.China)
	add := func(title string, at time.Time, st tongfa.ItemState) int64 {
		return approvedFor(t, h, wx, title, at, st)
	}
	var ids []int64
	for i, title := range titles {
		ids = append(ids, add(title, tomorrow.Add(time.Duration(i)*time.Hour), tongfa.StateScheduled))
	}
	done := add("今日已发布的工作动态", now.Add(-time.Hour), tongfa.StatePublished)
	if _, err := h.db.Pool.Exec(ctx, `UPDATE deliveries SET state = 'delivered', delivered_at = $2 WHERE item_id = $1`, done, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	return s, wx, ids
}

// TestBrowserCalendarAndEditions: on a phone and a desktop, an editor
// opens the content calendar (week and month) and sees tomorrow's
// scheduled items, the item published today, the mass send left today
// and the days an account would fall short of its weekly updates; moves
// an item from the calendar; follows 编入一期群发 to the edition form and
// assembles two items, the moved one second. The reviewer asks for a
// preview before recording a WeChat ID and is told to record one, records
// it on 个人设置, receives the preview on the simulator (two articles in
// order, not a mass send), confirms the edition and cancels it. axe and
// the overflow check run on every page.
func TestBrowserCalendarAndEditions(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := setupConsole(t)
			titles := []string{"市政府召开第十二次常务会议", "关于做好寒潮防范工作的通知"}
			s, wx, ids := calendarSetup(t, h, titles...)

			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("editor")
			tb.open("/calendar")
			tb.waitFor("today's week", `!!document.querySelector("table.calendar td.today")`)
			page := tb.text(`document.querySelector("main").innerText`)
			for _, want := range []string{"今日已发布的工作动态", "已发布", "今天还可群发 0 次", "将不达标"} {
				if !strings.Contains(page, want) {
					t.Errorf("calendar lacks %q:\n%s", want, page)
				}
			}
			tb.audit("calendar-today-" + sc.name)
			tomorrow := h.hub.Now().In(tongfa.China).AddDate(0, 0, 1).Format(time.DateOnly)
			tb.open("/calendar?date=" + tomorrow)
			tb.waitFor("tomorrow's items", fmt.Sprintf(`document.querySelector("table.calendar").innerText.includes(%q)`, titles[1]))
			if page := tb.text(`document.querySelector("table.calendar").innerText`); !strings.Contains(page, "定时待发") {
				t.Errorf("tomorrow's week: %s", page)
			}
			tb.audit("calendar-week-" + sc.name)
			tb.open("/calendar?view=month&date=" + tomorrow)
			tb.waitFor("the month", fmt.Sprintf(`document.querySelector("table.calendar-month").innerText.includes(%q)`, titles[0]))
			tb.audit("calendar-month-" + sc.name)

			// Move the second item an hour later, from the calendar.
			tb.open(fmt.Sprintf("/calendar?account=%d&date=%s", wx, tomorrow))
			form := fmt.Sprintf(`form[data-api="/api/v1/items/%d/schedule"]`, ids[1])
			it, _ := h.db.Item(context.Background(), ids[1])
			later := it.PublishAt.Add(time.Hour).In(tongfa.China)
			tb.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).closest("details").open = true`, form), nil),
				chromedp.SetValue(form+` input[name="publish_at"]`, later.Format("2006-01-02T15:04"), chromedp.ByQuery),
				chromedp.SetValue(form+` input[name="reason"]`, "与常务会议错开", chromedp.ByQuery))
			tb.audit("calendar-move-" + sc.name)
			tb.click(form + ` button[type=submit]`)
			tb.waitFor("the item moved", fmt.Sprintf(`document.body.innerText.includes(%q)`, later.Format("15:04")+" "+titles[1]))
			if it, _ := h.db.Item(context.Background(), ids[1]); !it.PublishAt.Equal(later) {
				t.Fatalf("moved to %v, want %v", it.PublishAt, later)
			}

			// 编入一期群发: the edition form with the item as headline.
			tb.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelector('a[href="/editions?account=%d&item=%d"]').closest("details").open = true`, wx, ids[0]), nil))
			tb.click(fmt.Sprintf(`a[href="/editions?account=%d&item=%d"]`, wx, ids[0]))
			tb.waitFor("the edition form", `!!document.getElementById("slot-2")`)
			tb.run(chromedp.SetValue("#slot-2", fmt.Sprint(ids[1]), chromedp.ByID))
			tb.audit("editions-assemble-" + sc.name)
			tb.click(`#assemble button[type=submit]`)
			tb.waitFor("the edition page", `!!document.getElementById("articles")`)
			if got := tb.text(`document.getElementById("articles").innerText`); strings.Index(got, titles[0]) > strings.Index(got, titles[1]) || !strings.Contains(got, "头条") {
				t.Errorf("articles: %s", got)
			}
			if state := tb.text(`document.getElementById("edition-state").innerText`); state != "待审核确认" {
				t.Errorf("edition state %q", state)
			}
			editionURL := tb.text(`location.pathname`)
			tb.audit("edition-draft-editor-" + sc.name)
			tb.logout()

			// The reviewer: no WeChat ID yet, then one, then the preview.
			tb.login("reviewer")
			tb.open(editionURL)
			tb.run(chromedp.Evaluate(`window.confirm = () => true`, nil))
			tb.expect("/preview")
			tb.click(`form[data-api$="/preview"] button[type=submit]`)
			tb.waitFor("the refusal", `!document.querySelector(".errorbox").hidden`)
			if e := tb.text(`document.querySelector(".errorbox").innerText`); !strings.Contains(e, "个人设置") || !strings.Contains(e, "wechat_id_missing") {
				t.Errorf("preview without a WeChat ID: %s", e)
			}
			tb.audit("edition-no-wechat-id-" + sc.name)
			tb.click(`a[href="/account"]`)
			tb.waitFor("the profile", `!!document.getElementById("wechat-id")`)
			tb.run(chromedp.SetValue("#wechat-id", "leader_li2026", chromedp.ByID))
			tb.audit("profile-" + sc.name)
			tb.click(`#profile button[type=submit]`)
			tb.waitFor("the WeChat ID saved", `document.getElementById("wechat-id").defaultValue === "leader_li2026"`)
			tb.open(editionURL)
			tb.run(chromedp.Evaluate(`window.confirm = () => true`, nil))
			tb.click(`form[data-api$="/preview"] button[type=submit]`)
			tb.waitFor("the preview sent", `!!document.getElementById("previewed")`)
			var got []string
			for _, p := range s.Posts() {
				if p.Kind == "mass" {
					t.Errorf("a mass send: %+v", p)
				}
				if p.Kind == "preview" && p.Text == "leader_li2026" {
					for _, a := range p.Articles {
						got = append(got, a.Title)
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(titles, "|") {
				t.Errorf("preview articles %q, want %q", got, titles)
			}
			tb.click(`form[data-api$="/confirm"] button[type=submit]`)
			tb.waitFor("confirmed", `document.getElementById("edition-state").innerText === "已确认，待群发"`)
			tb.audit("edition-confirmed-" + sc.name)
			tb.run(chromedp.Evaluate(`document.getElementById("cancel").open = true; window.confirm = () => true`, nil),
				chromedp.SetValue("#cancel-reason", "内容调整", chromedp.ByID))
			tb.click(`#cancel button[type=submit]`)
			tb.waitFor("cancelled", `document.getElementById("edition-state").innerText === "已取消"`)
			tb.open(fmt.Sprintf("/editions?account=%d", wx))
			tb.waitFor("the list", `!!document.getElementById("editions")`)
			tb.audit("editions-" + sc.name)
		})
	}
}

// approvedFor stores an item of bureau A for account at, moved to st
// (scheduled or published) with its delivery planned.
func approvedFor(t *testing.T, h *harness, account int64, title string, at time.Time, st tongfa.ItemState) int64 {
	t.Helper()
	ctx := context.Background()
	c := tongfa.Content{Title: title, Body: "<p>" + title + "，请相互转告。</p>", Category: tongfa.CategoryNotice,
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, Targets: []int64{account}}
	it, err := h.db.CreateItemAt(ctx, h.unitA.ID, h.users["editor"].ID, c, &at, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = h.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: st, Tier: tongfa.TierRoutine}); err != nil {
			return err
		}
		_, err := tx.PlanDeliveries(ctx, it)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return it.ID
}

// TestConsoleCalendarAndEditionPages: the calendar shows an edition and a
// scheduled item on their day; the edition page offers each viewer what
// they may do (the assembling editor: cancel, preview, no confirm; a
// reviewer: confirm too; the city's auditor: nothing); another bureau's
// editor gets 404 for the edition, the unit and the account.
func TestConsoleCalendarAndEditionPages(t *testing.T) {
	h := setupConsole(t)
	ctx := context.Background()
	wx := h.accountWith(tongfa.PlatformWeChat, "甲局微信", map[string]string{"wechat_mode": "mass", "wechat_type": "subscription"})
	now := h.hub.Now().In(tongfa.China)
	at := time.Date(now.Year(), now.Month(), now.Day()+2, 8, 0, 0, 0, tongfa.China)
	inEdition := approvedFor(t, h, wx, "关于开展冬季消防检查的通知", at, tongfa.StateScheduled)
	alone := approvedFor(t, h, wx, "市图书馆春节开放时间", at.Add(24*time.Hour), tongfa.StateScheduled)
	e, err := h.hub.Editions.Create(ctx, h.as(h.users["editor"]), editions.Input{AccountID: wx, PublishAt: at, Items: []int64{inEdition}})
	if err != nil {
		t.Fatal(err)
	}
	day := at.Format(time.DateOnly)
	edition := fmt.Sprintf("/editions/%d", e.ID)

	ed := h.visitor(t)
	ed.login("editor")
	st, body, _ := ed.get("/calendar?view=month&date=" + day)
	if st != 200 || !strings.Contains(body, "群发 1 篇：关于开展冬季消防检查的通知") || !strings.Contains(body, `href="`+edition+`"`) ||
		!strings.Contains(body, "市图书馆春节开放时间") || !strings.Contains(body, fmt.Sprintf(`/api/v1/items/%d/schedule`, alone)) ||
		strings.Contains(body, fmt.Sprintf(`/api/v1/items/%d/schedule`, inEdition)) {
		t.Fatalf("calendar: %d\n%s", st, body)
	}
	buttons := func(who string) (confirm, cancel, preview bool) {
		t.Helper()
		p := h.visitor(t)
		p.login(who)
		st, body, _ := p.get(edition)
		if st != 200 || !strings.Contains(body, "待审核确认") {
			t.Fatalf("%s: %d %s", who, st, body)
		}
		return strings.Contains(body, "/confirm\""), strings.Contains(body, "/cancel\""), strings.Contains(body, "/preview\"")
	}
	if c, x, p := buttons("editor"); c || !x || !p {
		t.Errorf("editor: confirm %v cancel %v preview %v", c, x, p)
	}
	if c, x, p := buttons("reviewer"); !c || !x || !p {
		t.Errorf("reviewer: confirm %v cancel %v preview %v", c, x, p)
	}
	if c, x, p := buttons("cityauditor"); c || x || p {
		t.Errorf("auditor: confirm %v cancel %v preview %v", c, x, p)
	}
	other := h.visitor(t)
	other.login("editorB")
	for _, path := range []string{edition, fmt.Sprintf("/calendar?unit=%d", h.unitA.ID), fmt.Sprintf("/calendar?account=%d", wx),
		fmt.Sprintf("/editions?account=%d", wx)} {
		if st, _, _ := other.get(path); st != 404 {
			t.Errorf("another bureau's editor, %s: %d", path, st)
		}
	}
}
