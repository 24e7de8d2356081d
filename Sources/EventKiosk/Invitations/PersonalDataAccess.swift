import Foundation

/// Which personal fields each role sees (PIPL art. 51: only what the job needs; issue 23). One table, used by every
/// answer that carries a guest:
///
/// | role       | name   | phone        | plate, VIN, model | check-in code | consultant, party size |
/// |------------|--------|--------------|-------------------|---------------|------------------------|
/// | admin      | full   | full         | yes               | yes           | yes                    |
/// | sales      | full for their own guests, otherwise as a greeter sees them                                  |
/// | greeter    | masked | 138****5678  | no                | no            | yes                    |
/// | technician | full   | 138****5678  | yes               | no            | yes                    |
/// | mc         | masked | 138****5678  | no                | no            | no                     |
enum PersonalDataAccess {
    enum Sight: Equatable { case everything, door, workshop, stage }

    /// What `staff` may see of a guest whose consultant is `consultant`.
    static func sight(for staff: StaffSession?, consultant: String?) -> Sight {
        switch staff?.role {
        case .admin: return .everything
        case .sales: return consultant != nil && consultant == staff?.name ? .everything : .door
        case .greeter: return .door
        case .technician: return .workshop
        case .mc, nil: return .stage
        }
    }

    /// Whether `staff` sees this guest's phone number in full.
    static func seesPhone(_ staff: StaffSession?, consultant: String?) -> Bool { sight(for: staff, consultant: consultant) == .everything }
}

extension InviteeView {
    /// This guest as `staff` may see them (`PersonalDataAccess`).
    func seen(by staff: StaffSession?) -> InviteeView {
        var v = self
        let sight = PersonalDataAccess.sight(for: staff, consultant: consultant)
        guard sight != .everything else { return v }
        v.phone = PhoneNumber.mask(phone)
        v.codeHidden = true
        if sight != .workshop { v.name = NameMask.mask(name); v.plate = nil; v.vin = nil }
        if sight == .stage { v.consultant = nil; v.model = nil }
        return v
    }
}

extension OrderView {
    /// An order as `staff` may see its customer: in full for admin and the order's own consultant, masked otherwise.
    func seen(by staff: StaffSession?) -> OrderView {
        guard !PersonalDataAccess.seesPhone(staff, consultant: consultant) else { return self }
        var v = self
        v.name = NameMask.mask(name)
        v.phone = PhoneNumber.mask(phone)
        return v
    }
}
