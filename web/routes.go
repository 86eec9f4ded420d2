package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/tongfa/tongfa"
)

var (
	errNoRoute  = &tongfa.Error{Code: tongfa.ENotFound, Message: "接口不存在"}
	errNoMethod = &tongfa.Error{Code: tongfa.ENotFound, Message: "接口不支持该请求方法"}
)

// signers may hold a sign-off level (delegates hold one of these roles too).
var signers = perm{tongfa.RoleReviewer, tongfa.RoleDeputy, tongfa.RolePrincipal}

// workers edit or sign: they assemble, preview and cancel editions.
var workers = perm{tongfa.RoleEditor, tongfa.RoleReviewer, tongfa.RoleDeputy, tongfa.RolePrincipal}

// routes declares every API endpoint with the roles it needs.
func (s *Server) routes(api *mux.Router) {
	api.HandleFunc("/session", s.handleLogin).Methods(http.MethodPost)
	api.Handle("/session", s.authed(s.handleLogout, anyRole)).Methods(http.MethodDelete)
	api.Handle("/me", s.authed(s.handleMe, anyRole)).Methods(http.MethodGet)
	api.Handle("/me/totp", s.authed(s.handleTOTPStatus, anyRole)).Methods(http.MethodGet)
	api.Handle("/me/wechat", s.authed(s.handleMyWeChat, anyRole)).Methods(http.MethodGet)
	api.Handle("/me/wechat", s.authed(s.handleSetMyWeChat, anyRole)).Methods(http.MethodPut)
	api.Handle("/me/totp", s.authed(s.handleTOTPStart, anyRole)).Methods(http.MethodPost)
	api.Handle("/me/totp/confirm", s.authed(s.handleTOTPConfirm, anyRole)).Methods(http.MethodPost)
	api.Handle("/users/{id}/totp", s.authed(s.handleTOTPReset, perm{tongfa.RoleAdmin})).Methods(http.MethodDelete)
	api.Handle("/users/{id}/password-reset", s.authed(s.handlePasswordReset, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)

	api.Handle("/check", s.authed(s.handleCheck, anyRole)).Methods(http.MethodPost)
	api.Handle("/items", s.authed(s.handleCreateItem, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	api.Handle("/items", s.authed(s.handleListItems, anyRole)).Methods(http.MethodGet)
	api.Handle("/items/{id}", s.authed(s.handleGetItem, anyRole)).Methods(http.MethodGet)
	api.Handle("/items/{id}", s.authed(s.handleUpdateItem, perm{tongfa.RoleEditor})).Methods(http.MethodPut)

	api.Handle("/items/{id}/attachments/{hash}/mask", s.authed(s.handleMaskAttachment, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	api.Handle("/media", s.authed(s.handleUpload, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	api.Handle("/media", s.authed(s.handleListMedia, anyRole)).Methods(http.MethodGet)
	api.Handle("/media/{hash}", s.authed(s.handleGetMedia, anyRole)).Methods(http.MethodGet)
	api.Handle("/media/{hash}", s.authed(s.handleDescribeMedia, perm{tongfa.RoleEditor})).Methods(http.MethodPut)
	api.Handle("/media/{hash}/check", s.authed(s.handleCheckMedia, anyRole)).Methods(http.MethodGet)

	api.Handle("/items/{id}/submit", s.authed(s.handleSubmit, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	api.Handle("/items/{id}/submission", s.authed(s.handleWithdrawSubmission, anyRole)).Methods(http.MethodDelete)
	api.Handle("/items/{id}/signoffs", s.authed(s.handleSign, signers)).Methods(http.MethodPost)
	api.Handle("/items/{id}/signoffs", s.authed(s.handleSignoffs, anyRole)).Methods(http.MethodGet)
	api.Handle("/reviews", s.authed(s.handleReviewQueue, anyRole)).Methods(http.MethodGet)
	api.Handle("/delegations", s.authed(s.handleDelegate, signers)).Methods(http.MethodPost)
	api.Handle("/delegations", s.authed(s.handleDelegations, anyRole)).Methods(http.MethodGet)
	api.Handle("/notifications", s.authed(s.handleNotifications, anyRole)).Methods(http.MethodGet)

	api.Handle("/items/{id}/deliveries", s.authed(s.handleDeliveries, anyRole)).Methods(http.MethodGet)
	api.Handle("/items/{id}/withdraw", s.authed(s.handleWithdraw, perm{tongfa.RoleDeputy, tongfa.RolePrincipal, tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/deliveries/{id}/{action:retry|abandon}", s.authed(s.handleDeliveryAction, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/manual-tasks", s.authed(s.handleManualTasks, anyRole)).Methods(http.MethodGet)
	api.Handle("/manual-tasks/{id}", s.authed(s.handleManualTask, anyRole)).Methods(http.MethodGet)
	api.Handle("/manual-tasks/{id}/download", s.authed(s.handleManualDownload, anyRole)).Methods(http.MethodGet)
	api.Handle("/manual-tasks/{id}/confirm", s.authed(s.handleManualConfirm, perm{tongfa.RoleEditor, tongfa.RoleAdmin})).Methods(http.MethodPost)

	api.Handle("/items/{id}/stats", s.authed(s.handleItemStats, anyRole)).Methods(http.MethodGet)
	api.Handle("/accounts/{id}/stats", s.authed(s.handleAccountStats, anyRole)).Methods(http.MethodGet)
	api.Handle("/repost-tasks", s.authed(s.handleCreateRepostTask, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	api.Handle("/repost-tasks", s.authed(s.handleRepostTasks, anyRole)).Methods(http.MethodGet)
	api.Handle("/repost-tasks/{id}", s.authed(s.handleRepostTask, anyRole)).Methods(http.MethodGet)
	api.Handle("/items/{id}/timeline", s.authed(s.handleTimeline, anyRole)).Methods(http.MethodGet)
	api.Handle("/items/{id}/schedule", s.authed(s.handleSchedule, anyRole)).Methods(http.MethodPost)
	api.Handle("/editions", s.authed(s.handleCreateEdition, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	api.Handle("/editions/{id}", s.authed(s.handleGetEdition, anyRole)).Methods(http.MethodGet)
	api.Handle("/editions", s.authed(s.handleListEditions, anyRole)).Methods(http.MethodGet)
	api.Handle("/editions/{id}/confirm", s.authed(s.handleConfirmEdition, signers)).Methods(http.MethodPost)
	api.Handle("/editions/{id}/cancel", s.authed(s.handleCancelEdition, workers)).Methods(http.MethodPost)
	api.Handle("/editions/{id}/preview", s.authed(s.handlePreviewEdition, workers)).Methods(http.MethodPost)
	api.Handle("/items/{id}/preview", s.authed(s.handlePreviewItem, workers)).Methods(http.MethodPost)
	api.Handle("/urgent", s.authed(s.handleUrgent, anyRole)).Methods(http.MethodGet)
	api.Handle("/frequency", s.authed(s.handleFrequency, anyRole)).Methods(http.MethodGet)
	api.Handle("/frequency/weekly", s.authed(s.handleWeekly, anyRole)).Methods(http.MethodGet)
	api.Handle("/interpretations", s.authed(s.handleInterpretations, anyRole)).Methods(http.MethodGet)
	api.Handle("/alerts", s.authed(s.handleAlerts, anyRole)).Methods(http.MethodGet)
	api.Handle("/holidays", s.authed(s.handleHolidays, anyRole)).Methods(http.MethodGet)
	api.Handle("/holidays", s.authed(s.handleImportHolidays, perm{tongfa.RoleSysAdmin})).Methods(http.MethodPost)

	api.Handle("/accounts", s.authed(s.handleCreateAccount, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/accounts", s.authed(s.handleListAccounts, anyRole)).Methods(http.MethodGet)
	api.Handle("/accounts/{id}/grants", s.authed(s.handleGrants, anyRole)).Methods(http.MethodGet)
	api.Handle("/accounts/{id}/grants", s.authed(s.handleGrant, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/accounts/{id}/grants/{unit}", s.authed(s.handleRevokeGrant, perm{tongfa.RoleAdmin})).Methods(http.MethodDelete)

	api.Handle("/tokens", s.authed(s.handleTokens, anyRole)).Methods(http.MethodGet)
	api.Handle("/tokens", s.authed(s.handleCreateToken, anyRole)).Methods(http.MethodPost)
	api.Handle("/tokens/{id}", s.authed(s.handleRevokeToken, anyRole)).Methods(http.MethodDelete)
	api.Handle("/robots", s.authed(s.handleRobots, perm{tongfa.RoleAdmin})).Methods(http.MethodGet)
	api.Handle("/robots", s.authed(s.handleCreateRobot, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)

	api.Handle("/items/{id}/correct", s.authed(s.handleCorrect, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	api.Handle("/accounts/consistency", s.authed(s.handleConsistency, anyRole)).Methods(http.MethodGet)
	api.Handle("/accounts/{id}/requests", s.authed(s.handleAccountChange, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/account-requests", s.authed(s.handleAccountRequests, anyRole)).Methods(http.MethodGet)
	api.Handle("/account-requests/{id}/{decision:approve|reject}", s.authed(s.handleDecideRequest, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/account-requests/{id}/filed", s.authed(s.handleFiled, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/users", s.authed(s.handleUsers, perm{tongfa.RoleAdmin})).Methods(http.MethodGet)
	api.Handle("/users", s.authed(s.handleCreateUser, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/users/{id}/disable", s.authed(s.handleDisableUser, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/users/{id}/roles", s.authed(s.handleRoles, perm{tongfa.RoleAdmin, tongfa.RoleSysAdmin})).Methods(http.MethodPost)
	api.Handle("/dictionaries", s.authed(s.handleDictionaries, overseers)).Methods(http.MethodGet)
	api.Handle("/dictionaries", s.authed(s.handleSetDictionary, perm{tongfa.RoleSysAdmin})).Methods(http.MethodPost)
	api.Handle("/dictionaries/{name}/rollback", s.authed(s.handleSetDictionary, perm{tongfa.RoleSysAdmin})).Methods(http.MethodPost)
	api.Handle("/patrol/{id}", s.authed(s.handlePatrol, anyRole)).Methods(http.MethodGet)
	api.Handle("/units/{id}/policies/{kind:tier|clock}", s.authed(s.handlePolicies, anyRole)).Methods(http.MethodGet)
	api.Handle("/units/{id}/policies/{kind:tier|clock}", s.authed(s.handleSetPolicy, perm{tongfa.RoleAdmin})).Methods(http.MethodPut)
	api.Handle("/units/{id}/leaders", s.authed(s.handleLeaders, anyRole)).Methods(http.MethodGet)
	api.Handle("/units/{id}/leaders", s.authed(s.handleSetLeaders, perm{tongfa.RoleAdmin})).Methods(http.MethodPut)
	api.Handle("/units/{id}/leaders/rollback", s.authed(s.handleRollbackLeaders, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/units/{id}/words", s.authed(s.handleUnitWords, anyRole)).Methods(http.MethodGet)
	api.Handle("/units/{id}/words", s.authed(s.handleSetUnitWords, perm{tongfa.RoleAdmin})).Methods(http.MethodPut)
	api.Handle("/units/{id}/contacts", s.authed(s.handleUnitContacts, anyRole)).Methods(http.MethodGet)
	api.Handle("/units/{id}/contacts", s.authed(s.handleSetUnitContacts, perm{tongfa.RoleAdmin})).Methods(http.MethodPut)
	api.Handle("/units/{id}/words/rollback", s.authed(s.handleRollbackUnitWords, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)

	api.Handle("/inbox", s.authed(s.handleInbox, anyRole)).Methods(http.MethodGet)
	api.Handle("/inbox/{id}", s.authed(s.handleMessage, anyRole)).Methods(http.MethodGet)
	api.Handle("/inbox/{id}/{action:class|assign|extend|close}", s.authed(s.handleMessageAction, anyRole)).Methods(http.MethodPost)
	api.Handle("/inbox/{id}/answers/check", s.authed(s.handleAnswerCheck, anyRole)).Methods(http.MethodPost)
	api.Handle("/inbox/{id}/answers", s.authed(s.handleAnswer, perm{tongfa.RoleEditor, tongfa.RoleAdmin})).Methods(http.MethodPost)
	api.Handle("/inbox/{id}/answers", s.authed(s.handleAnswers, anyRole)).Methods(http.MethodGet)
	api.Handle("/answers/pending", s.authed(s.handleAnswersToSign, anyRole)).Methods(http.MethodGet)
	api.Handle("/answers/{id}/{action:signoff|withdraw|confirm}", s.authed(s.handleAnswerAction, anyRole)).Methods(http.MethodPost)

	api.Handle("/reports/{kind}", s.authed(s.handleReport, anyRole)).Methods(http.MethodGet)

	api.Handle("/audit", s.authed(s.handleAudit, overseers)).Methods(http.MethodGet)
}
