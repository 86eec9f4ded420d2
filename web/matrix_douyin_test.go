package web_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/tongfa/tongfa"
)

// douyinAccount is unit u's Douyin account (one per unit and platform,
// R9), registered without credentials.
func (f *fixture) douyinAccount(u *tongfa.Unit) int64 {
	var id int64
	err := f.h.db.Pool.QueryRow(context.Background(), `SELECT id FROM accounts WHERE unit_id = $1 AND platform = 'douyin'`, u.ID).Scan(&id)
	if err != nil {
		id = f.h.account(u.ID, tongfa.PlatformDouyin, u.Name+"抖音号")
	}
	return id
}

// douyinRows are the matrix rows of the Douyin authorisation. The
// matrix's hub has no Douyin app: an administrator who manages the
// account hears so (503), anyone else's account is not found first.
func douyinRows() []row {
	return []row{
		{"POST", "/admin/accounts/{id:[0-9]+}/douyin/authorize", func(f *fixture, u *tongfa.Unit) request {
			r := form(url.Values{})(f, u)
			r.path = fmt.Sprintf("/admin/accounts/%d/douyin/authorize", f.douyinAccount(u))
			return r
		}, "all=403 ad=503,503,404,404"},
		{"GET", "/accounts/douyin/callback", fixed("/accounts/douyin/callback?code=x&state=y"), "anon=200"},
		{"GET", "/admin/accounts/douyin/authorized", fixed("/admin/accounts/douyin/authorized?code=x&state=y"), "all=403 ad=503"},
	}
}
