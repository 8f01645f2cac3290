// The error codes of the desk and the centre, grouped by the area that raises them.
// The catalogue test checks each has its Vietnamese and English messages.

package app

// Code is a stable machine code of an error (Error.Code, FieldProblem.Code, a refused
// operation's reason); it keys the message in the Catalog ("err." + code). It is a string
// alias so the codes carried in the sync payloads and the store read as before.
type Code = string

// Codes of the domain: values, rules, quotes, validation, seals (app).
const (
	CodePersonalIDCentury       Code = "personal_id_century"
	CodeAgeUnderMin             Code = "age_under_min"
	CodeBadAmount               Code = "bad_amount"
	CodeBadDate                 Code = "bad_date"
	CodeBadMonth                Code = "bad_month"
	CodeBadMonths               Code = "bad_months"
	CodeBadReceiptNo            Code = "bad_receipt_no"
	CodeBadRole                 Code = "bad_role"
	CodeBadVoucherId            Code = "bad_voucher_id"
	CodeBirthDateFormat         Code = "birth_date_format"
	CodeBirthDateFuture         Code = "birth_date_future"
	CodeCommuneFormat           Code = "commune_format"
	CodeCommuneUnknown          Code = "commune_unknown"
	CodeEmailFormat             Code = "email_format"
	CodeEthnicityUnknown        Code = "ethnicity_unknown"
	CodeFundRateMissing         Code = "fund_rate_missing"
	CodeGenderInvalid           Code = "gender_invalid"
	CodeIdLeadingZerosLost      Code = "id_leading_zeros_lost"
	CodeIncomeAboveCeiling      Code = "income_above_ceiling"
	CodeIncomeBelowFloor        Code = "income_below_floor"
	CodeIncomeStep              Code = "income_step"
	CodeLocalGroupUnknown       Code = "local_group_unknown"
	CodeMethodAheadRange        Code = "method_ahead_range"
	CodeMethodAheadYears        Code = "method_ahead_years"
	CodeMethodInvalid           Code = "method_invalid"
	CodeMethodMissingEarly      Code = "method_missing_early"
	CodeMethodMissingRange      Code = "method_missing_range"
	CodeMoneyFormat             Code = "money_format"
	CodeMonthFormat             Code = "month_format"
	CodeNameChars               Code = "name_chars"
	CodeNationalityInvalid      Code = "nationality_invalid"
	CodeNoCalendar              Code = "no_calendar"
	CodeNotPermitted            Code = "not_permitted"
	CodeNotSignedIn             Code = "not_signed_in"
	CodeOldSiCodeFormat         Code = "old_si_code_format"
	CodePersonalIdDigit         Code = "personal_id_digit"
	CodePersonalIdFormat        Code = "personal_id_format"
	CodePersonalIdProvince      Code = "personal_id_province"
	CodePersonalIdSex           Code = "personal_id_sex"
	CodePersonalIdYear          Code = "personal_id_year"
	CodePhoneFormat             Code = "phone_format"
	CodeProvinceUnknown         Code = "province_unknown"
	CodeRequired                Code = "required"
	CodeRulesMissing            Code = "rules_missing"
	CodeSealBadSignature        Code = "seal_bad_signature"
	CodeSealEncoding            Code = "seal_encoding"
	CodeSealField               Code = "seal_field"
	CodeSealFuture              Code = "seal_future"
	CodeSealKeyExpired          Code = "seal_key_expired"
	CodeSealKeyId               Code = "seal_key_id"
	CodeSealKeyNotYetValid      Code = "seal_key_not_yet_valid"
	CodeSealKeyRevoked          Code = "seal_key_revoked"
	CodeSealNotSeal             Code = "seal_not_seal"
	CodeSealOfficeMismatch      Code = "seal_office_mismatch"
	CodeSealSigningKey          Code = "seal_signing_key"
	CodeSealTrailing            Code = "seal_trailing"
	CodeSealTruncated           Code = "seal_truncated"
	CodeSealUnknownKey          Code = "seal_unknown_key"
	CodeSealVersion             Code = "seal_version"
	CodeSessionLocked           Code = "session_locked"
	CodeStopped                 Code = "stopped"
	CodeSupportGroupEthnicity   Code = "support_group_ethnicity"
	CodeSupportGroupInvalid     Code = "support_group_invalid"
	CodeTooLong                 Code = "too_long"
	CodeUnknownStep             Code = "unknown_step"
	CodeVoucherDuplicateReceipt Code = "voucher_duplicate_receipt"
	CodeVoucherIncomeBelowFloor Code = "voucher_income_below_floor"
	CodeVoucherMonthsMismatch   Code = "voucher_months_mismatch"
	CodeVoucherNameMismatch     Code = "voucher_name_mismatch"
	CodeVoucherNoQuote          Code = "voucher_no_quote"
	CodeVoucherOverpaid         Code = "voucher_overpaid"
	CodeVoucherPeriodOverlap    Code = "voucher_period_overlap"
	CodeVoucherUnderpaid        Code = "voucher_underpaid"
	CodeVoucherUnknownPerson    Code = "voucher_unknown_person"
)

