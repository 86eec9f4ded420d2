package web

import (
	"context"
	"encoding/json"
	"github.com/tongfa/tongfa/editions"
	"html/template"
	"net/http"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/deliveries"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/store"
)

type itemView struct {
	Item       *tongfa.Item
	UnitName   string
	Body       template.HTML
	Check      *items.Check
	Reasons    []review.Reason
	Versions   []*tongfa.Version
	Signoffs   []signoffView
	Timeline   []timelineStep
	Urgent     *clocks.Clock
	Deliveries deliveriesView
	// Failing are the current version's channels that did not get it: the
	// item page names them beside 发布失败 or 部分发布失败.
	Failing    []deliveries.View
	Correction *correctionView
	Previews   previewsView
	Can        itemRights
	Reach      []readsChart // per channel, the first days' reads
	Files      []fileView   // the cover, body pictures and attachments, with their findings
	// WeChatPreviews are the WeChat targets the viewer may receive a
	// preview of the item for (发送预览到我的微信).
	WeChatPreviews []channelPreview
	Previewed      bool // back from 发送预览到我的微信
}

type itemRights struct{ Edit, Correct, Submit, Withdraw, Sign bool }

type signoffView struct {
	store.Signoff
	Signer *tongfa.User
}

// timelineStep is a step with the person who took it; nil for the
// background jobs and the command line (Actor says which).
type timelineStep struct {
	clocks.Step
	Person *tongfa.User
}

type deliveriesView struct {
	ItemID int64
	Rows   []deliveries.View
	Live   bool // refresh while the item is still sending
	Admin  bool
}

// maxVersions bounds the version list on the item page.
const maxVersions = 20

// livePolling is how long after its last change an item page keeps
// refreshing its deliveries.
const livePolling = 30 * time.Minute

func (s *Server) consoleItem(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	it, err := s.consoleGetItem(r)
	if err != nil {
		return err
	}
	d := itemView{Item: it, UnitName: p.Tree.Name(it.UnitID), Body: s.safeBody(it.Version.Content.Body),
		Check: s.Items.Check(ctx, it.UnitID, it.Version.Content), Can: s.itemRights(ctx, p, it),
		Previews: previewsView{Previews: s.previews(ctx, p, it.ID, it.Version.Content)}}
	if d.Deliveries, err = s.deliveriesOf(ctx, p, it); err != nil {
		return err
	}
	if d.Files, err = s.filesOf(ctx, p, it.Version.Content, d.Check); err != nil {
		return err
	}
	d.Failing = deliveries.Failing(it, d.Deliveries.Rows)
	d.Previewed = r.URL.Query().Get("previewed") != ""
	for _, pv := range d.Previews.Previews {
		if pv.AccountID != 0 && editions.MayPreviewItem(p, it.UnitID, &tongfa.Account{ID: pv.AccountID, Platform: pv.Platform, UnitID: pv.UnitID}) {
			d.WeChatPreviews = append(d.WeChatPreviews, pv)
		}
	}
	d.Correction = correctionOf(it, d.Deliveries.Rows)
	d.Reach = s.readsCharts(ctx, p, it.ID)
	if d.Timeline, err = s.timeline(ctx, it.ID); err != nil {
		return err
	}
	if cl, err := s.Clocks.Status(ctx, it.ID, s.Now()); err == nil {
		d.Urgent = cl
	}
	if d.Reasons, d.Signoffs, err = s.reviewHistory(ctx, p, it.ID); err != nil {
		return err
	}
	for n := it.VersionNumber; n >= 1 && n > it.VersionNumber-maxVersions; n-- {
		ver, err := s.Items.Version(ctx, p, it.ID, n)
		if err != nil {
			return err
		}
		d.Versions = append(d.Versions, ver)
	}
	v.Title, v.Nav, v.Data = it.Version.Content.Title, "items", d
	return s.render(w, http.StatusOK, "item", "layout", v)
}

// consoleDeliveries is the htmx fragment the item page polls while sending.
func (s *Server) consoleDeliveries(w http.ResponseWriter, r *http.Request, v *view) error {
	it, err := s.consoleGetItem(r)
	if err != nil {
		return err
	}
	d, err := s.deliveriesOf(r.Context(), principal(r), it)
	if err != nil {
		return err
	}
	return s.renderData(w, http.StatusOK, "item", "deliveries", d)
}

func (s *Server) consoleGetItem(r *http.Request) (*tongfa.Item, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Items.Get(r.Context(), principal(r), id)
}

func (s *Server) deliveriesOf(ctx context.Context, p *access.Principal, it *tongfa.Item) (deliveriesView, error) {
	rows, err := s.Deliveries.ForItem(ctx, p, it.ID)
	// Polling keeps the session alive, so it stops once the item has been
	// quiet for a while: an open tab must not defeat the idle timeout (R10).
	live := (it.State == tongfa.StateApproved || it.State == tongfa.StatePublishing) && s.Now().Sub(it.UpdatedAt) < livePolling
	return deliveriesView{ItemID: it.ID, Rows: rows, Live: live, Admin: deliveries.CanAct(p, it.UnitID)}, err
}

