package web

import (
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web/console"
)

type composeView struct {
	ItemID   int64
	UnitID   int64 // the item's unit, whose leaders table checks it (0: a new item, the editor's unit)
	Version  int
	Correct  bool // a correction of a published item
	Content  tongfa.Content
	Body     template.HTML
	Accounts []registry.AccountView
	Targets  map[int64]bool
	// Files are the files the version uses, for compose.js to list and
	// check (JSON: the library records with their role).
	Files       string
	Attachments string // the attachments' hashes as JSON, sent as they are
}

// composeFile is a file of the compose page's list.
type composeFile struct {
	*tongfa.MediaObject
	Role string `json:"role"`
}

// consoleCompose is the empty compose form; it saves through POST
// /api/v1/items and checks through POST /api/v1/check as the editor types.
func (s *Server) consoleCompose(w http.ResponseWriter, r *http.Request, v *view) error {
	d := composeView{Content: tongfa.Content{Category: tongfa.CategoryNews, Kind: tongfa.KindOriginal,
		Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal}, Targets: map[int64]bool{}}
	return s.renderCompose(w, r, v, d, "写稿")
}

// consoleEdit prefills the form with the current version; saving makes a
// new version through PUT /api/v1/items/{id} with base_version.
func (s *Server) consoleEdit(w http.ResponseWriter, r *http.Request, v *view) error {
	it, err := s.consoleGetItem(r)
	if err != nil {
		return err
	}
	return s.renderCompose(w, r, v, s.itemForm(it), "修改稿件")
}

// consoleCorrect prefills the form with a published item's current
// version; saving posts the correction (POST /api/v1/items/{id}/correct),
// which goes through sign-off and, once approved, replaces the posts on
// every channel (R11).
func (s *Server) consoleCorrect(w http.ResponseWriter, r *http.Request, v *view) error {
	it, err := s.consoleGetItem(r)
	if err != nil {
		return err
	}
	switch p := principal(r); {
	case s.Items.Can(p, it).Correct:
	case it.State != tongfa.StatePublished:
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "只有已发布的稿件需要更正"}
	default:
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位采编人员可以更正稿件"}
	}
	d := s.itemForm(it)
	d.Correct = true
	return s.renderCompose(w, r, v, d, "更正稿件")
}

// itemForm is the compose form over an item's current version.
func (s *Server) itemForm(it *tongfa.Item) composeView {
	c := it.Version.Content
	d := composeView{ItemID: it.ID, UnitID: it.UnitID, Version: it.VersionNumber, Content: c, Body: s.safeBody(c.Body), Targets: map[int64]bool{}}
	for _, t := range c.Targets {
		d.Targets[t] = true
	}
	return d
}

func (s *Server) renderCompose(w http.ResponseWriter, r *http.Request, v *view, d composeView, title string) error {
	list, err := s.Registry.Publishable(r.Context(), principal(r))
	if err != nil {
		return err
	}
	d.Accounts = list
	files, err := s.filesOf(r.Context(), principal(r), d.Content, nil)
	if err != nil {
		return err
	}
	cf := make([]composeFile, 0, len(files))
	for _, f := range files {
		cf = append(cf, composeFile{MediaObject: f.Object, Role: f.Role})
	}
	att := d.Content.Attachments
	if att == nil {
		att = []tongfa.MediaHash{}
	}
	fb, err := json.Marshal(cf)
	if err != nil {
		return err
	}
	ab, err := json.Marshal(att)
	if err != nil {
		return err
	}
	d.Files, d.Attachments = string(fb), string(ab)
	v.Title, v.Nav, v.Data = title, "compose", d
	return s.render(w, http.StatusOK, "compose", "layout", v)
}

type itemsView struct {
	Items        []store.ItemSummary
	States       []console.Option
	State, Query string
	Page, Total  int
	More         bool
}

var stateOptions = console.Options(tongfa.ItemStates)

// consoleItems lists items with the API's filter (GET /api/v1/items).
func (s *Server) consoleItems(w http.ResponseWriter, r *http.Request, v *view) error {
	f, err := itemFilter(r)
	if err != nil {
		return err
	}
	list, total, err := s.Items.List(r.Context(), principal(r), f)
	if err != nil {
		return err
	}
	d := itemsView{Items: list, States: stateOptions, State: string(f.State), Query: f.Query, Page: f.Page, Total: total,
		More: f.Page*f.PerPage < total}
	v.Title, v.Nav, v.Data = "稿件", "items", d
	return s.render(w, http.StatusOK, "items", "layout", v)
}
