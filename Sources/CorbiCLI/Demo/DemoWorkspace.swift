import CorbiCore
import Foundation

/// The demo workspace of `corbi --demo`: its own database, seeded once.
public enum DemoWorkspace {
    /// The demo organization's domain.
    public static let domain = "brightsmile.example"

    /// Seeds the records each area adds to the demo (called once, on a new database).
    static func seedAreas(_ db: AppDatabase, admin: Actor, staff: Actor) throws {
        try seedTemplates(db, admin: admin, staff: staff)
        try seedBookings(db, admin: admin, staff: staff)
    }
}
