package storage

import (
	"encoding/binary"

	"bhxhdesk/app/calendar"
)

// The key schema: every prefix of the store, one line each. Keys are byte strings; numbers in
// keys are big-endian so that Badger's order is numeric order; "\x00" ends a variable part that
// another part follows. "summary" values are the compact list row of encodeSummary, so that a
// queue is read from its index alone (a Badger Get costs 10–20 µs; 5,600 of them would not do).
//
//	office                               the office profile (JSON)
//	user/<name>                          an account: role, full name (JSON); its password is a keyslot in keyring.json
//	d/<code>                             a dossier (JSON), with its timeline
//	x/pid/<personal id>\x00<code>        summary; every dossier of a person, closed ones too
//	x/pidr/<personal id reversed>\x00<code>  empty; finds a personal ID by its last digits
//	x/old/<old SI code>\x00<code>        empty; the old 10-digit social-insurance code
//	x/name/<folded name>\x00<birth year>\x00<code>  summary; search by name prefix, duplicate check
//	x/word/<folded name from its 2nd, 3rd… word>\x00<code>  empty; search by a later word of the name
//	x/pid/<personal id>                  empty; some dossier of the person may be stored (presenceKeys)
//	x/name/<folded name>\x00<birth year>  empty; some dossier of that name and year may be stored
//	x/born/<folded name>\x00<birth date as stored>  empty; some dossier of that name and date may be stored
//	x/tel/<phone digits>\x00<code>       empty; search by phone number
//	x/telr/<phone digits reversed>\x00<code>  empty; search by the last digits of a phone number
//	x/code/<part of the code>\x00<code>  empty; search by the end of a dossier code ("261207-k70001", "k70001")
//	meta/indexes                         the version of the search indexes the store holds (uint64)
//	meta/format                          the format of the store's records (uint64, formatVersion)
//	x/due/<due:4><code>                  summary; pending dossiers (open or returned) by appointment date
//	x/step/<step>\x00<step due:4><code>  summary; open dossiers by step, by the step's deadline
//	x/hand/<user>\x00<due:4><code>       summary; pending dossiers by the account that last handled them
//	x/state/<state>\x00<code>            empty; dossiers by state
//	x/office/<agency>\x00<code>          empty; dossiers by receiving office
//	cnt/<state>                          number of dossiers in the state (uint64)
//	v/<voucher id>                       a payment voucher (JSON), never rewritten
//	vs/<voucher id>                      the voucher's matching state (JSON)
//	x/rcpt/<receipt no>\x00<voucher id>  empty; vouchers by receipt number (duplicate check)
//	x/vpid/<personal id>\x00<created:8><voucher id>  empty; vouchers of a person, oldest first
//	x/exc/<created:8><voucher id>        empty; vouchers in the exceptions queue, oldest first
//	p/<personal id>                      a participant (JSON): identity, registered income and method, periods
//	c/<personal id>                      a book cover (JSON), with its prints
//	x/cov/<status>\x00<created:8><personal id>  empty; covers by status, oldest first
//	x/covday/<issue date:4><personal id>  empty; covers issued on a day (batch printing)
//	meta/signing_key                     this device's Ed25519 private key for sealed printouts
//	meta/outbox_pending                  number of operations in the outbox (uint64)
//	draft/<user>                         the account's registration form in progress (JSON)
//	set/<name>                           a setting of the desk: sync cursor, central URL, device token…
//	es/<entity>                          what the centre last said of an entity's operation (JSON)
//	nt/<notice id>                       a notice from syncing for a person to decide (JSON)
//	seq/<name>                           a counter (uint64): "dossier/<yymmdd>", "outbox"
//	ob/<device seq:8>                    an outbox operation waiting for the central services (JSON)
//	meta/hlc                             the last hybrid logical clock value handed out (uint64)
//	audit/<seq:8>                        audit entry (JSON), hash-chained; seq starts at 1, no gaps
//	meta/audit_head                      {seq, hash} of the last audit entry (detects a cut tail)
var (
	keyOffice     = []byte("office")
	prefixUser    = []byte("user/")
	prefixDossier = []byte("d/")
	prefixPID     = []byte("x/pid/")
	prefixPIDRev  = []byte("x/pidr/")
	prefixOld     = []byte("x/old/")
	prefixName    = []byte("x/name/")
	prefixWord    = []byte("x/word/")
	prefixPhone   = []byte("x/tel/")
	prefixPhoneR  = []byte("x/telr/")
	prefixCode    = []byte("x/code/")
	prefixBorn    = []byte("x/born/")
	keyIndexes    = []byte("meta/indexes")
	keyFormat     = []byte("meta/format")
	prefixDue     = []byte("x/due/")
	prefixStep    = []byte("x/step/")
	prefixHandler = []byte("x/hand/")
	prefixState   = []byte("x/state/")
	prefixOffice  = []byte("x/office/")
	prefixCount   = []byte("cnt/")
	prefixSeq     = []byte("seq/")
	prefixOutbox  = []byte("ob/")
	keyHLC        = []byte("meta/hlc")
	prefixVoucher = []byte("v/")
	prefixVState  = []byte("vs/")
	prefixReceipt = []byte("x/rcpt/")
	prefixVPID    = []byte("x/vpid/")
	prefixExc     = []byte("x/exc/")
	prefixPart    = []byte("p/")
	prefixCover   = []byte("c/")
	prefixCovStat = []byte("x/cov/")
	prefixCovDay  = []byte("x/covday/")
	keySigning    = []byte("meta/signing_key")
	keyPending    = []byte("meta/outbox_pending")
	prefixSetting = []byte("set/")
	prefixDraft   = []byte("draft/")
	prefixESync   = []byte("es/")
	prefixNotice  = []byte("nt/")
	prefixAudit   = []byte("audit/")
	keyAuditHead  = []byte("meta/audit_head")
)

// key joins parts into one key; strings are copied as they are, so callers add "\x00" ends.
func key(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func date4(d calendar.Date) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, uint32(d)^(1<<31)) // sign flip keeps negative dates first
	return b
}

var sep = []byte{0}

func auditKey(seq uint64) []byte { return key(prefixAudit, u64(seq)) }

func outboxKey(seq uint64) []byte { return key(prefixOutbox, u64(seq)) }
