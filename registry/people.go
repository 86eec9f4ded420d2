package registry

import (
	"context"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
)

// errNoUser answers for a user p may not administer as for one that does
// not exist, so user ids do not leak between units.
func errNoUser(id int64) error {
	return fmt.Errorf("registry: user %d: %w", id, &tongfa.Error{Code: tongfa.ENotFound, Message: "用户不存在"})
}

// Users lists the users of the units p administers (and the units below).
func (s *Service) Users(ctx context.Context, p *access.Principal) ([]tongfa.User, error) {
	list, err := s.DB.Users(ctx, p.Tree.WithRole(p.User, tongfa.RoleAdmin))
	if list == nil {
		list = []tongfa.User{}
	}
	return list, err
}

// User returns a user whose unit p administers; others are not found.
func (s *Service) User(ctx context.Context, p *access.Principal, id int64) (*tongfa.User, error) {
	u, err := s.DB.User(ctx, id)
	if err != nil || !p.Tree.Administers(p.User, u.UnitID) {
		return nil, errNoUser(id)
	}
	return u, nil
}

// Person is a user as operators see them on records the viewer may read
// (authors, signers, assignees): never an error, 未知用户 when the user is
// gone. The console shows them with their roles.
func (s *Service) Person(ctx context.Context, id int64) *tongfa.User {
	u, err := s.DB.User(ctx, id)
	if err != nil {
		return &tongfa.User{ID: id, DisplayName: "未知用户"}
	}
	return u
}

// PersonNamed is Person for records that keep a username (audit rows and
// the timelines read from them); nil when no user has that name, as for
// the background jobs' and the command line's actors.
func (s *Service) PersonNamed(ctx context.Context, username string) *tongfa.User {
	u, err := s.DB.UserByUsername(ctx, username)
	if err != nil {
		return nil
	}
	return u
}
