import Foundation

/// Outbound messages of one day (see ``AppDatabase/monitoringSummaries(_:days:through:)``
/// for what each count means).
public struct OutboundDayCounts: Codable, Equatable, Sendable {
    public var drafted = 0
    public var sent = 0
    public var delivered = 0
    public var read = 0
    public var failed = 0
    public var retrying = 0
    public var pending = 0
    public var cancelled = 0

    public init() {}

    enum CodingKeys: String, CodingKey { case drafted, sent, delivered, read, failed, retrying, pending, cancelled }
}

/// Inbound messages of one day.
public struct InboundDayCounts: Codable, Equatable, Sendable {
    public var received = 0
    public var unknownSenders = 0
    public var optOuts = 0

    public init() {}

    enum CodingKeys: String, CodingKey { case received, unknownSenders, optOuts }
}

/// Bookings of one day.
public struct BookingDayCounts: Codable, Equatable, Sendable {
    public var created = 0
    public var confirmed = 0
    public var cancelled = 0
    public var scheduledToday = 0

    public init() {}

    enum CodingKeys: String, CodingKey { case created, confirmed, cancelled, scheduledToday }
}

/// Contacts of one day.
public struct ContactDayCounts: Codable, Equatable, Sendable {
    public var added = 0

    public init() {}
}

/// Questions to the assistant of one day.
public struct AssistantDayCounts: Codable, Equatable, Sendable {
    public var asked = 0
    public var answered = 0
    public var refused = 0

    public init() {}

    enum CodingKeys: String, CodingKey { case asked, answered, refused }
}

/// One organization's day at a glance, in the Monitoring JSON of the design:
/// `{"organization","day","timezone","outbound":{...},"successRate","byChannel":{CHANNEL:{...}},
/// "inbound":{...},"bookings":{...},"contacts":{"added"},"assistant":{...}}`.
public struct MonitoringSummary: Encodable, Equatable, Sendable {
    /// The organization's domain.
    public var organization: String
    /// The calendar day (its time fields are zero).
    public var day: LocalDateTime
    /// The zone the day was read in (the organization's).
    public var timezone: String
    public var outbound = OutboundDayCounts()
    /// Messages first attempted that day that reached sent, delivered or read, out of
    /// those plus the ones that failed; nil when there were none.
    public var successRate: Double? {
        let total = succeeded + failedOfFirstAttempted
        return total == 0 ? nil : Double(succeeded) / Double(total)
    }
    /// The success rate's numerator: messages first attempted that day now sent,
    /// delivered or read.
    public var succeeded = 0
    /// Messages first attempted that day now failed.
    public var failedOfFirstAttempted = 0
    /// The outbound counts per channel, every channel present.
    public var byChannel: [Channel: OutboundDayCounts] = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, OutboundDayCounts()) })
    public var inbound = InboundDayCounts()
    public var bookings = BookingDayCounts()
    public var contacts = ContactDayCounts()
    public var assistant = AssistantDayCounts()

    public init(organization: String, day: LocalDateTime, timezone: String) {
        self.organization = organization
        self.day = day
        self.timezone = timezone
    }

    enum CodingKeys: String, CodingKey {
        case organization, day, timezone, outbound, successRate, byChannel, inbound, bookings, contacts, assistant
    }

    // The keys in the design's order; successRate null rather than left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(organization, forKey: .organization)
        try c.encode(DateFormatting.day(day), forKey: .day)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(outbound, forKey: .outbound)
        try c.encode(successRate, forKey: .successRate)
        try c.encode(Dictionary(uniqueKeysWithValues: byChannel.map { ($0.key.rawValue, $0.value) }), forKey: .byChannel)
        try c.encode(inbound, forKey: .inbound)
        try c.encode(bookings, forKey: .bookings)
        try c.encode(contacts, forKey: .contacts)
        try c.encode(assistant, forKey: .assistant)
    }
}

/// How many outbound messages an organization has on one channel in one status now (a
/// gauge: kept by triggers, read without counting).
public struct OutboundStatusCount: Equatable, Sendable {
    public var organizationId: Int64
    /// The organization's domain.
    public var organization: String
    public var channel: Channel
    public var status: MessageStatus
    public var count: Int
}
