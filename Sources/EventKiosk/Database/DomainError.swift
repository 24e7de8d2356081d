import Foundation

/// A refusal in the domain's words: what kind of refusal it is (not an HTTP status), a stable code the contract
/// names (`event_closed`, `grant_limit`, …) and a message for people, "中文 / English". Storage and the features'
/// services throw these; the HTTP edge maps each kind to a status in one place (`DomainError.status`, used by
/// `ErrorMiddleware`), and the CLI prints the message.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input breaks a rule (422).
        case invalid
        /// The input cannot be read at all (400).
        case badInput
        case notFound
        /// The state of the day does not allow it (409): closed, already done, limit reached.
        case conflict
        /// This person may not do this (403).
        case forbidden
        /// Something needed is missing on this laptop (503), e.g. the seed key.
        case unavailable
        /// The stored day is damaged (500).
        case broken
        /// The target disk is full or cannot be written (507).
        case storageFull
        case tooMany
    }

    public let kind: Kind
    public let code: String
    public let message: String
    /// Extra fields for the answer, e.g. a list of problems.
    public let extra: [String: JSONValue]

    public init(_ kind: Kind, _ code: String, _ message: String, extra: [String: JSONValue] = [:]) {
        self.kind = kind; self.code = code; self.message = message; self.extra = extra
    }

    public var description: String { "\(code): \(message)" }

    static func notFound(_ message: String) -> DomainError { DomainError(.notFound, "not_found", message) }
    static func badRequest(_ message: String, code: String = "bad_request") -> DomainError { DomainError(.badInput, code, message) }
}
