package tongfa

import (
	"encoding/json"
	"time"
)

// MessageState is where a message from the public stands (R7). One
// function in package inbox owns every change.
type MessageState string

const (
	MessageNew      MessageState = "new"
	MessageAssigned MessageState = "assigned"
	MessageAnswered MessageState = "answered"
	MessageClosed   MessageState = "closed"
)

// MessageStates lists every message state in lifecycle order.
var MessageStates = []MessageState{MessageNew, MessageAssigned, MessageAnswered, MessageClosed}

// Label is the Chinese name shown to operators.
func (s MessageState) Label() string {
	return labelOf(s, map[MessageState]string{MessageNew: "待处理", MessageAssigned: "已分派",
		MessageAnswered: "已答复", MessageClosed: "已关闭"})
}

// Open reports whether the message still waits for an answer.
func (s MessageState) Open() bool { return s == MessageNew || s == MessageAssigned }

// Message is one comment or message from the public (R7).
type Message struct {
	ID              int64        `json:"id"`
	AccountID       int64        `json:"account_id"`
	UnitID          int64        `json:"unit_id"`
	Platform        string       `json:"platform"`
	Kind            string       `json:"kind"`
	PlatformMsgID   string       `json:"platform_msg_id"`
	PostID          string       `json:"post_id,omitempty"`
	Author          string       `json:"author"`
	Body            string       `json:"body"`
	ReceivedAt      time.Time    `json:"received_at"`
	Class           string       `json:"class"`
	ClassRule       string       `json:"class_rule"`
	ClassBy         *int64       `json:"class_by,omitempty"`
	Deadline        time.Time    `json:"deadline"`
	State           MessageState `json:"state"`
	AssigneeID      *int64       `json:"assignee_id,omitempty"`
	ExtensionDays   int          `json:"extension_days"`
	ExtensionReason string       `json:"extension_reason,omitempty"`
	ExtendedBy      *int64       `json:"extended_by,omitempty"`
	AnsweredAt      *time.Time   `json:"answered_at,omitempty"`
	CloseReason     string       `json:"close_reason,omitempty"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// AnswerState is the lifecycle of an answer to the public.
type AnswerState string

const (
	AnswerPending     AnswerState = "pending"
	AnswerRejected    AnswerState = "rejected"
	AnswerWithdrawn   AnswerState = "withdrawn"
	AnswerApproved    AnswerState = "approved"
	AnswerSending     AnswerState = "sending"
	AnswerUnconfirmed AnswerState = "unconfirmed"
	AnswerSent        AnswerState = "sent"
	AnswerFailed      AnswerState = "failed"
)

// AnswerStates lists every answer state.
var AnswerStates = []AnswerState{AnswerPending, AnswerRejected, AnswerWithdrawn, AnswerApproved, AnswerSending,
	AnswerUnconfirmed, AnswerSent, AnswerFailed}

// Label is the Chinese name shown to operators.
func (s AnswerState) Label() string {
	return labelOf(s, map[AnswerState]string{AnswerPending: "待审签", AnswerRejected: "已退回", AnswerWithdrawn: "已撤回",
		AnswerApproved: "已审签，待发送", AnswerSending: "发送中", AnswerUnconfirmed: "待核实", AnswerSent: "已发送",
		AnswerFailed: "发送失败"})
}

// Dead reports whether the answer leaves room for a new one (the
// complement of the partial unique index answers_one_live).
func (s AnswerState) Dead() bool {
	return s == AnswerRejected || s == AnswerWithdrawn || s == AnswerFailed
}

// DisclosureState is where an answer stands on the website's disclosure
// feed (R7: handling is public except where privacy forbids).
type DisclosureState string

const (
	DisclosurePending DisclosureState = "pending"
	DisclosureDone    DisclosureState = "done"
	DisclosureFailed  DisclosureState = "failed"
	DisclosurePrivate DisclosureState = "private"
)

// Label is the Chinese name shown to operators.
func (s DisclosureState) Label() string {
	return labelOf(s, map[DisclosureState]string{DisclosurePending: "待在政府网站公开", DisclosureDone: "已在政府网站公开",
		DisclosureFailed: "政府网站公开失败", DisclosurePrivate: "不公开"})
}

// Answer is a reply to one message from the public.
type Answer struct {
	ID              int64             `json:"id"`
	MessageID       int64             `json:"message_id"`
	UnitID          int64             `json:"unit_id"`
	Body            string            `json:"body"`
	BodyHash        string            `json:"body_hash"`
	Findings        json.RawMessage   `json:"findings"`
	AuthorID        int64             `json:"author_id"`
	State           AnswerState       `json:"state"`
	Tier            string            `json:"tier,omitempty"`
	SignerID        *int64            `json:"signer_id,omitempty"`
	SignedAt        *time.Time        `json:"signed_at,omitempty"`
	DecisionNote    string            `json:"decision_note,omitempty"`
	Route           string            `json:"route"`
	Steps           map[string]string `json:"steps,omitempty"`
	Attempts        int               `json:"attempts"`
	LastError       string            `json:"last_error,omitempty"`
	SentAt          *time.Time        `json:"sent_at,omitempty"`
	Disclose        bool              `json:"disclose"`
	PrivateReason   string            `json:"private_reason,omitempty"`
	DisclosureState DisclosureState   `json:"disclosure_state,omitempty"`
	DisclosureURL   string            `json:"disclosure_url,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}
