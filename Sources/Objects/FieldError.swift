/// A problem with one field of an object, worded as kube-apiserver words it:
/// `spec.replicas: Invalid value: 7: must be less than or equal to 5`.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The class of problem (Kubernetes' `field.ErrorType`).
  public enum Kind: String, Sendable, Hashable {
    case notFound = "FieldValueNotFound"
    case required = "FieldValueRequired"
    case duplicate = "FieldValueDuplicate"
    case invalid = "FieldValueInvalid"
    case notSupported = "FieldValueNotSupported"
    case forbidden = "FieldValueForbidden"
    case tooLong = "FieldValueTooLong"
    case tooMany = "FieldValueTooMany"
    case typeInvalid = "FieldValueTypeInvalid"
    case `internal` = "InternalError"

    /// The words Kubernetes prints for this kind.
    public var words: String {
      switch self {
      case .notFound: return "Not found"
      case .required: return "Required value"
      case .duplicate: return "Duplicate value"
      case .invalid, .typeInvalid: return "Invalid value"
      case .notSupported: return "Unsupported value"
      case .forbidden: return "Forbidden"
      case .tooLong: return "Too long"
      case .tooMany: return "Too many"
      case .internal: return "Internal error"
      }
    }
  }

  public var kind: Kind
  public var field: ValuePath
  public var badValue: Value?
  public var detail: String

  public init(_ kind: Kind, _ field: ValuePath, _ badValue: Value? = nil, _ detail: String = "") {
    self.kind = kind
    self.field = field
    self.badValue = badValue
    self.detail = detail
  }

  public static func invalid(_ field: ValuePath, _ value: Value, _ detail: String) -> FieldError {
    FieldError(.invalid, field, value, detail)
  }
  public static func required(_ field: ValuePath, _ detail: String = "") -> FieldError {
    FieldError(.required, field, nil, detail)
  }
  public static func forbidden(_ field: ValuePath, _ detail: String) -> FieldError {
    FieldError(.forbidden, field, nil, detail)
  }
  public static func tooLong(_ field: ValuePath, _ value: Value, max: Int) -> FieldError {
    FieldError(.tooLong, field, value, "may not be more than \(max) bytes")
  }
  public static func duplicate(_ field: ValuePath, _ value: Value) -> FieldError {
    FieldError(.duplicate, field, value, "")
  }
  public static func notSupported(_ field: ValuePath, _ value: Value, _ supported: [String])
    -> FieldError
  {
    let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
    return FieldError(.notSupported, field, value, "supported values: \(list)")
  }

  /// The message without the field: `Invalid value: "Foo": a lowercase RFC 1123 ...`.
  public var body: String {
    var s = kind.words
    switch kind {
    case .required, .forbidden, .tooLong, .internal:
      break
    default:
      if let badValue { s += ": " + FieldError.render(badValue) }
    }
    if !detail.isEmpty { s += ": " + detail }
    return s
  }

  public var description: String {
    field.isEmpty ? body : "\(field): \(body)"
  }

  static func render(_ value: Value) -> String {
    switch value {
    case .string(let s): return JSON.encode(.string(s))
    case .null: return "null"
    default: return JSON.encode(value)
    }
  }
}
