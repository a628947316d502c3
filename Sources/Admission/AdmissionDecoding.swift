import Objects

/// Reads typed fields out of a `Value`, collecting every problem as a `FieldError`
/// instead of stopping at the first, so a broken policy is reported whole.
struct AdmissionDecoding {
  var errors: [FieldError] = []

  /// A string field; nil (and an error when `required`) when absent, null or empty.
  mutating func string(_ value: Value?, _ path: ValuePath, required: Bool = false) -> String? {
    guard let value, !value.isNull else {
      if required { errors.append(.required(path)) }
      return nil
    }
    guard case .string(let s) = value else {
      errors.append(FieldError(.typeInvalid, path, value, "must be of type string"))
      return nil
    }
    if s.isEmpty {
      if required { errors.append(.required(path)) }
      return nil
    }
    return s
  }

  /// A list of strings; empty when absent.
  mutating func strings(_ value: Value?, _ path: ValuePath) -> [String] {
    list(value, path).enumerated().compactMap { i, element in
      guard case .string(let s) = element else {
        errors.append(
          FieldError(.typeInvalid, path.appending(i), element, "must be of type string"))
        return nil
      }
      return s
    }
  }

  /// A list; empty when absent or null.
  mutating func list(_ value: Value?, _ path: ValuePath) -> [Value] {
    guard let value, !value.isNull else { return [] }
    guard case .list(let l) = value else {
      errors.append(FieldError(.typeInvalid, path, value, "must be of type array"))
      return []
    }
    return l
  }

  /// An object; nil when absent or null.
  mutating func object(_ value: Value?, _ path: ValuePath) -> Value? {
    guard let value, !value.isNull else { return nil }
    guard case .map = value else {
      errors.append(FieldError(.typeInvalid, path, value, "must be of type object"))
      return nil
    }
    return value
  }

  /// One of an enumeration's raw values; `fallback` when absent.
  mutating func choice<E: RawRepresentable & CaseIterable>(
    _ value: Value?, _ path: ValuePath, default fallback: E
  ) -> E where E.RawValue == String {
    guard let text = string(value, path) else { return fallback }
    guard let e = E(rawValue: text) else {
      errors.append(.notSupported(path, .string(text), E.allCases.map(\.rawValue)))
      return fallback
    }
    return e
  }

  /// A label selector; `everything` when absent or null, as the admissionregistration API
  /// defaults `namespaceSelector` and `objectSelector` to `{}`.
  mutating func selector(_ value: Value?, _ path: ValuePath) -> LabelSelector {
    guard let value, !value.isNull else { return .everything }
    do {
      return try LabelSelector(value: value, path: path)
    } catch {
      if error.fieldErrors.isEmpty {
        errors.append(FieldError(.invalid, path, value, error.message))
      } else {
        errors.append(contentsOf: error.fieldErrors)
      }
      return .nothing
    }
  }
}
