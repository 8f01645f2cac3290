package central

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"bhxhdesk/contract"
	"bhxhdesk/internal/envelope"

	"golang.org/x/crypto/hkdf"

	"bhxhdesk/app"
)

// An offline transfer file (tệp chuyển dữ liệu) carries a desk's pending operations to the
// centre when there is no link for weeks — on a USB stick, by post — and the centre's answer
// back. Its layout:
//
//	"BHXHXFR1"  magic
//	uint32      length of the header, then the header (JSON, readable): kind (request or
//	            answer), office, device, sequence number, time
//	rest        AES-256-GCM(nonce ‖ ciphertext) of the JSON payload, with the magic and header
//	            as additional data
//
// The key is derived (HKDF-SHA256) from the device's token as the centre keeps it (its
// SHA-256), so only that desk and the centre can write or read its files: the GCM tag is the
// file's signature, and a changed byte anywhere — header included — is refused. A request
// carries every operation still pending, so a file lost on the way is made good by the next;
// the centre applies a desk's files in increasing sequence and refuses one whose number is not
// past the last it applied (a repeated or older file). Operations are applied exactly once
// whatever path they come by.

const transferMagic = "BHXHXFR1"

// The kinds of transfer files.
const (
	TransferRequest = "request"
	TransferAnswer  = "answer"
)

// TransferHeader is the readable part of a transfer file.
type TransferHeader struct {
	Version int       `json:"version"`
	Kind    string    `json:"kind"`
	Office  string    `json:"office"`
	Device  string    `json:"device"` // TransferID of the device's token: names it without revealing it
	Seq     uint64    `json:"seq"`
	Created time.Time `json:"created"`
}

// TransferRequestBody is what a desk sends: its pending operations and its pull cursor.
type TransferRequestBody struct {
	Ops    []contract.Op `json:"ops"`
	Cursor uint64        `json:"cursor"`
}

// TransferAnswerBody is what the centre sends back: the result of each operation and the
// changes after the desk's cursor.
type TransferAnswerBody struct {
	Results []contract.OpResult `json:"results"`
	Page    contract.Page       `json:"page"`
}

// TransferID names a device in transfer files: derived from its token hash, so the centre finds
// the device and nobody learns the token.
func TransferID(tokenHash string) string {
	h := sha256.Sum256([]byte("bhxh transfer id\x00" + tokenHash))
	return fmt.Sprintf("%x", h[:8])
}

func transferKey(tokenHash string, h TransferHeader) ([]byte, error) {
	key := make([]byte, 32)
	salt := sha256.Sum256([]byte(h.Office + "/" + h.Device))
	_, err := io.ReadFull(hkdf.New(sha256.New, []byte(tokenHash), salt[:], []byte("bhxh transfer v1")), key)
	return key, err
}

func transferAEAD(tokenHash string, h TransferHeader) (*envelope.Key, error) {
	key, err := transferKey(tokenHash, h)
	if err != nil {
		return nil, err
	}
	return envelope.New(key)
}

// SealTransfer writes a transfer file: the header in the clear, the payload encrypted and
// authenticated with the key of the device's token (tokenHash = TokenHash(token)).
func SealTransfer(h TransferHeader, tokenHash string, payload any) ([]byte, error) {
	h.Version = 1
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	aead, err := transferAEAD(tokenHash, h)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(transferMagic)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(hb)))
	buf.Write(hb)
	return aead.Seal(buf.Bytes(), plain, bytes.Clone(buf.Bytes()))
}

func badTransfer(why string) error {
	return &app.Error{Kind: app.Invalid, Code: app.CodeTransferDamaged, Args: map[string]string{"why": why}}
}

// ReadTransferHeader reads a transfer file's header without decrypting it.
func ReadTransferHeader(data []byte) (TransferHeader, int, error) {
	var h TransferHeader
	if len(data) < len(transferMagic)+4 || string(data[:len(transferMagic)]) != transferMagic {
		return h, 0, badTransfer("magic")
	}
	n := int(binary.BigEndian.Uint32(data[len(transferMagic):]))
	end := len(transferMagic) + 4 + n
	if n > 1<<16 || end > len(data) {
		return h, 0, badTransfer("header")
	}
	if err := json.Unmarshal(data[len(transferMagic)+4:end], &h); err != nil || h.Version != 1 ||
		(h.Kind != TransferRequest && h.Kind != TransferAnswer) {
		return h, 0, badTransfer("header")
	}
	return h, end, nil
}

