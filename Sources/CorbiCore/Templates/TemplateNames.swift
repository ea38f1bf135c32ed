import Foundation
import GRDB

extension AppDatabase {
    /// Distinct names of the actor's organization's templates starting with `prefix`
    /// (case-insensitive), by name: for tab completion.
    public func templateNames(_ actor: Actor, prefix: String, limit: Int = 50) throws -> [String] {
        try read(actor) { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT name FROM messageTemplate
                    WHERE organizationId = ? AND name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?
                    """,
                arguments: [actor.organizationId, Self.likeEscape(prefix) + "%", max(0, limit)])
        }
    }
}