// Codes of the centre and its client (central).
const (
	CodeCentralStatus      Code = "central_status"
	CodeBadBody            Code = "bad_body"
	CodeBadCentralUrl      Code = "bad_central_url"
	CodeBadCursor          Code = "bad_cursor"
	CodeBadDatabaseURL     Code = "bad_database_url"
	CodeBadEnrolment       Code = "bad_enrolment"
	CodeBadKey             Code = "bad_key"
	CodeBadKeysFile        Code = "bad_keys_file"
	CodeBadRuleFile        Code = "bad_rule_file"
	CodeBadStatePart       Code = "bad_state_part"
	CodeBadToken           Code = "bad_token"
	CodeBatchTooBig        Code = "batch_too_big"
	CodeCentralBadAnswer   Code = "central_bad_answer"
	CodeCentralBusy        Code = "central_busy"
	CodeCentralNeedsTls    Code = "central_needs_tls"
	CodeCentralUnreachable Code = "central_unreachable"
	CodeDeviceExists       Code = "device_exists"
	CodeDeviceRevoked      Code = "device_revoked"
	CodeDeviceUnknown      Code = "device_unknown"
	CodeKeyInUse           Code = "key_in_use"
	CodeKeyWithdrawn       Code = "key_withdrawn"
	CodeNotADesk           Code = "not_a_desk"
	CodeStoreUnavailable   Code = "store_unavailable"
	CodeTransferDamaged    Code = "transfer_damaged"
	CodeTransferRepeated   Code = "transfer_repeated"
	CodeUnknownOp          Code = "unknown_op"
	CodeWrongRole          Code = "wrong_role"
)

// Codes of the command line (cmd/bhxh).
const (
	CodeCalendarMissing     Code = "calendar_missing"
	CodeFileTooLarge        Code = "file_too_large"
	CodeJsonType            Code = "json_type"
	CodeJsonUnknownField    Code = "json_unknown_field"
	CodePdfUnreadable       Code = "pdf_unreadable"
	CodeVerifyNotPdfOrImage Code = "verify_not_pdf_or_image"
)

// Codes of backups and restore (continuity).
const (
	CodeBackupFolder      Code = "backup_folder"
	CodeBadBackupSettings Code = "bad_backup_settings"
)

