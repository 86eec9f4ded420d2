package tongfa

import "time"

// Unit is an office. A supervising unit (ParentID nil) oversees host units.
type Unit struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	ParentID  *int64    `json:"parent_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Grant gives a user a role in a unit.
type Grant struct {
	UnitID int64 `json:"unit_id"`
	Role   Role  `json:"role"`
}

// User is a person who logs in to the console or uses an API token.
type User struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	UnitID      int64      `json:"unit_id"`
	Disabled    bool       `json:"disabled"`
	Grants      []Grant    `json:"grants"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// HasRole reports whether u holds role r in unit id.
func (u *User) HasRole(unitID int64, r Role) bool {
	for _, g := range u.Grants {
		if g.UnitID == unitID && g.Role == r {
			return true
		}
	}
	return false
}

// HasAnyRole reports whether u holds role r in any unit.
func (u *User) HasAnyRole(r Role) bool {
	for _, g := range u.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}