// OpenTransfer decrypts a transfer file with the device's token hash into out; a file that
// was changed, cut, or made with another key is refused.
func OpenTransfer(data []byte, tokenHash string, out any) (TransferHeader, error) {
	h, end, err := ReadTransferHeader(data)
	if err != nil {
		return h, err
	}
	aead, err := transferAEAD(tokenHash, h)
	if err != nil {
		return h, err
	}
	sealed := data[end:]
	if len(sealed) < envelope.Overhead {
		return h, badTransfer("truncated")
	}
	plain, err := aead.Open(sealed, data[:end])
	if err != nil {
		return h, badTransfer("signature")
	}
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return h, badTransfer("content")
	}
	return h, nil
}

// answerLimit bounds the changes one answer file carries; the rest come with the next.
const answerLimit = 5000

// ImportTransfer applies a desk's transfer file exactly once and returns the answer file. The
// file must come from an enrolled, not revoked device, open with its key, and carry a sequence
// number past the last one applied for that device; its operations are applied in the same
// transaction that records the number.
func (s *Service) ImportTransfer(ctx context.Context, data []byte) ([]byte, error) {
	h, _, err := ReadTransferHeader(data)
	if err != nil {
		return nil, err
	}
	if h.Kind != TransferRequest {
		return nil, badTransfer("kind")
	}
	var dev Device
	err = s.Store.View(ctx, func(tx Tx) error {
		devs, err := tx.DevicesOf(h.Office)
		if err != nil {
			return err
		}
		for _, d := range devs {
			if d.Office == h.Office && d.Revoked.IsZero() && TransferID(d.TokenHash) == h.Device {
				dev = d
				return nil
			}
		}
		return &app.Error{Kind: app.Forbidden, Code: app.CodeBadToken}
	})
	if err != nil {
		return nil, err
	}
	var req TransferRequestBody
	if _, err := OpenTransfer(data, dev.TokenHash, &req); err != nil {
		return nil, err
	}
	if len(req.Ops) > 100*maxBatch {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBatchTooBig, Args: map[string]string{"max": fmt.Sprint(100 * maxBatch)}}
	}
	now := s.now(ctx)
	// In transactions of pushChunk operations, as over the network: a transfer file holds weeks
	// of work and a store transaction has a size limit. The file's number is recorded with the
	// last part, so a file cut short by a crash is applied again whole, what was applied coming
	// back as duplicates. Each part checks the number under the device's lock in its own
	// transaction: of two imports of one file at once, one applies it and the other is refused.
	results := make([]contract.OpResult, 0, len(req.Ops))
	repeats := 0
	size := pushChunk
	if c, ok := s.Store.(txSizer); ok && c.TxOps() > 0 {
		size = c.TxOps()
	}
	for start := 0; start == 0 || start < len(req.Ops); start += size {
		part := req.Ops[start:min(start+size, len(req.Ops))]
		res := make([]contract.OpResult, len(part))
		n := 0
		err = s.Store.Update(ctx, func(tx Tx) error {
			if err := tx.LockDevice(dev.ID); err != nil {
				return err
			}
			last, err := tx.TransferSeq(dev.ID)
			if err != nil {
				return err
			}
			if h.Seq <= last {
				return &app.Error{Kind: app.Conflict, Code: app.CodeTransferRepeated,
					Args: map[string]string{"seq": fmt.Sprint(h.Seq), "last": fmt.Sprint(last)}}
			}
			if n, err = s.push(tx, dev, part, applyOrder(part), res, now); err != nil {
				return err
			}
			if start+size >= len(req.Ops) {
				return tx.PutTransferSeq(dev.ID, h.Seq)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		results, repeats = append(results, res...), repeats+n
	}
	if s.OnPush != nil {
		s.OnPush(ctx, dev.ID, len(req.Ops), repeats)
	}
	// Transfer files do not say whether the desk takes office records (files from desks of
	// before 2026-12 exist): their answers carry none, so a desk that syncs only by file does
	// not receive its office's other desks' records.
	dev.TakesOfficeRecords = false
	page, err := s.Pull(ctx, dev, req.Cursor, answerLimit)
	if err != nil {
		return nil, err
	}
	return SealTransfer(TransferHeader{Kind: TransferAnswer, Office: h.Office, Device: h.Device, Seq: h.Seq, Created: now},
		dev.TokenHash, TransferAnswerBody{Results: results, Page: page})
}
