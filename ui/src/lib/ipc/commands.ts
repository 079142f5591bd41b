// Typed wrappers over the desktop shell's commands (src-tauri/src/commands.rs). Argument
// and result types come from types.ts, which is generated from the Rust types; the
// mock-runtime tests in src-tauri call each command with the arguments written here.
import { Channel, invoke as shellInvoke, type InvokeArgs } from '@tauri-apps/api/core';
import type {
  AcademicYear,
  Actor,
  AuditQuery,
  AuditRow,
  SessionState,
  SyncReport,
  SyncStatus,
  User,
  UserInput,
  BackupInfo,
  BackupStatus,
  Applied,
  CashClosing,
  Collection,
  DayBook,
  Defaulter,
  Concession,
  ConcessionInput,
  FeeHead,
  HeadInput,
  LedgerEntry,
  PaymentInput,
  Receipt,
  ReceiptCheck,
  ReversalInput,
  StatementLine,
  StructureInput,
  StructureLine,
  StudentFees,
  AppError,
  AppStatus,
  AttendanceSettings,
  Calendar,
  CardView,
  CheckIn,
  ChronicAbsentee,
  ClassAttendance,
  ClassNotTaken,
  Code,
  CodeInput,
  Holiday,
  HolidayInput,
  HolderKind,
  MarkChange,
  Roll,
  RollInput,
  RollSaved,
  SettingsInput,
  Staff,
  StaffArrival,
  StaffInput,
  StudentAttendance,
  Class,
  ClassInput,
  ClassSummary,
  CountryDefaults,
  Id,
  ImportOptions,
  ImportOutcome,
  ImportPreview,
  ImportProgress,
  ImportRecord,
  OpenedFile,
  SchoolInput,
  SchoolProfile,
  SearchHit,
  SetupInput,
  StudentDetail,
  StudentFilter,
  StudentInput,
  StudentRow,
  Term,
  TermInput,
  UndoSummary,
  UpdateInfo,
  UpdateProgress,
  YearInput,
  YearWithTerms,
} from './types';

/** Every command rejects with an AppError: branch on `code`, show `message`. */
export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/** An AppError for anything a command may throw (including a bug in the shell). */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return { ...e, details: e.details ?? [] };
  return { code: 'internal', message: String(e), details: [] };
}

type ErrorListener = (error: AppError) => void;
const errorListeners = new Set<ErrorListener>();

/**
 * Calls `listener` with every command's error before the caller sees it (the lock screen
 * listens for `sign_in_required`). Returns the function that stops it.
 */
export function onCommandError(listener: ErrorListener): () => void {
  errorListeners.add(listener);
  return () => {
    errorListeners.delete(listener);
  };
}

// Tauri's invoke, telling the listeners of each refusal. (No type argument on the shell's
// call: the shell's own test reads this file for the command names it calls.)
const invoke = <T>(cmd: string, args?: InvokeArgs): Promise<T> =>
  (shellInvoke(cmd, args) as Promise<T>).catch((e: unknown) => {
    const error = toAppError(e);
    for (const listener of errorListeners) listener(error);
    throw e;
  });

