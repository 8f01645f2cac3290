package pdf

import (
	"fmt"
	"time"
)

// labels is the fixed text of the printed documents in one language. Data values are printed as
// the caller gives them; only these labels change with the language.
type labels struct {
	nation, motto  string // quốc hiệu and tiêu ngữ
	number         string // "Số" before the dossier code
	receiptTitle   string
	receiptSubject string // PDF subject metadata
	receivedFrom   string // "%s tiếp nhận hồ sơ của:" with the agency
	applicant      string
	address        string
	phone          string
	request        string
	documents      string
	statutory      string // with the number of working days
	receivedAt     string
	appointment    string
	channel        string
	payable        string
	steps          string
	step           string // with the step number
	submitter      string
	receiver       string
	signHint       string
	placeDate      func(place string, t time.Time) string
}

var labelTable = map[string]labels{
	"vi": {
		nation:         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		motto:          "Độc lập - Tự do - Hạnh phúc",
		number:         "Số",
		receiptTitle:   "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
		receiptSubject: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
		receivedFrom:   "%s tiếp nhận hồ sơ của:",
		applicant:      "Ông/Bà",
		address:        "Địa chỉ",
		phone:          "Số điện thoại",
		request:        "Nội dung yêu cầu giải quyết",
		documents:      "Thành phần hồ sơ nộp gồm",
		statutory:      "Thời hạn giải quyết theo quy định: %d ngày làm việc",
		receivedAt:     "Thời gian nhận hồ sơ",
		appointment:    "Thời gian hẹn trả kết quả",
		channel:        "Hình thức nhận kết quả",
		payable:        "Số tiền phải nộp",
		steps:          "Quy trình giải quyết",
		step:           "Bước %d",
		submitter:      "NGƯỜI NỘP HỒ SƠ",
		receiver:       "NGƯỜI TIẾP NHẬN",
		signHint:       "(Ký và ghi rõ họ tên)",
		placeDate: func(place string, t time.Time) string {
			t = t.In(vn)
			return fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", place, t.Day(), int(t.Month()), t.Year())
		},
	},
	"en": {
		nation:         "SOCIALIST REPUBLIC OF VIET NAM",
		motto:          "Independence - Freedom - Happiness",
		number:         "No.",
		receiptTitle:   "DOSSIER RECEIPT AND APPOINTMENT SLIP",
		receiptSubject: "Dossier receipt and appointment slip",
		receivedFrom:   "%s has received the dossier of:",
		applicant:      "Applicant",
		address:        "Address",
		phone:          "Phone",
		request:        "Request",
		documents:      "Documents received",
		statutory:      "Statutory processing time: %d working days",
		receivedAt:     "Received at",
		appointment:    "Results due",
		channel:        "Results delivered",
		payable:        "Amount payable",
		steps:          "Processing steps",
		step:           "Step %d",
		submitter:      "APPLICANT",
		receiver:       "RECEIVING OFFICER",
		signHint:       "(Signature and full name)",
		placeDate: func(place string, t time.Time) string {
			return fmt.Sprintf("%s, %s", place, t.In(vn).Format("2 January 2006"))
		},
	},
}