// Codes of intake: office set-up, accounts, dossiers, workflow (intake).
const (
	CodeAlreadyReturned       Code = "already_returned"
	CodeBadAction             Code = "bad_action"
	CodeBadAgency             Code = "bad_agency"
	CodeBadCredentials        Code = "bad_credentials"
	CodeBadDevice             Code = "bad_device"
	CodeBadList               Code = "bad_list"
	CodeBadUserName           Code = "bad_user_name"
	CodeDisableSelf           Code = "disable_self"
	CodeDossierClosed         Code = "dossier_closed"
	CodeDossierCodesExhausted Code = "dossier_codes_exhausted"
	CodeDossierNotFound       Code = "dossier_not_found"
	CodeDuplicatePersonalId   Code = "duplicate_personal_id"
	// CodeOnlineOfficeUnknown: an online declaration to an office the centre does not serve.
	CodeOnlineOfficeUnknown Code = "online_office_unknown"
	// CodeReportMonthOpen: a monthly report sent before its month ended.
	CodeReportMonthOpen Code = "report_month_open"
	// CodeBadOfficeListing: an office listed for citizens without a name, province or commune.
	CodeBadOfficeListing Code = "bad_office_listing"
	// CodeOnlineCodeTaken: a desk of the office numbers its dossiers with the online device code.
	CodeOnlineCodeTaken      Code = "online_code_taken"
	CodeInternal             Code = "internal"
	CodeLastAdmin            Code = "last_admin"
	CodeMissingItemsRequired Code = "missing_items_required"
	CodeNotWorkingDay        Code = "not_working_day"
	CodeNotYourStep          Code = "not_your_step"
	// CodeStepWaitsPayment, CodeStepWaitsCover: a step its event completes (payment, cover) is
	// not advanced by hand before the event.
	CodeStepWaitsPayment      Code = "step_waits_payment"
	CodeStepWaitsCover        Code = "step_waits_cover"
	CodeOfficeExists          Code = "office_exists"
	CodePossibleDuplicate     Code = "possible_duplicate"
	CodeQuoteUnchanged        Code = "quote_unchanged"
	CodeReappointNotLater     Code = "reappoint_not_later"
	CodeReasonRequired        Code = "reason_required"
	CodeReceivedInFuture      Code = "received_in_future"
	CodeSearchTooShort        Code = "search_too_short"
	CodeStoreDamaged          Code = "store_damaged"
	CodeUnknownCommune        Code = "unknown_commune"
	CodeUnknownProvince       Code = "unknown_province"
	CodeUserExists            Code = "user_exists"
	CodeUserNotFound          Code = "user_not_found"
	CodeWorkflowNoDays        Code = "workflow_no_days"
	CodeWorkflowNotAdjustable Code = "workflow_not_adjustable"
	CodeWorkflowOverTotal     Code = "workflow_over_total"
	CodeWorkflowStepDays      Code = "workflow_step_days"
	CodeWorkflowStepRole      Code = "workflow_step_role"
	CodeWorkflowUnknownStep   Code = "workflow_unknown_step"
)

// Codes of internal/storebench (internal/storebench).
const (
	CodeStoreFailed Code = "store_failed"
)

// Codes of the office side of sync (officesync).
const (
	CodeBadChoice         Code = "bad_choice"
	CodeBadOpStatus       Code = "bad_op_status"
	CodeNoticeNotFound    Code = "notice_not_found"
	CodeNoticeResolved    Code = "notice_resolved"
	CodeReviewNeedsChoice Code = "review_needs_choice"
	CodeReviewOtherOffice Code = "review_other_office"
	CodeTransferUnknown   Code = "transfer_unknown"
)

// Codes of PDF drawing (pdf).
const (
	CodeCoversEmpty   Code = "covers_empty"
	CodeImageTooLarge Code = "image_too_large"
	CodeQrNotFound    Code = "qr_not_found"
)

// Codes of printed documents (printout).
const (
	CodeBadCoverData Code = "bad_cover_data"
)

// Codes of personal data duties (privacy).
const (
	CodeExportDamaged  Code = "export_damaged"
	CodePasswordWeak   Code = "password_weak"
	CodePersonNotFound Code = "person_not_found"
)

// Codes of records: vouchers, periods, covers (records).
const (
	CodeBadResolution          Code = "bad_resolution"
	CodeCoverAlreadyIssued     Code = "cover_already_issued"
	CodeCoverChanged           Code = "cover_changed"
	CodeCoverNotFound          Code = "cover_not_found"
	CodeCoverNotIssued         Code = "cover_not_issued"
	CodeNothingToPrint         Code = "nothing_to_print"
	CodeReprintReasonRequired  Code = "reprint_reason_required"
	CodeVoucherAlreadyRecorded Code = "voucher_already_recorded"
	CodeVoucherLate            Code = "voucher_late"
	CodeVoucherNotException    Code = "voucher_not_exception"
	CodeVoucherNotFound        Code = "voucher_not_found"
)

