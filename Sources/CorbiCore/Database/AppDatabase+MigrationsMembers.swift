import GRDB

extension AppDatabase {
    /// A member's display name belongs to the membership: users are shared by
    /// organizations, and one organization's admins must neither rename a member of another
    /// nor learn the name it gave them. Each existing membership keeps the name it showed.
    static func migrateMembershipNames(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE membership ADD COLUMN name TEXT;
                UPDATE membership SET name = (SELECT user.name FROM user WHERE user.id = membership.userId);
                """)
    }
}
