import CorbiCore

extension DemoWorkspace {
    /// Approved templates of the demo organization.
    static func seedTemplates(_ db: AppDatabase, admin: Actor, staff: Actor) throws {}
}
