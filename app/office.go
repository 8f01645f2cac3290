package app

import (
	"regexp"
	"strings"
	"sync"
	"time"
)

// Office is the district agency that runs this desk (cơ quan BHXH cấp huyện / cơ sở): where
// dossiers are received, whose code starts every dossier code, and whose province's workflow and
// calendar apply. Device is this machine's part of the dossier codes, so that two desks of one
// office never hand out the same code without a network.
type Office struct {
	Agency   string    `json:"agency"`   // agency code, e.g. "01001"
	Name     string    `json:"name"`     // e.g. "Bảo hiểm xã hội cơ sở Ba Đình"
	Province string    `json:"province"` // current two-digit province code
	Commune  string    `json:"commune"`  // five-digit commune code
	Address  string    `json:"address,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	Device   string    `json:"device"` // two to four upper-case letters or digits
	Created  time.Time `json:"created"`
	// Workflow is the office's adjustment of its province's workflow, if any.
	Workflow *WorkflowAdjustment `json:"workflow,omitempty"`
}

// Role is what an account may do at the office.
type Role string

// The roles of an office, from the one-stop desk to the administrator.
const (
	Helpdesk   Role = "helpdesk"   // bộ phận một cửa: receives walk-ins, prints receipts
	Officer    Role = "officer"    // cán bộ nghiệp vụ: checks and processes dossiers
	Supervisor Role = "supervisor" // lãnh đạo / tổ trưởng: any step, re-appointment, rejection
	Admin      Role = "admin"      // quản trị: office profile, accounts, audit
)

// Roles lists the roles in order of responsibility.
var Roles = []Role{Helpdesk, Officer, Supervisor, Admin}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Roles {
		if r == known {
			return r, nil
		}
	}
	return "", &Error{Kind: Invalid, Code: CodeBadRole, Field: "role", Args: map[string]string{"value": s}}
}

// Permission is one guarded capability of the app services.
type Permission string

// The permissions the services check.
const (
	PermRegister    Permission = "dossier.register"
	PermView        Permission = "dossier.view"
	PermReceipt     Permission = "dossier.receipt"
	PermProcess     Permission = "dossier.process"   // advance a dossier at a step of one's role
	PermReturn      Permission = "dossier.return"    // request completion (Mẫu 02)
	PermReject      Permission = "dossier.reject"    // refuse (Mẫu 03)
	PermReappoint   Permission = "dossier.reappoint" // new appointment date (Mẫu 04)
	PermAnyStep     Permission = "dossier.any_step"  // act at a step whatever its role
	PermManageUsers Permission = "admin.users"
	PermAudit       Permission = "admin.audit"

	PermVoucher         Permission = "voucher.record"  // enter or import payment vouchers
	PermVoucherResolve  Permission = "voucher.resolve" // decide exceptions
	PermPersonView      Permission = "person.view"     // the electronic book, covers
	PermCoverIssue      Permission = "cover.issue"     // issue a book cover
	PermCoverPrint      Permission = "cover.print"     // print a cover's confirmation
	PermResolveConflict Permission = "sync.resolve"    // decide identity reviews and sync conflicts
	PermSync            Permission = "sync.run"        // start a sync round
	PermWorkflow        Permission = "admin.workflow"  // adjust the province workflow's days and roles, where allowed
)

var rolePermissions = map[Role][]Permission{
	Helpdesk: {PermRegister, PermView, PermReceipt, PermProcess, PermPersonView, PermCoverPrint, PermSync},
	Officer: {PermRegister, PermView, PermReceipt, PermProcess, PermReturn, PermReject,
		PermVoucher, PermVoucherResolve, PermPersonView, PermCoverIssue, PermCoverPrint, PermSync},
	Supervisor: {PermRegister, PermView, PermReceipt, PermProcess, PermReturn, PermReject, PermReappoint, PermAnyStep, PermAudit,
		PermVoucher, PermVoucherResolve, PermPersonView, PermCoverIssue, PermCoverPrint, PermResolveConflict, PermSync},
	Admin: {PermView, PermManageUsers, PermAudit, PermSync, PermWorkflow},
}

// Can reports whether the role holds the permission.
func (r Role) Can(p Permission) bool {
	for _, q := range rolePermissions[r] {
		if q == p {
			return true
		}
	}
	return false
}

// User is an account of the office. Its password lives only in the store's keyring (as a
// keyslot), never here.
type User struct {
	Name     string    `json:"name"` // login name, lower case
	FullName string    `json:"full_name,omitempty"`
	Role     Role      `json:"role"`
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled,omitempty"`
}

// DisplayName is the full name when known, else the login name.
func (u User) DisplayName() string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Name
}

// DefaultIdle is how long a session stays open without activity before it locks.
const DefaultIdle = 10 * time.Minute

// Session is a signed-in user at this desk. Every service call passes it; the services check
// the permission and that the session has not locked after being idle, so a screen that forgot
// to hide a button still cannot do what the role may not.
type Session struct {
	User   User
	Office Office
	Idle   time.Duration // DefaultIdle when zero; negative never locks (command line)
	now    func() time.Time

	mu     sync.Mutex
	last   time.Time
	locked bool
}

// NewSession starts a session at now.
func NewSession(u User, o Office, now func() time.Time) *Session {
	if now == nil {
		now = time.Now
	}
	return &Session{User: u, Office: o, now: now, last: now()}
}

// Touch records activity; it does not reopen a locked session.
func (s *Session) Touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.lockedLocked() {
		s.last = s.now()
	}
}

// Locked reports whether the session has locked (idle too long or locked by hand).
func (s *Session) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lockedLocked()
}

func (s *Session) lockedLocked() bool {
	idle := s.Idle
	if idle == 0 {
		idle = DefaultIdle
	}
	if !s.locked && idle > 0 && s.now().Sub(s.last) >= idle {
		s.locked = true
	}
	return s.locked
}

// Lock locks the session now.
func (s *Session) Lock() {
	s.mu.Lock()
	s.locked = true
	s.mu.Unlock()
}

// Unlock reopens a locked session; the caller has checked the user's password.
func (s *Session) Unlock() {
	s.mu.Lock()
	s.locked, s.last = false, s.now()
	s.mu.Unlock()
}

// Require checks that the session is open and its role holds p, and records the activity.
func (s *Session) Require(p Permission) error {
	if s == nil {
		return Errorf(Forbidden, CodeNotSignedIn)
	}
	if s.Locked() {
		return Errorf(Forbidden, CodeSessionLocked)
	}
	if s.User.Disabled || !s.User.Role.Can(p) {
		return Errorf(Forbidden, CodeNotPermitted, "role", string(s.User.Role), "permission", string(p))
	}
	s.Touch()
	return nil
}

// AgencyPattern is the form of an agency code (mã cơ quan BHXH).
var AgencyPattern = regexp.MustCompile(`^[A-Z0-9]{2,10}$`)
