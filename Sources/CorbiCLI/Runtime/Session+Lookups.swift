import CorbiCore
import Foundation

extension Session {
    /// The organization's own calendar folder (`<calendar root>/<domain>/`).
    func bookingCalendar(_ actor: Actor) -> VdirCalendar {
        workspace.calendar(for: actor.organization)
    }

    /// The acting user, even when no organization could be chosen yet.
    func actorUser() throws -> User {
        if let actor = try? actor(), let user = actor.user { return user }
        // Resolve the user alone: list organizations even when several are possible.
        return try database().resolveUser(user)
    }
}