// Codes of voucher files (sheet).
const (
	CodeImportNotUTF8         Code = "import_not_utf8"
	CodeImportDuplicateColumn Code = "import_duplicate_column"
	CodeImportMissingColumn   Code = "import_missing_column"
	CodeImportNoHeader        Code = "import_no_header"
	CodeImportNotTable        Code = "import_not_table"
	CodeImportTooLarge        Code = "import_too_large"
	CodeImportTooManyRows     Code = "import_too_many_rows"
	CodeImportXlsLegacy       Code = "import_xls_legacy"
	CodeImportXlsxUnreadable  Code = "import_xlsx_unreadable"
)

// Codes of the encrypted store (storage).
const (
	CodeStoreNewer           Code = "store_newer"
	CodeBackupDamaged        Code = "backup_damaged"
	CodeDiskFull             Code = "disk_full"
	CodeDiskLow              Code = "disk_low"
	CodeDossierOpen          Code = "dossier_open"
	CodeKeyringDamaged       Code = "keyring_damaged"
	CodeLastUser             Code = "last_user"
	CodeLoginBackoff         Code = "login_backoff"
	CodeNotFound             Code = "not_found"
	CodeRecoverySecretChar   Code = "recovery_secret_char"
	CodeRecoverySecretFormat Code = "recovery_secret_format"
	CodeRecoverySecretTypo   Code = "recovery_secret_typo"
	CodeRecoverySecretWrong  Code = "recovery_secret_wrong"
	CodeSigningKeyEmpty      Code = "signing_key_empty"
	CodeStoreExists          Code = "store_exists"
	CodeStoreInUse           Code = "store_in_use"
	CodeStoreMissing         Code = "store_missing"
	CodeStoreUnwritable      Code = "store_unwritable"
	CodeUserMissing          Code = "user_missing"
	CodeUserNameInvalid      Code = "user_name_invalid"
	CodeVoucherExists        Code = "voucher_exists"
	CodeWriteConflict        Code = "write_conflict"
)

// Codes of the sync engine (sync).
const (
	CodeNotEnrolled Code = "not_enrolled"
)

// Codes of the desk screens (ui).
const (
	CodeDateFormat       Code = "date_format"
	CodeMonthsNotNumber  Code = "months_not_number"
	CodeNumberBetween    Code = "number_between"
	CodeOpenPdfFailed    Code = "open_pdf_failed"
	CodePasswordMismatch Code = "password_mismatch"
	CodeSaveFailed       Code = "save_failed"
)

// Codes of the desk composition (desk).
const (
	CodeEnrolUnreachable Code = "enrol_unreachable"
	CodeNoBackupFolder   Code = "no_backup_folder"
	CodeRuleFileRefused  Code = "rule_file_refused"
	CodeSetAsideFailed   Code = "set_aside_failed"
	CodeTokenOtherDesk   Code = "token_other_desk"
	CodeTokenRefused     Code = "token_refused"
)

