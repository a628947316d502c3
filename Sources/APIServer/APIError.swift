import Objects
import Store

/// A failed request as kube-apiserver reports it: a `metav1.Status` body whose `code` is the
/// HTTP status, with the reason and details kubectl prints.
public struct APIError: Error, Sendable, CustomStringConvertible {
  public var code: Int
  public var reason: String
  public var message: String
  public var details: Value?

  public init(code: Int, reason: String, message: String, details: Value? = nil) {
    self.code = code
    self.reason = reason
    self.message = message
    self.details = details
  }

  public var description: String { "\(code) \(reason): \(message)" }

  /// The `Status` object.
  public var status: Value {
    var m: ValueMap = [
      "kind": "Status", "apiVersion": "v1", "metadata": .map([:]), "status": "Failure",
      "message": .string(message), "reason": .string(reason),
    ]
    if let details { m["details"] = details }
    m["code"] = .int(Int64(code))
    return .map(m)
  }

  static func badRequest(_ message: String) -> APIError {
    APIError(code: 400, reason: "BadRequest", message: message)
  }

  static func notFound(_ message: String = "the server could not find the requested resource")
    -> APIError
  {
    APIError(code: 404, reason: "NotFound", message: message, details: .map([:]))
  }

  static func methodNotAllowed(_ verb: String, _ what: String) -> APIError {
    APIError(
      code: 405, reason: "MethodNotAllowed",
      message: "the server does not allow this method on the requested resource (\(verb) \(what))")
  }

  static func unsupportedMediaType(_ type: String, accepted: [String], kind: String) -> APIError {
    APIError(
      code: 415, reason: "UnsupportedMediaType",
      message:
        "\(type) is not supported by \(kind): the body of the request was in an unknown format - accepted media types include: \(accepted.joined(separator: ", "))"
    )
  }

  static func unauthorized() -> APIError {
    APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
  }

  static func forbidden(_ message: String, details: Value? = nil) -> APIError {
    APIError(code: 403, reason: "Forbidden", message: message, details: details)
  }

  static func tooLarge(_ limit: Int) -> APIError {
    APIError(
      code: 413, reason: "RequestEntityTooLarge",
      message: "Request entity too large: limit is \(limit) bytes")
  }

  static func internalError(_ message: String) -> APIError {
    APIError(
      code: 500, reason: "InternalError",
      message: "Internal error occurred: \(message)")
  }

  /// The error a store failure answers, for a request on `type` (nil when unknown).
  static func from(_ error: StoreError, type: ResourceType?) -> APIError {
    func details(_ key: ObjectKey?) -> Value {
      var m = ValueMap()
      if let key {
        m["name"] = .string(key.name)
        m["group"] = .string(key.resource.group)
        m["kind"] = .string(key.resource.resource)
      } else if let type {
        m["group"] = .string(type.group)
        m["kind"] = .string(type.plural)
      }
      return .map(m)
    }
    func quoted(_ key: ObjectKey) -> String { "\(key.resource) \"\(key.name)\"" }
    switch error {
    case .notFound(let key):
      return APIError(
        code: 404, reason: "NotFound", message: "\(quoted(key)) not found", details: details(key))
    case .alreadyExists(let key):
      return APIError(
        code: 409, reason: "AlreadyExists", message: "\(quoted(key)) already exists",
        details: details(key))
    case .conflict(let key, let why):
      return APIError(
        code: 409, reason: "Conflict",
        message: "Operation cannot be fulfilled on \(quoted(key)): \(why)", details: details(key))
    case .invalid(let key, let errors):
      return invalid(
        kind: type?.kind ?? key?.resource.resource ?? "", group: key?.resource.group ?? "",
        name: key?.name ?? "", errors: errors)
    case .expired:
      return APIError(code: 410, reason: "Expired", message: error.description)
    case .unknownResource, .noKind:
      return APIError(code: 404, reason: "NotFound", message: error.description, details: .map([:]))
    case .badRequest(let why):
      return .badRequest(why)
    case .namespaceNotFound(let namespace):
      return APIError(
        code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
        details: ["name": .string(namespace), "kind": "namespaces"])
    case .forbidden(let why):
      return .forbidden(why)
    case .tooSlow:
      return APIError(code: 410, reason: "Expired", message: error.description)
    case .storage(let why):
      return .internalError(why)
    }
  }

  /// A 422 Invalid with one cause per field error, in kube's wording:
  /// `The Organization "x" is invalid: spec.a: Invalid value: ...`.
  static func invalid(kind: String, group: String, name: String, errors: [FieldError]) -> APIError {
    let causes: [Value] = errors.map { e in
      .map([
        "reason": .string(e.kind.rawValue), "message": .string(e.body),
        "field": .string(e.field.description),
      ])
    }
    let summary = errors.map(\.description).joined(separator: ", ")
    let list = errors.count == 1 ? summary : "[\(summary)]"
    return APIError(
      code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: \(list)",
      details: [
        "name": .string(name), "group": .string(group), "kind": .string(kind),
        "causes": .list(causes),
      ])
  }
}
