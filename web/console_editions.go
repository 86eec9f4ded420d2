package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/editions"
	"github.com/tongfa/tongfa/store"
)

// The edition pages: the editions of an account (or of every account the
// viewer reads) from a day on, with the form editors assemble one with;
// and one edition with its articles in order and the actions the viewer
// may take (editions.Service decides again when they do).

type editionsView struct {
	Editions  []editionRow
	Accounts  []option
	AccountID int64
	From      string
	// Assemble: the form, for an editor of the chosen mass-mode account.
	Assemble   bool
	Candidates []editions.Candidate
	Slots      []editionSlot
	Min        string
	PublishAt  string
	Note       string
}

type editionRow struct {
	store.EditionSummary
	StateLabel string
	CSS        string
}

type editionSlot struct {
	N        int
	Label    string
	Selected int64
}

func (s *Server) consoleEditions(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	now := s.Now()
	q := r.URL.Query()
	ev := &editionsView{Min: now.In(tongfa.China).Format("2006-01-02T15:04")}
	ev.AccountID, _ = strconv.ParseInt(q.Get("account"), 10, 64)
	from := dayOf(now)
	if d, err := time.ParseInLocation(time.DateOnly, q.Get("from"), tongfa.China); err == nil {
		from = d
	}
	ev.From = from.Format(time.DateOnly)
	cal, err := s.Editions.CalendarOf(ctx, p, editions.Filter{From: from, To: from.AddDate(0, 0, 60)}, now)
	if err != nil {
		return err
	}
	var chosen *tongfa.Account
	for i, a := range cal.Accounts {
		if a.Platform != tongfa.PlatformWeChat || !a.MassMode() {
			continue
		}
		ev.Accounts = append(ev.Accounts, option{Value: a.ID, Label: a.Name, Selected: a.ID == ev.AccountID})
		if a.ID == ev.AccountID {
			chosen = &cal.Accounts[i]
		}
	}
	if ev.AccountID != 0 && chosen == nil {
		return fmt.Errorf("web: account %d: %w", ev.AccountID, tongfa.ErrNotFound)
	}
	for _, e := range cal.Editions {
		if ev.AccountID != 0 && e.AccountID != ev.AccountID {
			continue
		}
		ev.Editions = append(ev.Editions, editionRow{EditionSummary: e, StateLabel: editions.StateLabel(e.State), CSS: editionCSS(e.State)})
	}
	if chosen != nil && editions.MayAssemble(p, chosen) {
		if ev.Candidates, err = s.Editions.Candidates(ctx, p, chosen.ID); err != nil {
			return err
		}
		ev.Assemble = true
		item, _ := strconv.ParseInt(q.Get("item"), 10, 64)
		for n := 1; n <= wechat.MaxArticles; n++ {
			label := fmt.Sprintf("第 %d 条", n)
			if n == 1 {
				label = "头条"
			}
			sl := editionSlot{N: n, Label: label}
			if n == 1 {
				sl.Selected = item
			}
			ev.Slots = append(ev.Slots, sl)
		}
		for _, c := range ev.Candidates {
			if c.ItemID == item && c.PublishAt != nil {
				ev.PublishAt = c.PublishAt.In(tongfa.China).Format("2006-01-02T15:04")
			}
		}
	}
	v.Title, v.Nav, v.Data = "群发编排", "calendar", ev
	return s.render(w, http.StatusOK, "editions", "layout", v)
}

type editionView struct {
	E          *store.Edition
	Account    *tongfa.Account
	StateLabel string
	CSS        string
	Awaiting   bool
	Can        editions.Rights
	Creator    *tongfa.User
	Confirmer  *tongfa.User
	Result     *wechat.MassJobFinished
	Copyright  map[int]string // article position → WeChat's original-content finding
	Previewed  bool           // back from 发送预览到我的微信
}

func (s *Server) consoleEdition(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.Editions.Get(ctx, p, id)
	if err != nil {
		return err
	}
	acc, err := s.Registry.Target(ctx, p, e.AccountID)
	if err != nil {
		return err
	}
	ev := &editionView{E: e, Account: acc, StateLabel: editions.StateLabel(e.State), CSS: editionCSS(e.State),
		Can: editions.RightsOn(p, e), Creator: s.Registry.Person(ctx, e.CreatedBy), Previewed: r.URL.Query().Get("previewed") != ""}
	if e.ConfirmedBy != nil {
		ev.Confirmer = s.Registry.Person(ctx, *e.ConfirmedBy)
	}
	var sent *time.Time
	if t, err := time.Parse(time.RFC3339Nano, e.Steps[wechat.StepMassSent]); err == nil {
		sent = &t
	}
	if ev.Awaiting = awaiting(acc, e.State, sent, s.Now()); ev.Awaiting {
		ev.StateLabel = "待管理员在手机上确认"
	}
	if len(e.MassResult) > 0 {
		var res wechat.MassJobFinished
		if json.Unmarshal(e.MassResult, &res) == nil {
			ev.Result = &res
			ev.Copyright = map[int]string{}
			for _, a := range res.Copyright.Articles {
				ev.Copyright[a.ArticleIdx] = "原创校验：发现与已有原创文章相似"
			}
		}
	}
	v.Title, v.Nav, v.Data = "群发："+acc.Name+" "+tongfa.ChinaTime(e.PublishAt), "calendar", ev
	return s.render(w, http.StatusOK, "edition", "layout", v)
}

// consoleProfile is /account: the viewer's own settings (the WeChat ID
// previews go to; the second factor).
func (s *Server) consoleProfile(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := s.Identity.MyWeChatID(r.Context(), principal(r))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "个人设置", "profile", id
	return s.render(w, http.StatusOK, "profile", "layout", v)
}