export const api = {
  appStatus: () => invoke<AppStatus>('app_status'),
  /** Tells the shell the first screen is up (it logs the start-up time). */
  firstScreenShown: () => invoke<null>('first_screen_shown'),
  countryDefaults: (country: string) => invoke<CountryDefaults>('country_defaults', { country }),
  setupSchool: (input: SetupInput) => invoke<SchoolProfile>('setup_school', { input }),
  updateSchool: (input: SchoolInput) => invoke<SchoolProfile>('update_school', { input }),
  /** `logo`: the image file's bytes, base64-encoded (stored resized, as PNG). */
  setSchoolLogo: (logo: string) => invoke<void>('set_school_logo', { logo }),
  removeSchoolLogo: () => invoke<void>('remove_school_logo'),
  /** The logo as base64 PNG, or null. */
  getSchoolLogo: () => invoke<string | null>('get_school_logo'),

  /** Where backups go and the backups there, newest first. */
  backupStatus: () => invoke<BackupStatus>('backup_status'),
  /** Chooses the backup folder (null: the default in the data folder). */
  setBackupFolder: (folder: string | null) => invoke<BackupStatus>('set_backup_folder', { folder }),
  backUpNow: () => invoke<BackupInfo>('back_up_now'),
  /** The backup file Rollbook was opened with (a double-clicked .rbk), once; or null. */
  openedBackup: () => invoke<string | null>('opened_backup'),
  /** Restores a backup; resolves to where the replaced database was kept (or null). */
  restoreBackup: (path: string) => invoke<string | null>('restore_backup', { path }),

  sessionState: () => invoke<SessionState>('session_state'),
  /** Checks a PIN; refusals: wrong_pin, try_later, user_locked. */
  signIn: (userId: Id, pin: string) => invoke<Actor>('sign_in', { userId, pin }),
  lockApp: () => invoke<null>('lock_app'),
  signOut: () => invoke<null>('sign_out'),
  lockAfterMinutes: () => invoke<number>('lock_after_minutes'),
  setLockAfterMinutes: (minutes: number) => invoke<null>('set_lock_after_minutes', { minutes }),
  listUsers: () => invoke<User[]>('list_users'),
  addUser: (input: UserInput, pin: string) => invoke<User>('add_user', { input, pin }),
  updateUser: (id: Id, input: UserInput) => invoke<User>('update_user', { id, input }),
  resetUserPin: (userId: Id, pin: string) => invoke<null>('reset_user_pin', { userId, pin }),
  changeOwnPin: (current: string, pin: string) => invoke<null>('change_own_pin', { current, pin }),
  auditReport: (query: AuditQuery) => invoke<AuditRow[]>('audit_report', { query }),
  exportAudit: (query: AuditQuery, path: string) => invoke<null>('export_audit', { query, path }),
  /** The database's recovery key (administrators). */
  recoveryKey: () => invoke<string>('recovery_key'),
  /** Opens the database with the school's recovery key when this computer lacks its key. */
  openWithRecoveryKey: (recoveryKey: string) => invoke<null>('open_with_recovery_key', { recoveryKey }),

  syncStatus: () => invoke<SyncStatus>('sync_status'),
  syncNow: () => invoke<SyncReport>('sync_now'),
  /** Enrols this PC with the school's cloud; resolves to the school's name. */
  enrolDevice: (server: string, code: string, name: string) => invoke<string>('enrol_device', { server, code, name }),
  resolveSyncRejection: (entryId: string) => invoke<null>('resolve_sync_rejection', { entryId }),

  /** The update the shell's last check found (start-up, daily), without asking the cloud. */
  pendingUpdate: () => invoke<UpdateInfo | null>('pending_update'),
  /** Asks the school's cloud for a newer release now. */
  checkForUpdate: () => invoke<UpdateInfo | null>('check_for_update'),
  /** Downloads and verifies the update found, backs up, installs; the app then restarts. */
  installUpdate: (onProgress: (p: UpdateProgress) => void) =>
    invoke<null>('install_update', { progress: channel(onProgress) }),

  listYears: () => invoke<YearWithTerms[]>('list_years'),
  addYear: (input: YearInput) => invoke<AcademicYear>('add_year', { input }),
  addTerm: (year: string, input: TermInput) => invoke<Term>('add_term', { year, input }),

  listClasses: () => invoke<ClassSummary[]>('list_classes'),
  createClass: (input: ClassInput) => invoke<Class>('create_class', { input }),
  updateClass: (id: Id, input: ClassInput) => invoke<Class>('update_class', { id, input }),

  /** `limit`: the first rows only (the list's first screen); all without it. */
  listStudents: (filter: StudentFilter, limit?: number) =>
    invoke<StudentRow[]>('list_students', { filter, limit: limit ?? null }),
  getStudent: (id: Id) => invoke<StudentDetail>('get_student', { id }),
  createStudent: (input: StudentInput) => invoke<StudentDetail>('create_student', { input }),
  updateStudent: (id: Id, input: StudentInput) => invoke<StudentDetail>('update_student', { id, input }),
  searchStudents: (query: string, limit?: number) =>
    invoke<SearchHit[]>('search_students', { query, limit: limit ?? null }),
  /** `photo`: the image file's bytes, base64-encoded. */
  setStudentPhoto: (id: Id, photo: string) => invoke<void>('set_student_photo', { id, photo }),
  removeStudentPhoto: (id: Id) => invoke<void>('remove_student_photo', { id }),
  /** The stored photo as base64 JPEG, or null. */
  getStudentPhoto: (id: Id) => invoke<string | null>('get_student_photo', { id }),

  /** Reads a spreadsheet (xlsx, xlsm, xls, ods, csv) chosen by the user. */
  importOpen: (path: string) => invoke<OpenedFile>('import_open', { path }),
  /** The dry run: what importing `path` with `options` would do, writing nothing. */
  importPreview: (path: string, options: ImportOptions, onProgress: (p: ImportProgress) => void) =>
    invoke<ImportPreview>('import_preview', { path, options, progress: channel(onProgress) }),
  /** The real run: one transaction, all or nothing (or good rows only with skip_bad_rows). */
  importRun: (path: string, options: ImportOptions, onProgress: (p: ImportProgress) => void) =>
    invoke<ImportOutcome>('import_run', { path, options, progress: channel(onProgress) }),
  /** Stops the preview or run under way; a stopped run writes nothing. */
  importCancel: () => invoke<void>('import_cancel'),
  /** Saves the sheet's rows with a "Problems" column added, as .xlsx at `out`. */
  importErrorReport: (path: string, options: ImportOptions, out: string) =>
    invoke<void>('import_error_report', { path, options, out }),
  importHistory: () => invoke<ImportRecord[]>('import_history'),
  importUndoLast: () => invoke<UndoSummary>('import_undo_last'),

  /** A class roll (one class, or one sheet per class when classId is null) as .xlsx at `out`. */
  exportRoll: (classId: Id | null, out: string) => invoke<void>('export_roll', { classId, out }),
  /** Every student with their guardians as .xlsx at `out` (re-imports as it is). */
  exportStudents: (out: string) => invoke<void>('export_students', { out }),
  /** A blank import template with an instructions sheet as .xlsx at `out`. */
  exportTemplate: (out: string) => invoke<void>('export_template', { out }),
  /** The monthly attendance register (`month` YYYY-MM) of one class, or every class, as .xlsx. */
  exportRegister: (classId: Id | null, month: string, out: string) =>
    invoke<void>('export_register', { classId, month, out }),

  attendanceSettings: () => invoke<AttendanceSettings>('attendance_settings'),
  updateAttendanceSettings: (input: SettingsInput) =>
    invoke<AttendanceSettings>('update_attendance_settings', { input }),
  saveAttendanceCode: (input: CodeInput) => invoke<Code>('save_attendance_code', { input }),
  /** The calendar of a year (the current one when yearId is null). */
  getCalendar: (yearId: Id | null) => invoke<Calendar>('get_calendar', { yearId }),
  /** `days`: 1 = Monday ... 7 = Sunday. */
  setWorkingDays: (yearId: Id, days: number[]) => invoke<Calendar>('set_working_days', { yearId, days }),
  addHoliday: (yearId: Id, input: HolidayInput) => invoke<Holiday>('add_holiday', { yearId, input }),
  removeHoliday: (id: Id) => invoke<void>('remove_holiday', { id }),

  /** A class's roll; an empty date is today at the school, an empty session the first. */
  getRoll: (classId: Id, date: string, session: string) =>
    invoke<Roll>('get_roll', { classId, date, session }),
  saveRoll: (input: RollInput) => invoke<RollSaved>('save_roll', { input }),
  markHistory: (studentId: Id, date: string, session: string) =>
    invoke<MarkChange[]>('mark_history', { studentId, date, session }),
  registersNotTaken: (date: string, session: string) =>
    invoke<ClassNotTaken[]>('registers_not_taken', { date, session }),
  studentAttendance: (studentId: Id, from: string | null, to: string | null) =>
    invoke<StudentAttendance>('student_attendance', { studentId, from, to }),
  classAttendance: (classId: Id, from: string | null, to: string | null) =>
    invoke<ClassAttendance>('class_attendance', { classId, from, to }),
  chronicAbsentees: (from: string | null, to: string | null, threshold: number | null, classId: Id | null) =>
    invoke<ChronicAbsentee[]>('chronic_absentees', { from, to, threshold, classId }),

  /** The ID cards of a class's students, issuing any that are missing. */
  classCards: (classId: Id) => invoke<CardView[]>('class_cards', { classId }),
  staffCards: () => invoke<CardView[]>('staff_cards'),
  /** Replaces a lost card: the old one stops working. */
  reissueCard: (holderKind: HolderKind, holderId: Id) =>
    invoke<CardView>('reissue_card', { holderKind, holderId }),
  /** A scanned card code: marks the holder present (or late), or says why not. */
  checkIn: (code: string) => invoke<CheckIn>('check_in', { code }),

  listStaff: () => invoke<Staff[]>('list_staff'),
  createStaff: (input: StaffInput) => invoke<Staff>('create_staff', { input }),
  updateStaff: (id: Id, input: StaffInput) => invoke<Staff>('update_staff', { id, input }),
  staffArrivals: (date: string | null) => invoke<StaffArrival[]>('staff_arrivals', { date }),

  feeHeads: () => invoke<FeeHead[]>('fee_heads'),
  addFeeHead: (input: HeadInput) => invoke<FeeHead>('add_fee_head', { input }),
  feeStructure: (classId: Id | null, termId: Id | null) =>
    invoke<StructureLine[]>('fee_structure', { classId, termId }),
  setFeeStructure: (input: StructureInput) => invoke<StructureLine>('set_fee_structure', { input }),
  /** Charges the class's active students for the term (once each). */
  applyFeeStructure: (classId: Id, termId: Id, proRata: boolean) =>
    invoke<Applied>('apply_fee_structure', { classId, termId, proRata }),
  addConcession: (input: ConcessionInput) => invoke<Concession>('add_concession', { input }),
  setOptionalHead: (studentId: Id, headId: Id, takes: boolean) =>
    invoke<void>('set_optional_head', { studentId, headId, takes }),
  /** Dues by term and head, and the balance (amounts in minor units). */
  feeBalance: (studentId: Id) => invoke<StudentFees>('fee_balance', { studentId }),
  feeStatement: (studentId: Id) => invoke<StatementLine[]>('fee_statement', { studentId }),
  /** Takes a payment; resolves to its receipt, ready to print. */
  takePayment: (input: PaymentInput) => invoke<Receipt>('take_payment', { input }),
  reversePayment: (input: ReversalInput) => invoke<LedgerEntry>('reverse_payment', { input }),
  /** A receipt printed again: marked duplicate. */
  printReceipt: (receiptNo: string) => invoke<Receipt>('print_receipt', { receiptNo }),
  /** The receipt as an A5 PDF at `out` (`duplicate` for a copy printed before). */
  saveReceiptPdf: (receiptNo: string, duplicate: boolean, out: string) =>
    invoke<void>('save_receipt_pdf', { receiptNo, duplicate, out }),
  /** Checks a receipt against the ledger: its QR text, or its number and verification code. */
  verifyReceipt: (receipt: string, code: string | null) => invoke<ReceiptCheck>('verify_receipt', { receipt, code }),
  /** A day's receipts by method with the cash expected (date null: today at the school). */
  dayBook: (date: string | null) => invoke<DayBook>('day_book', { date }),
  /** Records the cash counted (as typed) against the day book's expected cash. */
  closeCash: (date: string | null, counted: string, note: string, cashier: Id | null = null) =>
    invoke<CashClosing>('close_cash', { date, counted, note, cashier }),
  /** Students owing past a due date: the amount overdue, not the total fees. */
  defaulters: (classId: Id | null) => invoke<Defaulter[]>('defaulters', { classId }),
  feeCollection: (termId: Id) => invoke<Collection>('fee_collection', { termId }),
  exportDefaulters: (classId: Id | null, out: string) => invoke<void>('export_defaulters', { classId, out }),
  exportDayBook: (date: string | null, out: string) => invoke<void>('export_day_book', { date, out }),
  exportCollection: (termId: Id, out: string) => invoke<void>('export_collection', { termId, out }),
  exportStatement: (studentId: Id, out: string) => invoke<void>('export_statement', { studentId, out }),
};

function channel<T>(onMessage: (message: T) => void): Channel<T> {
  const ch = new Channel<T>();
  ch.onmessage = onMessage;
  return ch;
}