// Codes lists every code above, for the tests that check each has its messages.
var Codes = []Code{
	CodeImportNotUTF8,
	CodePersonalIDCentury,
	CodeCentralStatus,
	CodeStoreNewer,
	CodeAgeUnderMin, CodeBadAmount, CodeBadDate, CodeBadMonth, CodeBadMonths, CodeBadReceiptNo, CodeBadRole,
	CodeBadVoucherId, CodeBirthDateFormat, CodeBirthDateFuture, CodeCommuneFormat, CodeCommuneUnknown,
	CodeEmailFormat, CodeEthnicityUnknown, CodeFundRateMissing, CodeGenderInvalid, CodeIdLeadingZerosLost,
	CodeIncomeAboveCeiling, CodeIncomeBelowFloor, CodeIncomeStep, CodeLocalGroupUnknown, CodeMethodAheadRange,
	CodeMethodAheadYears, CodeMethodInvalid, CodeMethodMissingEarly, CodeMethodMissingRange, CodeMoneyFormat,
	CodeMonthFormat, CodeNameChars, CodeNationalityInvalid, CodeNoCalendar, CodeNotPermitted, CodeNotSignedIn,
	CodeOldSiCodeFormat, CodePersonalIdDigit, CodePersonalIdFormat, CodePersonalIdProvince, CodePersonalIdSex,
	CodePersonalIdYear, CodePhoneFormat, CodeProvinceUnknown, CodeRequired, CodeRulesMissing,
	CodeSealBadSignature, CodeSealEncoding, CodeSealField, CodeSealFuture, CodeSealKeyExpired, CodeSealKeyId,
	CodeSealKeyNotYetValid, CodeSealKeyRevoked, CodeSealNotSeal, CodeSealOfficeMismatch, CodeSealSigningKey,
	CodeSealTrailing, CodeSealTruncated, CodeSealUnknownKey, CodeSealVersion, CodeSessionLocked, CodeStopped,
	CodeSupportGroupEthnicity, CodeSupportGroupInvalid, CodeTooLong, CodeUnknownStep,
	CodeVoucherDuplicateReceipt, CodeVoucherIncomeBelowFloor, CodeVoucherMonthsMismatch,
	CodeVoucherNameMismatch, CodeVoucherNoQuote, CodeVoucherOverpaid, CodeVoucherPeriodOverlap,
	CodeVoucherUnderpaid, CodeVoucherUnknownPerson, CodeBadBody, CodeBadCentralUrl, CodeBadCursor,
	CodeBadEnrolment, CodeBadKey, CodeBadKeysFile, CodeBadRuleFile, CodeBadStatePart, CodeBadToken,
	CodeBadDatabaseURL, CodeStoreUnavailable, CodeBatchTooBig, CodeCentralBadAnswer, CodeCentralBusy, CodeCentralNeedsTls,
	CodeCentralUnreachable,
	CodeDeviceExists, CodeDeviceRevoked, CodeDeviceUnknown, CodeKeyInUse, CodeKeyWithdrawn, CodeNotADesk,
	CodeTransferDamaged, CodeTransferRepeated, CodeUnknownOp, CodeWrongRole, CodeCalendarMissing,
	CodeFileTooLarge, CodeJsonType, CodeJsonUnknownField, CodePdfUnreadable, CodeVerifyNotPdfOrImage,
	CodeBackupFolder, CodeBadBackupSettings, CodeAlreadyReturned, CodeBadAction, CodeBadAgency,
	CodeBadCredentials, CodeBadDevice, CodeBadList, CodeBadUserName, CodeDisableSelf, CodeDossierClosed,
	CodeDossierCodesExhausted, CodeDossierNotFound, CodeDuplicatePersonalId, CodeInternal, CodeLastAdmin,
	CodeMissingItemsRequired, CodeNotWorkingDay, CodeNotYourStep, CodeStepWaitsPayment, CodeStepWaitsCover, CodeOfficeExists, CodePossibleDuplicate,
	CodeQuoteUnchanged, CodeReappointNotLater, CodeReasonRequired, CodeReceivedInFuture, CodeSearchTooShort,
	CodeStoreDamaged, CodeUnknownCommune, CodeUnknownProvince, CodeUserExists, CodeUserNotFound,
	CodeWorkflowNoDays, CodeWorkflowNotAdjustable, CodeWorkflowOverTotal, CodeWorkflowStepDays,
	CodeWorkflowStepRole, CodeWorkflowUnknownStep, CodeStoreFailed, CodeBadChoice, CodeBadOpStatus,
	CodeNoticeNotFound, CodeNoticeResolved, CodeReviewNeedsChoice, CodeReviewOtherOffice, CodeTransferUnknown,
	CodeCoversEmpty, CodeImageTooLarge, CodeQrNotFound, CodeBadCoverData, CodeExportDamaged, CodePasswordWeak,
	CodePersonNotFound, CodeBadResolution, CodeCoverAlreadyIssued, CodeCoverChanged, CodeCoverNotFound,
	CodeCoverNotIssued, CodeNothingToPrint, CodeReprintReasonRequired, CodeVoucherAlreadyRecorded,
	CodeVoucherLate, CodeVoucherNotException, CodeVoucherNotFound, CodeImportDuplicateColumn,
	CodeImportMissingColumn, CodeImportNoHeader, CodeImportNotTable, CodeImportTooLarge, CodeImportTooManyRows,
	CodeImportXlsLegacy, CodeImportXlsxUnreadable, CodeBackupDamaged, CodeDiskFull, CodeDiskLow,
	CodeDossierOpen, CodeKeyringDamaged, CodeLastUser, CodeLoginBackoff, CodeNotFound, CodeRecoverySecretChar,
	CodeRecoverySecretFormat, CodeRecoverySecretTypo, CodeRecoverySecretWrong, CodeSigningKeyEmpty,
	CodeStoreExists, CodeStoreInUse, CodeStoreMissing, CodeStoreUnwritable, CodeUserMissing,
	CodeUserNameInvalid, CodeVoucherExists, CodeWriteConflict, CodeNotEnrolled, CodeDateFormat,
	CodeMonthsNotNumber, CodeNumberBetween, CodeOpenPdfFailed, CodePasswordMismatch, CodeSaveFailed,
	CodeEnrolUnreachable, CodeNoBackupFolder, CodeRuleFileRefused, CodeSetAsideFailed, CodeTokenOtherDesk,
	CodeTokenRefused, CodeOnlineOfficeUnknown, CodeOnlineCodeTaken, CodeBadOfficeListing, CodeReportMonthOpen,
}

