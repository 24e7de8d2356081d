import Foundation
import Hummingbird

/// The event as pages need it: name, date, venue, doors (public, no personal data).
struct EventController {
    let db: AppDatabase

    func register(on api: APIRouter) {
        api.get("/api/event", .everyone) { _, _ in
            guard let event = try await db.event() else { throw APIError.notFound("尚未加载活动 / No event loaded") }
            return .json(PublicEvent(event))
        }
    }

    struct PublicEvent: Encodable {
        let name, date, venue, dealer: String
        let startTime, endTime: String?
        let doors: [String]
        let models: [String]
        let tiers: [EventConfig.Tier]
        init(_ e: EventConfig) {
            name = e.name; date = e.date; venue = e.venue; dealer = e.dealer
            startTime = e.startTime; endTime = e.endTime; doors = e.doors; models = e.models ?? []; tiers = e.tiers
        }
    }
}
