import CorbiCore
import Foundation

extension Session {
    /// The organization's own calendar folder (`<calendar root>/<domain>/`).
    func bookingCalendar(_ actor: Actor) -> VdirCalendar {
        workspace.calendar(for: actor.organization)
    }

    /// The member acting in the organization `domain` names: the current organization when
    /// one was chosen (flag, `CORBI_ORG`, `/org`), else the user's organization of that
    /// domain (so `org delete b.example` needs no `--org` when the user has several).
    func actor(orNamed domain: String) throws -> Actor {
        if organization != nil { return try actor() }
        return try database().resolveActor(user: user, organization: domain)
    }

    /// The acting user, even when no organization could be chosen yet.
    func actorUser() throws -> User {
        if let actor = try? actor(), let user = actor.user { return user }
        // Resolve the user alone: list organizations even when several are possible.
        return try database().resolveUser(user)
    }
}