// Codes of a participant's life after registration: changes, stops, refunds, evidence,
// exclusions (app/lifecycle.go, app/benefits.go, records, the centre).
const (
	CodeLifeLeft             Code = "life_left"
	CodeChangeMidPeriod      Code = "change_mid_period"
	CodeChangePast           Code = "change_past"
	CodeChangeNothing        Code = "change_nothing"
	CodeLifeBadReason        Code = "life_bad_reason"
	CodeStopPaidMonths       Code = "stop_paid_months"
	CodeRefundNothing        Code = "refund_nothing"
	CodeRefundBadPeriod      Code = "refund_bad_period"
	CodeRefundRateChanged    Code = "refund_rate_changed"
	CodeBenefitIdentity      Code = "benefit_identity"
	CodeEvidenceGroup        Code = "evidence_group"
	CodeEvidenceYear         Code = "evidence_year"
	CodeLifeBadKind          Code = "life_bad_kind"
	CodeExcludedCompulsory   Code = "excluded_compulsory"
	CodeExcludedPension      Code = "excluded_pension"
	CodeChangeNotNext        Code = "change_not_next"
	CodeChangeMissing        Code = "change_missing"
	CodeStopTooLate          Code = "stop_too_late"
	CodeVoucherPersonLeft    Code = "voucher_person_left"
	CodeLifeNoDecision       Code = "life_no_decision"
	CodeLifeBadState         Code = "life_bad_state"
	CodeMissingTooShort      Code = "missing_too_short"
	CodeMissingNotShort      Code = "missing_not_short"
	CodeMissingMoreThanShort Code = "missing_more_than_short"
	// CodeMissingHistoryUnknown is a warning (not an error): the desk has no history to count
	// the months short.
	CodeMissingHistoryUnknown Code = "missing_history_unknown"
)

func init() {
	Codes = append(Codes, CodeLifeLeft, CodeChangeMidPeriod, CodeChangePast, CodeChangeNothing, CodeLifeBadReason, CodeStopPaidMonths,
		CodeRefundNothing, CodeRefundBadPeriod, CodeRefundRateChanged, CodeBenefitIdentity, CodeEvidenceGroup, CodeEvidenceYear,
		CodeLifeBadKind, CodeExcludedCompulsory, CodeExcludedPension, CodeMissingTooShort, CodeMissingNotShort, CodeMissingMoreThanShort,
		CodeMissingHistoryUnknown, CodeLifeBadState,
		CodeChangeNotNext, CodeChangeMissing, CodeStopTooLate, CodeVoucherPersonLeft, CodeLifeNoDecision)
}