// safeBody re-sanitizes a stored body before it is trusted as HTML (it was
// sanitized on save; this keeps an old row from a looser policy harmless).
func (s *Server) safeBody(body string) template.HTML {
	return template.HTML(s.Items.HTML.HTML(body)) //nolint:gosec // sanitized just above
}

func (s *Server) itemRights(ctx context.Context, p *access.Principal, it *tongfa.Item) itemRights {
	c := s.Items.Can(p, it)
	return itemRights{Edit: c.Edit, Correct: c.Correct, Submit: c.Submit, Withdraw: deliveries.CanWithdraw(p, it),
		Sign: s.Review.CanSign(ctx, p, it)}
}

// reviewHistory is the tier reasons of the item's newest submission and
// every signature, with the signers' names.
func (s *Server) reviewHistory(ctx context.Context, p *access.Principal, itemID int64) ([]review.Reason, []signoffView, error) {
	h, err := s.Review.History(ctx, p, itemID)
	if err != nil {
		return nil, nil, err
	}
	var reasons []review.Reason
	if n := len(h.Submissions); n > 0 {
		reasons = reasonsOf(h.Submissions[n-1].Reasons)
	}
	out := make([]signoffView, 0, len(h.Signoffs))
	for _, sg := range h.Signoffs {
		out = append(out, signoffView{Signoff: sg, Signer: s.person(ctx, sg.SignerID)})
	}
	return reasons, out, nil
}

func reasonsOf(raw json.RawMessage) []review.Reason {
	var out []review.Reason
	json.Unmarshal(raw, &out) //nolint:errcheck // written by review.startChain; empty on damage
	return out
}

// person is a user shown on a record the viewer may read; the templates
// name them with console.Person.
func (s *Server) person(ctx context.Context, id int64) *tongfa.User {
	return s.Registry.Person(ctx, id)
}

// timeline is the item's timeline with each step's person, looked up once
// per username (the audit rows it is read from keep usernames).
func (s *Server) timeline(ctx context.Context, itemID int64) ([]timelineStep, error) {
	steps, err := s.Clocks.Timeline(ctx, itemID)
	if err != nil {
		return nil, err
	}
	people := map[string]*tongfa.User{}
	out := make([]timelineStep, len(steps))
	for i, st := range steps {
		u, ok := people[st.Actor]
		if !ok && st.Actor != "" {
			u = s.Registry.PersonNamed(ctx, st.Actor)
			people[st.Actor] = u
		}
		out[i] = timelineStep{Step: st, Person: u}
	}
	return out, nil
}

// correctionView is where a correction stands (R11): a newer version of an
// item whose earlier version was published and stays online until the
// correction is approved and published.
type correctionView struct {
	Version  int    // the correcting version
	Replaces int    // the newest earlier version that was published
	Online   int    // posts of earlier versions still on their channels
	Removed  int    // posts of earlier versions taken down
	State    string // what happens next, in Chinese
}

var correctionStates = map[tongfa.ItemState]string{
	tongfa.StateDraft:      "更正稿尚未送审（检查发现必须修改的问题，或已撤回送审），原发布内容仍在线",
	tongfa.StateInReview:   "更正稿审签中，通过后在各渠道发布新版本并撤下原发布内容",
	tongfa.StateRejected:   "更正稿被退回，修改后重新送审；原发布内容仍在线",
	tongfa.StateApproved:   "更正稿已审签，正在发布新版本并撤下原发布内容",
	tongfa.StatePublishing: "更正稿已审签，正在发布新版本并撤下原发布内容",
	tongfa.StatePublished:  "更正完成，新版本已发布",
}

// correctionOf reads a correction from the item's deliveries: those of
// earlier versions that were delivered. Nil when there is none, or when
// the whole item was withdrawn.
func correctionOf(it *tongfa.Item, rows []deliveries.View) *correctionView {
	c := &correctionView{Version: it.VersionNumber, State: correctionStates[it.State]}
	for _, d := range rows {
		if d.VersionNumber >= it.VersionNumber || d.DeliveredAt == nil {
			continue
		}
		c.Replaces = max(c.Replaces, d.VersionNumber)
		switch d.State {
		case tongfa.DeliveryDelivered:
			c.Online++
		case tongfa.DeliveryWithdrawn:
			c.Removed++
		}
	}
	if c.Replaces == 0 || c.State == "" {
		return nil
	}
	if it.State == tongfa.StatePublished && c.Online > 0 {
		c.State = "新版本已发布，正在撤下原发布内容"
	}
	return c
}
