/// Which roles may call a route. Admin may always; every `/api` route names one of these.
public enum Access: Sendable, CustomStringConvertible {
    /// No sign-in needed (health, tally, stream, public display data).
    case everyone
    /// Any signed-in staff member.
    case staff
    /// Only the listed roles (plus admin).
    case roles(Set<Role>)

    public static func only(_ roles: Role...) -> Access { .roles(Set(roles)) }
    public static let admin = Access.roles([])

    public func allows(_ role: Role?) -> Bool {
        switch self {
        case .everyone: return true
        case .staff: return role != nil
        case .roles(let set):
            guard let role else { return false }
            return role == .admin || set.contains(role)
        }
    }

    public var description: String {
        switch self {
        case .everyone: "everyone"
        case .staff: "staff"
        case .roles(let set): (["admin"] + set.map(\.rawValue).sorted()).joined(separator: ",")
        }
    }
}
