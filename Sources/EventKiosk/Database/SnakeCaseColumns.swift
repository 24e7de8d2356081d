import GRDB

/// A record whose properties are the camelCase of its table's snake_case columns (`inviteeId` ↔ `invitee_id`):
/// GRDB's column coding strategies, declared once for every record instead of in each.
protocol SnakeCaseColumns {}

extension FetchableRecord where Self: SnakeCaseColumns {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
}

extension EncodableRecord where Self: SnakeCaseColumns {
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}
