import CorbiCore

extension DemoWorkspace {
    /// A week of bookings of the demo organization.
    static func seedBookings(_ db: AppDatabase, admin: Actor, staff: Actor) throws {}
}
