/// Why a `Value` cannot be viewed as an `Object`.
public enum ObjectError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The value is not a map; `found` names its type (`string`, `array`, ...).
  case notAMap(found: String)

  public var description: String {
    switch self {
    case .notAMap(let found): return "an object must be a map, not \(found)"
    }
  }
}
