import CorbiCore

// One day is the core's `MonitoringSummary`, which encodes the design's "Monitoring JSON":
// `{"organization", "day", "timezone", "outbound": {"drafted", "sent", "delivered", "read",
// "failed", "retrying", "pending", "cancelled"}, "successRate", "byChannel": {CHANNEL:
// {...}}, "inbound": {"received", "unknownSenders", "optOuts"}, "bookings": {"created",
// "confirmed", "cancelled", "scheduledToday"}, "contacts": {"added"}, "assistant": {"asked",
// "answered", "refused"}}`, `successRate` null when no message was first attempted, every
// channel present in `byChannel`.

/// `monitor --days N`: `{"days": [...]}`, N days of the one-day shape, oldest first.
struct MonitoringDaysJSON: Encodable {
    var days: [MonitoringSummary]
}
