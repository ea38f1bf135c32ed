import CorbiCore

/// A question about the organization's own records, as ``RecordQuestionParser`` (or a
/// model's tool call) read it: what to look up, for which contact (as the person wrote
/// the name: the core resolves it), over which days. Every case is answered by one
/// read-only core query, the one a command runs.
public enum RecordQuestion: Equatable, Sendable {
    /// A field of one contact (`contacts show REF`).
    case contactField(contact: String, field: ContactField)
    /// Whether a contact has a status ("is Ben blocked?"; `contacts show REF`).
    case contactStatusIs(contact: String, status: ContactStatus)
    /// When a contact last wrote or was written to (`contacts show REF`).
    case lastContact(contact: String)
    /// Whether a contact's identifiers are suppressed, on one channel or all
    /// (`suppressions list [--channel C]`).
    case suppression(contact: String, channel: Channel?)
    /// Bookings over some days, of one contact or all (`bookings list ...`).
    case bookings(BookingQuestion)
    /// Outbound messages (`outbox list ...`).
    case outbox(OutboxQuestion)
    /// Messages contacts sent, newest first (`inbound list ...`).
    case inbound(contact: String?, limit: Int)
    /// How many contacts there are, or carry a tag, and who (`contacts list ...`).
    case contacts(tag: String?)
    /// The organization's members, or those of one role (`members list`).
    case members(role: Role?)
    /// The organization's templates, or only the approved or unapproved ones, or those
    /// of one name (`templates list [NAME]`).
    case templates(name: String?, approved: Bool?)
}

/// What of a contact a question asks for.
public enum ContactField: String, Equatable, Sendable, CaseIterable {
    /// The phone number (the WhatsApp number: the only phone a contact has).
    case phone
    case email, telegram, instagram, status, tags, notes
    /// Everything `contacts show` shows.
    case details
}

/// Which bookings a question asks about.
public struct BookingQuestion: Equatable, Sendable {
    /// The days; nil: the upcoming ones (those that have not ended).
    public var days: RecordDays?
    /// As the person wrote it.
    public var contact: String?
    /// pending, confirmed or cancelled; nil: every status (as `bookings list` lists).
    public var status: BookingStatus?
    /// Only the next one is wanted ("when is Anna's next appointment?").
    public var nextOnly: Bool

    public init(days: RecordDays? = nil, contact: String? = nil, status: BookingStatus? = nil, nextOnly: Bool = false) {
        self.days = days
        self.contact = contact
        self.status = status
        self.nextOnly = nextOnly
    }
}

/// Which outbound messages a question asks about.
public struct OutboxQuestion: Equatable, Sendable {
    public var status: MessageStatus?
    /// The days the messages are scheduled on; nil: any.
    public var days: RecordDays?
    /// As the person wrote it.
    public var contact: String?

    public init(status: MessageStatus? = nil, days: RecordDays? = nil, contact: String? = nil) {
        self.status = status
        self.days = days
        self.contact = contact
    }
}

/// Days a question names, read by the one time grammar (``TimeInput``) in the
/// organization's zone when the question is answered.
public enum RecordDays: Equatable, Sendable {
    /// One day as the time grammar reads it: `today`, `tomorrow`, `yesterday`, `fri`,
    /// `2026-04-02`.
    case day(String)
    /// Monday to Sunday of the current week.
    case thisWeek
    /// Monday to Sunday of the week after.
    case nextWeek
    /// Today and the six days after it.
    case nextSevenDays
    /// A day of a month ("April 2nd"): in the current year, or the next one when that
    /// day is more than half a year past.
    case monthDay(month: Int, day: Int)
}
