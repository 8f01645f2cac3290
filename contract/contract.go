// Package contract is the vocabulary of the sync protocol between the desks and the central
// services (DESIGN §3): the messages of a sync round — the operations a desk pushes (Op), the
// centre's answer to each (OpResult), the pages of changes it sends back (Page, Change), the
// audit anchors — their kinds and statuses, and the lines of an office's digest. The strings
// are the protocol — desks in the field send and read them — so they live here once, for the
// desk (app) and the centre (central) alike, with the versioned payload structs they carry
// (payloads.go), which app maps to and from its domain values in one place (app/payload.go). The
// golden files of app's payload tests pin every one of them.
//
// It imports nothing of the module: every package of the protocol may import it.
package contract

// OpKind is the kind of an operation a desk pushes (Op.Kind).
type OpKind = string

// The operations a desk pushes.
const (
	OpDossierCreate   OpKind = "dossier.create"   // a registration received (payload: DossierV1)
	OpDossierEvent    OpKind = "dossier.event"    // a step of the workflow (DossierEventV1)
	OpVoucherAdd      OpKind = "voucher.add"      // a payment voucher recorded (VoucherV1)
	OpPeriodAdd       OpKind = "period.add"       // a participation period appended (PeriodV1)
	OpCoverCreate     OpKind = "cover.create"     // the book cover's data made (CoverV1)
	OpCoverIssue      OpKind = "cover.issue"      // the electronic book cover issued (CoverV1)
	OpCoverPrint      OpKind = "cover.print"      // a confirmation printed (PrintV1)
	OpIdentityResolve OpKind = "identity.resolve" // an identity review decided (IdentityReviewV1)
	OpOfficeWorkflow  OpKind = "office.workflow"  // the office's workflow adjusted (OfficeWorkflowV1)
	OpReportMonthly   OpKind = "report.monthly"   // the office's report for a month (MonthlyReportV1)
	// OpParticipantEvent: a decision on a participant after registration — a change of income or
	// method, a stop, a refund with its calculation, the evidence of a support group (LifeEventV1).
	OpParticipantEvent OpKind = "participant.event"
)

// OpKinds are every operation kind, in the order of the list above.
var OpKinds = []OpKind{OpDossierCreate, OpDossierEvent, OpVoucherAdd, OpPeriodAdd, OpCoverCreate, OpCoverIssue, OpCoverPrint,
	OpIdentityResolve, OpOfficeWorkflow, OpReportMonthly, OpParticipantEvent}

// ChangeKind is the kind of a change the centre sends an office (Change.Kind).
type ChangeKind = string

// The changes the central services send an office (pull), and the payload each carries:
// FeedVoucherV1, CoverConfirmedV1, IdentityReviewV1 (twice), ParticipantV1, RuleFileV1, an
// OpResult, CoverConflictV1, OfficeWorkflowV1 and OfficeRecordV1.
const (
	ChangeVoucher        ChangeKind = "voucher.feed"      // a payment voucher from the central accounting feed
	ChangeCoverConfirmed ChangeKind = "cover.confirmed"   // the records service confirmed a book cover
	ChangeIdentityReview ChangeKind = "identity.review"   // a personal ID is known with differing identities
	ChangeIdentityFixed  ChangeKind = "identity.resolved" // a review was decided: the identity to use
	ChangeParticipant    ChangeKind = "participant"       // a participant of the office's area (identity, periods)
	ChangeRuleFile       ChangeKind = "rules.file"        // a rule table, calendar, workflow or trusted-keys file
	ChangeOpConflict     ChangeKind = "op.conflict"       // the centre later found an operation in conflict
	ChangeCoverConflict  ChangeKind = "cover.conflict"    // another office that registered the person made a cover too
	ChangeOfficeWorkflow ChangeKind = OpOfficeWorkflow    // another desk of the office adjusted its workflow
	ChangeOfficeRecord   ChangeKind = "office.record"     // another desk of the office made or changed a record
)

// OpStatus is the centre's answer to one operation (OpResult.Status).
type OpStatus = string

// The answers to a pushed operation.
const (
	OpApplied   OpStatus = "applied"
	OpDuplicate OpStatus = "duplicate"
	OpConflict  OpStatus = "conflict"
	OpRejected  OpStatus = "rejected"
)
