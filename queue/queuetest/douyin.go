package queuetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// Video and CoverPNG are the files of the unit's media library that the
// items of an environment with Douyin show.
var (
	Video    = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte("simulated video "), 4096)...)
	CoverPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR simulated cover")
)

// AddDouyin adds a Douyin account of the unit on the simulator and puts a
// video and a cover into the unit's media library; from then on every
// item Approve creates links to the video (a Douyin video post) and has
// the cover (which WeChat uses too). A worker reads them only through a
// connector registry with the library (all.NewWithLibrary).
func (e *Env) AddDouyin(t testing.TB) *tongfa.Account {
	t.Helper()
	ctx := context.Background()
	video, cover := e.addMedia(t, Video, tongfa.MediaMP4), e.addMedia(t, CoverPNG, tongfa.MediaPNG)
	e.Extra = fmt.Sprintf(`<p><a href="https://hub.example.gov.cn/media/%s.mp4">观看视频</a></p>`, video)
	e.Cover = "https://hub.example.gov.cn/media/" + cover.String()
	creds, _ := json.Marshal(map[string]string{"access_token": fmt.Sprintf("act.ou%d", e.Unit.ID),
		"refresh_token": fmt.Sprintf("rft.ou%d", e.Unit.ID), "open_id": fmt.Sprintf("ou%d", e.Unit.ID), "client_key": "awk-test"})
	a := &tongfa.Account{UnitID: e.Unit.ID, Platform: tongfa.PlatformDouyin, Name: "示范市发布抖音号", APIBase: e.SimURL + "/douyin",
		Settings: map[string]string{"rate_per_minute": "100000"}}
	err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, a, func(id int64) ([]byte, error) { return e.Box.Seal(creds, connectors.AccountAAD(id)), nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Accounts[tongfa.PlatformDouyin] = a
	return a
}

// addMedia stores b in the library as a file of the unit.
func (e *Env) addMedia(t testing.TB, b []byte, typ tongfa.MediaType) tongfa.MediaHash {
	t.Helper()
	ctx := context.Background()
	blob, err := e.DB.PutBlob(ctx, tongfa.Blob{Hash: tongfa.SumMedia(b), Type: typ, Size: int64(len(b))}, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	o := &tongfa.MediaObject{Blob: blob, UnitID: e.Unit.ID, UploadedBy: e.Author.ID, Name: "file" + typ.Ext()}
	if err := e.DB.AddObject(ctx, o); err != nil {
		t.Fatal(err)
	}
	return blob.Hash
}

// AddManual adds an account of the unit on a manual channel, run by the
// named managers.
func (e *Env) AddManual(t testing.TB, p tongfa.Platform, name string, managers ...string) *tongfa.Account {
	t.Helper()
	ctx := context.Background()
	a := &tongfa.Account{UnitID: e.Unit.ID, Platform: p, Name: name}
	for _, m := range managers {
		a.Managers = append(a.Managers, tongfa.Manager{Name: m})
	}
	err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, a, func(int64) ([]byte, error) { return nil, nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Accounts[p] = a
	return a
}
