package web_test

import (
	"fmt"
	"net/url"
	"time"

	"github.com/tongfa/tongfa"
)

const matrixPassword = password

// matrixRows is the authorization matrix: one row per route and method.
func matrixRows() []row {
	inReview := tongfa.StateInReview
	draft, published := tongfa.StateDraft, tongfa.StatePublished
	return append(append(append(mediaRows(), manualRows()...), douyinRows()...), []row{
		// Outside the API: operations and the platforms' callbacks.
		{"GET", "/healthz", fixed("/healthz"), "anon=200"},
		{"GET", "/readyz", fixed("/readyz"), "anon=200"},
		{"GET", "/metrics", fixed("/metrics"), sysOnly},
		{"GET", "/callback/wechat/{account}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/callback/wechat/%d?signature=x&timestamp=1&nonce=1&echostr=x", f.app(u).ID)}
		}, "anon=404"},
		{"POST", "/callback/wechat/{account}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/callback/wechat/%d", f.app(u).ID), body: "<xml/>"}
		}, "anon=404"},
		{"POST", "/callback/{platform:app|website}/{account}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/callback/app/%d", f.app(u).ID), body: `{"id":"1","kind":"comment","text":"x"}`}
		}, "anon=404"},
		{"ANY", "/admin/queues", fixed("/admin/queues"), sysOnly},

		// Session and self.
		{"POST", "/api/v1/session", withBody("/api/v1/session", map[string]string{"username": "matrix-api", "password": "wrong"}), "anon=401"},
		{"DELETE", "/api/v1/session", fixed("/api/v1/session"), "all=204"},
		{"GET", "/api/v1/me", fixed("/api/v1/me"), everyone},
		{"GET", "/api/v1/me/totp", fixed("/api/v1/me/totp"), everyone},
		{"GET", "/api/v1/me/wechat", fixed("/api/v1/me/wechat"), everyone},
		{"PUT", "/api/v1/me/wechat", withBody("/api/v1/me/wechat", map[string]string{"wechat_id": "matrix_user"}), everyone},
		{"POST", "/api/v1/me/totp", withBody("/api/v1/me/totp", map[string]string{"password": matrixPassword}), "all=201"},
		{"POST", "/api/v1/me/totp/confirm", withBody("/api/v1/me/totp/confirm", map[string]string{"code": "000000"}), "all=422"},
		{"GET", "/api/v1/notifications", fixed("/api/v1/notifications"), everyone},
		{"GET", "/api/v1/tokens", fixed("/api/v1/tokens"), everyone},
		{"POST", "/api/v1/tokens", withBody("/api/v1/tokens", map[string]any{"name": "矩阵", "days": 1}), "all=201"},
		{"DELETE", "/api/v1/tokens/{id}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/tokens/%d", f.token(u))}
		}, "all=404"},
		{"POST", "/api/v1/check", withBody("/api/v1/check", map[string]string{"text": "市政府召开常务会议"}), everyone},

		// Items.
		{"POST", "/api/v1/items", func(f *fixture, u *tongfa.Unit) request {
			b := itemBody("矩阵新稿件")
			b["unit_id"] = u.ID
			return request{path: "/api/v1/items", body: b}
		}, "all=403 ed=201,403,403,403"},
		{"GET", "/api/v1/items", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/items?unit_id=%d", u.ID)}
		}, everyone},
		{"GET", "/api/v1/items/{id}", itemPath(draft, "", nil), readers},
		{"PUT", "/api/v1/items/{id}", itemPath(draft, "", itemBody("矩阵修改")), editorOnly},
		{"POST", "/api/v1/items/{id}/submit", itemPath(draft, "/submit", nil), editorOnly},
		{"DELETE", "/api/v1/items/{id}/submission", itemPath(inReview, "/submission", nil),
			"ed=204,404,404,404 rv=403,403,404,404 dp=403,403,404,404 pr=403,403,404,404 ad=403,403,404,404 au=403,403,404,404 sa=404"},
		{"POST", "/api/v1/items/{id}/signoffs", func(f *fixture, u *tongfa.Unit) request {
			it := f.item(u, inReview)
			return request{path: fmt.Sprintf("/api/v1/items/%d/signoffs", it.ID),
				body: map[string]string{"version_hash": it.Version.Hash, "decision": "approve", "password": matrixPassword}}
		}, "all=403 rv=201,403,404,404 dp=403,403,404,404 pr=403,403,404,404"},
		{"GET", "/api/v1/items/{id}/signoffs", itemPath(draft, "/signoffs", nil), readers},
		{"GET", "/api/v1/items/{id}/deliveries", itemPath(draft, "/deliveries", nil), readers},
		{"GET", "/api/v1/items/{id}/stats", itemPath(published, "/stats", nil), readers},
		{"POST", "/api/v1/repost-tasks", func(f *fixture, u *tongfa.Unit) request {
			return request{path: "/api/v1/repost-tasks", body: map[string]any{"item_id": f.item(u, published).ID,
				"account_ids": []int64{f.app(u).ID}, "deadline": time.Now().Add(time.Hour)}}
		}, "all=403 ed=201,404,404,404"},
		{"GET", "/api/v1/repost-tasks", fixed("/api/v1/repost-tasks"), everyone},
		{"GET", "/api/v1/repost-tasks/{id}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/repost-tasks/%d", f.repostTask(u))}
		}, readers},
		{"GET", "/api/v1/items/{id}/timeline", itemPath(draft, "/timeline", nil), readers},
		// Editions: assembling needs a mass-mode account (the fixture's is
		// an app, so its own editor gets 422); the full flow is
		// cmd/tongfa's TestEditionMassSentOnceInOrder.
		{"POST", "/api/v1/editions", func(f *fixture, u *tongfa.Unit) request {
			return request{path: "/api/v1/editions", body: map[string]any{"account_id": f.app(u).ID,
				"publish_at": time.Now().Add(24 * time.Hour), "items": []int64{f.item(u, draft).ID}}}
		}, "all=403 ed=422,404,404,404"},
		{"GET", "/api/v1/editions/{id}", fixed("/api/v1/editions/999999"), "all=404"},
		{"POST", "/api/v1/editions/{id}/confirm", fixed("/api/v1/editions/999999/confirm"), "all=403 rv=404 dp=404 pr=404"},
		{"GET", "/api/v1/editions", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/editions?unit_id=%d", u.ID)}
		}, readers},
		// Cancel and preview: editors and signers pass the route, the
		// service answers for the edition (cmd/tongfa's
		// TestEditionPreviewAndCancel has the full rules).
		{"POST", "/api/v1/editions/{id}/cancel", fixed("/api/v1/editions/999999/cancel"), "all=403 ed=404 rv=404 dp=404 pr=404"},
		{"POST", "/api/v1/editions/{id}/preview", fixed("/api/v1/editions/999999/preview"), "all=403 ed=404 rv=404 dp=404 pr=404"},
		{"POST", "/api/v1/items/{id}/preview", itemPath(draft, "/preview", map[string]any{"account_id": 999999}),
			"all=403 ed=404,404,404,404 rv=404,404,404,404 dp=404,404,404,404 pr=404,404,404,404"},
		{"POST", "/api/v1/items/{id}/schedule", itemPath(draft, "/schedule", map[string]any{"publish_at": time.Now().Add(24 * time.Hour), "reason": "矩阵"}),
			"ed=200,404,404,404 rv=403,403,404,404 dp=403,403,404,404 pr=403,403,404,404 ad=403,403,404,404 au=403,403,404,404 sa=404"},
		{"POST", "/api/v1/items/{id}/withdraw", itemPath(published, "/withdraw", map[string]string{"reason": "矩阵撤回", "password": matrixPassword}),
			"all=403 dp=200,403,404,404 pr=200,403,404,404 ad=200,200,404,404"},
		{"POST", "/api/v1/items/{id}/correct", itemPath(published, "/correct", itemBody("矩阵更正")), editorOnly},
		{"POST", "/api/v1/deliveries/{id}/{action:retry|abandon}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/deliveries/%d/retry", f.failedDelivery(u)), body: map[string]string{"reason": "矩阵重试"}}
		}, "all=403 ad=200,200,404,404"},

		// Review.
		{"GET", "/api/v1/reviews", fixed("/api/v1/reviews"), everyone},
		{"GET", "/api/v1/delegations", fixed("/api/v1/delegations"), everyone},
		{"POST", "/api/v1/delegations", func(f *fixture, u *tongfa.Unit) request {
			now := time.Now()
			return request{path: "/api/v1/delegations", body: map[string]any{"delegate_id": f.deputyIn(u), "unit_id": f.h.unitA.ID,
				"role": "deputy", "starts_at": now, "ends_at": now.Add(time.Hour), "reason": "矩阵委托"}}
		}, "all=403 dp=201,201,201,422"},

		// Clocks and calendar.
		{"GET", "/api/v1/urgent", fixed("/api/v1/urgent"), everyone},
		{"GET", "/api/v1/frequency", fixed("/api/v1/frequency"), everyone},
		{"GET", "/api/v1/frequency/weekly", fixed("/api/v1/frequency/weekly"), everyone},
		{"GET", "/api/v1/interpretations", fixed("/api/v1/interpretations"), everyone},
		{"GET", "/api/v1/alerts", fixed("/api/v1/alerts"), everyone},
		{"GET", "/api/v1/holidays", fixed("/api/v1/holidays"), everyone},
		{"POST", "/api/v1/holidays", withBody("/api/v1/holidays", "year 2031 矩阵测试\n2031-01-01 holiday 元旦\n"), sysOnly},

		// Accounts and the registry.
		{"GET", "/api/v1/accounts", fixed("/api/v1/accounts"), everyone},
		{"POST", "/api/v1/accounts", func(f *fixture, u *tongfa.Unit) request {
			return request{path: "/api/v1/accounts", body: map[string]any{"unit_id": u.ID, "platform": "other",
				"name": fmt.Sprintf("矩阵账号%d", f.n()), "responsible": "值班员"}}
		}, "all=403 ad=202,201,403,403"},
		{"GET", "/api/v1/accounts/consistency", fixed("/api/v1/accounts/consistency"), everyone},
		{"GET", "/api/v1/accounts/{id}/grants", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/accounts/%d/grants", f.app(u).ID)}
		}, readers},
		{"GET", "/api/v1/accounts/{id}/stats", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/accounts/%d/stats?from=2026-01-01&to=2026-02-01", f.app(u).ID)}
		}, readers},
		{"POST", "/api/v1/accounts/{id}/grants", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/accounts/%d/grants", f.app(u).ID), body: map[string]int64{"unit_id": f.h.unitB.ID}}
		}, "all=403 ad=201,201,404,404"},
		{"DELETE", "/api/v1/accounts/{id}/grants/{unit}", func(f *fixture, u *tongfa.Unit) request {
			a, to := f.grant(u)
			return request{path: fmt.Sprintf("/api/v1/accounts/%d/grants/%d", a, to)}
		}, "all=403 ad=204,204,404,404"},
		{"POST", "/api/v1/accounts/{id}/requests", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/accounts/%d/requests", f.app(u).ID),
				body: map[string]any{"kind": "close", "reason": "矩阵注销"}}
		}, "all=403 ad=202,202,404,404"},
		{"GET", "/api/v1/account-requests", fixed("/api/v1/account-requests"), everyone},
		{"POST", "/api/v1/account-requests/{id}/{decision:approve|reject}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/account-requests/%d/reject", f.request(u, false)), body: map[string]string{"comment": "矩阵"}}
		}, "all=403 ad=403,200,404,404"},
		{"POST", "/api/v1/account-requests/{id}/filed", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/account-requests/%d/filed", f.request(u, true))}
		}, "all=403 ad=204,204,404,404"},
		{"GET", "/api/v1/robots", fixed("/api/v1/robots"), adminOnly},
		{"POST", "/api/v1/robots", func(f *fixture, u *tongfa.Unit) request {
			return request{path: "/api/v1/robots", body: map[string]any{"unit_id": u.ID, "kind": "wecom",
				"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=matrix"}}
		}, "all=403 ad=201,201,403,403"},

		// People.
		{"GET", "/api/v1/users", fixed("/api/v1/users"), adminOnly},
		{"POST", "/api/v1/users", func(f *fixture, u *tongfa.Unit) request {
			return request{path: "/api/v1/users", body: map[string]any{"username": fmt.Sprintf("new%d", f.n()), "display_name": "新同事",
				"unit_id": u.ID, "roles": []string{"editor"}, "password": "Matrix-Passw0rd-9"}}
		}, "all=403 ad=201,201,403,403"},
		{"POST", "/api/v1/users/{id}/disable", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/users/%d/disable", f.user(u)), body: map[string]string{"reason": "调离"}}
		}, "all=403 ad=200,200,404,404"},
		{"DELETE", "/api/v1/users/{id}/totp", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/users/%d/totp", f.totpUser(u))}
		}, "all=403 ad=204,204,404,404"},
		{"POST", "/api/v1/users/{id}/password-reset", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/users/%d/password-reset", f.user(u))}
		}, "all=403 ad=200,200,404,404"},
		{"POST", "/api/v1/users/{id}/roles", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/users/%d/roles", f.user(u)), body: map[string]any{"unit_id": u.ID, "role": "reviewer", "grant": true}}
		}, "all=403 ad=204,204,404,404 sa=404"},

		// Dictionaries, policies, patrol.
		{"GET", "/api/v1/dictionaries", fixed("/api/v1/dictionaries"), overseers},
		{"POST", "/api/v1/dictionaries", withBody("/api/v1/dictionaries", map[string]string{"name": "matrix", "content": "矩阵词\tcustom\treview\n"}), sysOnly},
		{"POST", "/api/v1/dictionaries/{name}/rollback", withBody("/api/v1/dictionaries/matrix/rollback", map[string]int{"version": 1}),
			"all=403 sa=200"},
		{"GET", "/api/v1/patrol/{id}", fixed("/api/v1/patrol/1"), everyone},
		{"GET", "/api/v1/units/{id}/leaders", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/leaders", u.ID)}
		}, readers},
		{"PUT", "/api/v1/units/{id}/leaders", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/leaders", u.ID), body: map[string]string{"content": bureauLeadersTSV}}
		}, "all=403 ad=200,200,404,404"},
		{"POST", "/api/v1/units/{id}/leaders/rollback", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/leaders/rollback", u.ID), body: map[string]int{"version": f.leaders(u)}}
		}, "all=403 ad=200,200,404,404"},
		{"GET", "/api/v1/units/{id}/words", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/words", u.ID)}
		}, "ed=403,404,404,404 rv=403,403,404,404 dp=403,403,404,404 pr=403,403,404,404 ad=200,200,404,404 au=200,200,404,404 sa=404"},
		{"PUT", "/api/v1/units/{id}/words", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/words", u.ID), body: map[string]string{"content": "矩阵专用词\tcustom\treview\n"}}
		}, "all=403 ad=200,200,404,404"},
		{"POST", "/api/v1/units/{id}/words/rollback", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/words/rollback", u.ID), body: map[string]int{"version": f.unitWords(u)}}
		}, "all=403 ad=200,200,404,404"},
		{"GET", "/api/v1/units/{id}/contacts", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/contacts", u.ID)}
		}, readers},
		{"PUT", "/api/v1/units/{id}/contacts", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/contacts", u.ID), body: map[string]string{"content": "13800000000 值班手机\n"}}
		}, "all=403 ad=200,200,404,404"},
		{"GET", "/api/v1/units/{id}/policies/{kind:tier|clock}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/policies/tier", u.ID)}
		}, readers},
		{"PUT", "/api/v1/units/{id}/policies/{kind:tier|clock}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/units/%d/policies/tier", u.ID), body: map[string]string{"content": "strict: false\n"}}
		}, "all=403 ad=200,200,404,404"},

		// Inbox and answers.
		{"GET", "/api/v1/inbox", fixed("/api/v1/inbox"), everyone},
		{"GET", "/api/v1/inbox/{id}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/inbox/%d", f.message(u))}
		}, readers},
		{"POST", "/api/v1/inbox/{id}/{action:class|assign|extend|close}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/inbox/%d/close", f.message(u)), body: map[string]string{"reason": "重复留言"}}
		}, "ed=200,404,404,404 rv=403,403,404,404 dp=403,403,404,404 pr=403,403,404,404 ad=200,200,404,404 au=403,403,404,404 sa=404"},
		{"POST", "/api/v1/inbox/{id}/answers/check", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/inbox/%d/answers/check", f.message(u)), body: map[string]string{"text": "已受理"}}
		}, readers},
		{"GET", "/api/v1/inbox/{id}/answers", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/inbox/%d/answers", f.message(u))}
		}, readers},
		{"POST", "/api/v1/inbox/{id}/answers", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/inbox/%d/answers", f.message(u)), body: map[string]string{"text": "请携带身份证办理。"}}
		}, "all=403 ed=201,404,404,404 ad=201,201,404,404"},
		{"GET", "/api/v1/answers/pending", fixed("/api/v1/answers/pending"), everyone},
		{"POST", "/api/v1/answers/{id}/{action:signoff|withdraw|confirm}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/answers/%d/withdraw", f.answer(u))}
		}, "ed=200,404,404,404 rv=403,403,404,404 dp=403,403,404,404 pr=403,403,404,404 ad=200,200,404,404 au=403,403,404,404 sa=404"},

		// Reports and audit.
		{"GET", "/api/v1/reports/{kind}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/reports/month?from=2026-11-01&unit=%d", u.ID)}
		}, readers},
		{"GET", "/api/v1/audit", fixed("/api/v1/audit"), overseers},

		// The console: pages and the forms that change state.
		{"GET", "/static/", fixed("/static/console.css"), "anon=200"},
		{"GET", "/login", fixed("/login"), "anon=200"},
		// The unified identity login is off in the matrix's hub (no provider).
		{"GET", "/login/oidc", fixed("/login/oidc"), "anon=404"},
		{"GET", "/login/oidc/callback", fixed("/login/oidc/callback?code=x&state=y"), "anon=400"},
		{"POST", "/login", func(f *fixture, u *tongfa.Unit) request {
			r := form(url.Values{"username": {"matrix-console"}, "password": {"wrong"}})(f, u)
			r.path, r.hdr = "/login", map[string]string{"Origin": f.h.ts.URL}
			return r
		}, "anon=401"},
		{"POST", "/logout", func(f *fixture, u *tongfa.Unit) request {
			r := form(url.Values{})(f, u)
			r.path = "/logout"
			return r
		}, "all=303"},
		{"GET", "/", fixed("/"), everyone},
		{"GET", "/account", fixed("/account"), everyone},
		{"GET", "/calendar", fixed("/calendar"), everyone},
		{"GET", "/library", fixed("/library"), everyone},
		{"GET", "/editions", fixed("/editions"), everyone},
		{"GET", "/editions/{id:[0-9]+}", fixed("/editions/999999"), "all=404"},
		{"GET", "/account/totp", fixed("/account/totp"), everyone},
		{"POST", "/account/totp", func(f *fixture, u *tongfa.Unit) request {
			r := form(url.Values{"password": {matrixPassword}})(f, u)
			r.path = "/account/totp"
			return r
		}, "all=200"},
		{"POST", "/account/totp/confirm", func(f *fixture, u *tongfa.Unit) request {
			r := form(url.Values{"code": {"000000"}})(f, u)
			r.path = "/account/totp/confirm"
			return r
		}, "all=422"},
		{"GET", "/compose", fixed("/compose"), "all=403 ed=200"},
		{"POST", "/compose/preview", func(f *fixture, u *tongfa.Unit) request {
			r := form(url.Values{"title": {"预览"}, "body": {"<p>正文</p>"}, "targets": {fmt.Sprint(f.app(u).ID)}})(f, u)
			r.path = "/compose/preview"
			return r
		}, "all=403 ed=200"},
		{"GET", "/items", fixed("/items"), everyone},
		{"GET", "/items/{id:[0-9]+}", consoleItem(draft, ""), readers},
		{"GET", "/items/{id:[0-9]+}/edit", consoleItem(draft, "/edit"), editorOnly},
		{"GET", "/items/{id:[0-9]+}/correct", consoleItem(published, "/correct"), editorOnly},
		{"GET", "/items/{id:[0-9]+}/deliveries", consoleItem(draft, "/deliveries"), readers},
		{"GET", "/reviews", fixed("/reviews"), everyone},
		{"GET", "/delegations", fixed("/delegations"), "all=403 rv=200 dp=200 pr=200"},
		{"GET", "/inbox", fixed("/inbox"), everyone},
		{"GET", "/inbox/{id:[0-9]+}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/inbox/%d", f.message(u))}
		}, readers},
		{"GET", "/reports", fixed("/reports"), everyone},
		{"GET", "/repost-tasks", fixed("/repost-tasks"), everyone},
		{"GET", "/repost-tasks/new", fixed("/repost-tasks/new"), "all=403 ed=200"},
		{"GET", "/repost-tasks/{id:[0-9]+}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/repost-tasks/%d", f.repostTask(u))}
		}, readers},
		{"GET", "/admin/accounts", fixed("/admin/accounts"), adminOnly},
		{"GET", "/admin/accounts/{id:[0-9]+}/change", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/admin/accounts/%d/change", f.app(u).ID)}
		}, "all=403 ad=200,200,404,404"},
		{"GET", "/admin/requests", fixed("/admin/requests"), overseers},
		{"GET", "/admin/users", fixed("/admin/users"), adminOnly},
		{"GET", "/admin/users/{id:[0-9]+}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/admin/users/%d", f.user(u))}
		}, "all=403 ad=200,200,404,404"},
		{"GET", "/admin/dictionaries", fixed("/admin/dictionaries"), overseers},
		{"GET", "/admin/policies", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/admin/policies?unit=%d", u.ID)}
		}, "all=403 ad=200,200,404,404 au=200,200,404,404 sa=404"},
		{"GET", "/admin/holidays", fixed("/admin/holidays"), overseers},
		{"GET", "/admin/leaders", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/admin/leaders?unit=%d", u.ID)}
		}, "all=403 ad=200,200,404,404 au=200,200,404,404 sa=404"},
		{"GET", "/admin/words", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/admin/words?unit=%d", u.ID)}
		}, "all=403 ad=200,200,404,404 au=200,200,404,404 sa=404"},
		{"GET", "/admin/contacts", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/admin/contacts?unit=%d", u.ID)}
		}, "all=403 ad=200,200,404,404 au=200,200,404,404 sa=404"},
		{"GET", "/admin/audit", fixed("/admin/audit"), overseers},
	}...)
}
