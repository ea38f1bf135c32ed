import CorbiCore

/// An organization: `{"id", "name", "domain", "timezone", "callingCode", "role"}`; role
/// is the acting member's.
struct OrganizationJSON: Encodable {
    var id: Int64
    var name: String
    var domain: String
    var timezone: String
    @Nullable var callingCode: Int?
    @Nullable var role: String?

    init(_ o: Organization, role: Role?) {
        id = o.id ?? 0
        name = o.name
        domain = o.domain
        timezone = o.timezone
        callingCode = o.callingCode
        self.role = role?.rawValue
    }
}

/// `{"organizations": [...]}`.
struct OrganizationListJSON: Encodable {
    var organizations: [OrganizationJSON]
}

/// A member: `{"userId", "email", "name", "role"}`.
struct MemberJSON: Encodable {
    var userId: Int64
    var email: String
    @Nullable var name: String?
    var role: String

    init(_ m: Member) {
        userId = m.userId
        email = m.email
        name = m.name
        role = m.role.rawValue
    }
}

/// `{"members": [...]}`.
struct MemberListJSON: Encodable {
    var members: [MemberJSON]
}
