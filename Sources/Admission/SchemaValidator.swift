import CEL
import Objects

/// Validates a value against a structural schema the way kube-apiserver does (the
/// kube-openapi validators, then embedded resources, then list-type uniqueness), and
/// words every error as it does:
/// `spec.replicas: Invalid value: 7: spec.replicas in body should be less than or equal to 5`.
/// Collects all errors; never stops at the first.
public struct SchemaValidator {
  /// Every error found so far.
  public private(set) var errors: [FieldError] = []

  /// A validator with no errors yet.
  public init() {}

  /// Validates `value` (found at `path`) against `schema`: types, formats, value
  /// constraints, required fields, `allOf`/`anyOf`/`oneOf`/`not`, embedded resources,
  /// and `x-kubernetes-list-type` set and map uniqueness.
  public mutating func validate(_ value: Value, schema: StructuralSchema, at path: ValuePath) {
    validateValue(value, schema, path)
    validateEmbedded(value, schema, path)
    validateListTypes(value, schema, path)
  }

  // MARK: kube-openapi

  /// The name kube-openapi gives a path in its messages.
  static func name(_ path: ValuePath) -> String { path.description }

  /// True when `value` is of the schema `type`.
  static func hasType(_ value: Value, _ type: String) -> Bool {
    switch (type, value) {
    case ("object", .map), ("array", .list), ("string", .string), ("boolean", .bool),
      ("integer", .int), ("number", .int), ("number", .double):
      return true
    case ("integer", .double(let d)):
      return d == d.rounded() && d.isFinite
    default:
      return false
    }
  }

  mutating func validateValue(_ value: Value, _ s: StructuralSchema, _ path: ValuePath) {
    let name = Self.name(path)
    if value.isNull {
      if let t = s.type, !s.nullable {
        errors.append(
          FieldError(.typeInvalid, path, "null", "\(name) in body must be of type \(t): \"null\""))
      }
      return
    }
    if let t = s.type, !Self.hasType(value, t) {
      errors.append(
        FieldError(
          .typeInvalid, path, .string(value.typeName),
          "\(name) in body must be of type \(t): \"\(value.typeName)\""))
      return
    }
    validateJunctors(value, s, path)
    switch value {
    case .string(let str):
      validateString(str, value, s, path)
    case .int, .double:
      validateNumber(value, s, path)
    case .list(let list):
      validateList(list, value, s, path)
    default:
      break
    }
    if let allowed = s.enumValues, !allowed.contains(value) {
      errors.append(
        .notSupported(
          path, value,
          allowed.map { v in v.stringValue ?? JSON.encode(v) }))
    }
    if case .map(let map) = value {
      validateMap(map, value, s, path)
    }
  }

  mutating func validateJunctors(_ value: Value, _ s: StructuralSchema, _ path: ValuePath) {
    let name = Self.name(path)
    func passes(_ sub: StructuralSchema) -> Bool {
      var inner = SchemaValidator()
      inner.validateValue(value, sub, path)
      return inner.errors.isEmpty
    }
    if !s.allOf.isEmpty {
      var inner = SchemaValidator()
      for sub in s.allOf { inner.validateValue(value, sub, path) }
      if !inner.errors.isEmpty {
        errors += inner.errors
        errors.append(
          .invalid(path, value, "\(name) in body must validate all the schemas (allOf)"))
      }
    }
    if !s.anyOf.isEmpty && !s.anyOf.contains(where: passes) {
      errors.append(
        .invalid(path, value, "\(name) in body must validate at least one schema (anyOf)"))
    }
    if !s.oneOf.isEmpty && s.oneOf.filter(passes).count != 1 {
      errors.append(
        .invalid(path, value, "\(name) in body must validate one and only one schema (oneOf)"))
    }
    if let not = s.not, passes(not) {
      errors.append(.invalid(path, value, "\(name) in body must not validate the schema (not)"))
    }
  }

  mutating func validateString(
    _ str: String, _ value: Value, _ s: StructuralSchema, _ path: ValuePath
  ) {
    let name = Self.name(path)
    let length = Int64(str.unicodeScalars.count)
    if let max = s.maxLength, length > max {
      let unit = max == 1 ? "byte" : "bytes"
      errors.append(FieldError(.tooLong, path, value, "may not be more than \(max) \(unit)"))
    }
    if let min = s.minLength, length < min {
      errors.append(.invalid(path, value, "\(name) in body should be at least \(min) chars long"))
    }
    if let regex = s.regex, let pattern = s.pattern, !regex.matches(str) {
      errors.append(.invalid(path, value, "\(name) in body should match '\(pattern)'"))
    }
    if let format = s.format, s.type == "string" || s.type == nil,
      !SchemaFormat.isValid(str, format: format)
    {
      errors.append(
        FieldError(
          .typeInvalid, path, value,
          "\(name) in body must be of type \(format): \(JSON.encode(value))"))
    }
  }

  /// A bound as kube-openapi prints it: an integer against integer data, else Go's `%v`.
  static func render(_ bound: Value, against value: Value) -> String {
    if case .int(let i) = bound { return String(i) }
    let d = bound.doubleValue ?? 0
    if case .int = value, d == d.rounded(), abs(d) < 9.2e18 { return String(Int64(d)) }
    return FloatFormat.goShortestG(d)
  }

  mutating func validateNumber(_ value: Value, _ s: StructuralSchema, _ path: ValuePath) {
    let name = Self.name(path)
    guard let x = value.doubleValue else { return }
    if let factor = s.multipleOf, let f = factor.doubleValue, f > 0 {
      let multiple: Bool
      if case .int(let i) = value, case .int(let fi) = factor {
        multiple = i % fi == 0
      } else {
        let q = x / f
        multiple = q == q.rounded()
      }
      if !multiple {
        errors.append(
          .invalid(
            path, value,
            "\(name) in body should be a multiple of \(Self.render(factor, against: value))"))
      }
    }
    if let bound = s.maximum, let m = bound.doubleValue {
      if s.exclusiveMaximum ? x >= m : x > m {
        let words = s.exclusiveMaximum ? "less than" : "less than or equal to"
        errors.append(
          .invalid(
            path, value, "\(name) in body should be \(words) \(Self.render(bound, against: value))")
        )
      }
    }
    if let bound = s.minimum, let m = bound.doubleValue {
      if s.exclusiveMinimum ? x <= m : x < m {
        let words = s.exclusiveMinimum ? "greater than" : "greater than or equal to"
        errors.append(
          .invalid(
            path, value, "\(name) in body should be \(words) \(Self.render(bound, against: value))")
        )
      }
    }
  }

  mutating func validateList(
    _ list: [Value], _ value: Value, _ s: StructuralSchema, _ path: ValuePath
  ) {
    let name = Self.name(path)
    if let items = s.items {
      for (i, item) in list.enumerated() { validateValue(item, items, path.appending(i)) }
    }
    let count = Int64(list.count)
    if let min = s.minItems, count < min {
      errors.append(
        .invalid(path, .int(count), "\(name) in body should have at least \(min) items"))
    }
    if let max = s.maxItems, count > max {
      errors.append(
        FieldError(
          .tooMany, path, .int(count), "must have at most \(max) \(max == 1 ? "item" : "items")"))
    }
  }

  mutating func validateMap(
    _ map: ValueMap, _ value: Value, _ s: StructuralSchema, _ path: ValuePath
  ) {
    let name = Self.name(path)
    let count = Int64(map.count)
    if let max = s.maxProperties, count > max {
      errors.append(
        FieldError(
          .tooMany, path, .int(count), "must have at most \(max) \(max == 1 ? "item" : "items")"))
    }
    if let min = s.minProperties, count < min {
      errors.append(
        .invalid(path, .int(count), "\(name) in body should have at least \(min) properties"))
    }
    for key in s.required where map[key] == nil {
      errors.append(.required(path.appending(key)))
    }
    for (key, member) in map {
      if let p = s.properties[key] {
        validateValue(member, p, path.appending(key))
      } else if case .schema(let ap)? = s.additionalProperties {
        validateValue(member, ap, path.appending(key))
      } else if case .allowed(false)? = s.additionalProperties {
        errors.append(
          FieldError(
            .forbidden, path.appending(key), nil, "\(name).\(key) in body is a forbidden property"))
      }
    }
  }

  // MARK: Embedded resources

  mutating func validateEmbedded(_ value: Value, _ s: StructuralSchema, _ path: ValuePath) {
    switch value {
    case .map(let map):
      if s.embeddedResource { validateResource(map, path) }
      for (key, member) in map {
        if let child = s.schema(forMember: key) {
          validateEmbedded(member, child, path.appending(key))
        }
      }
    case .list(let list):
      guard let items = s.items else { return }
      for (i, item) in list.enumerated() { validateEmbedded(item, items, path.appending(i)) }
    default:
      break
    }
  }

  /// An embedded resource needs `apiVersion` and `kind`; its `metadata` follows the
  /// ObjectMeta rules, except that a name is optional.
  mutating func validateResource(_ map: ValueMap, _ path: ValuePath) {
    for key in ["apiVersion", "kind"] {
      let at = path.appending(key)
      switch map[key] {
      case nil: errors.append(.required(at, "must not be empty"))
      case .string(let s)?:
        if s.isEmpty {
          errors.append(.invalid(at, .string(s), "must not be empty"))
        } else if key == "apiVersion",
          s.split(separator: "/", omittingEmptySubsequences: false).count > 2
        {
          errors.append(.invalid(at, .string(s), "unexpected GroupVersion string: \(s)"))
        }
      case let other?: errors.append(.invalid(at, other, "must be a string"))
      }
    }
    guard case .map(var meta)? = map["metadata"] else { return }
    if meta["name"] == nil && meta["generateName"] == nil { meta["name"] = "placeholder" }
    var object = ValueMap()
    object["apiVersion"] = "v1"
    object["kind"] = "Embedded"
    object["metadata"] = .map(meta)
    guard let basics = try? Object(.map(object)) else { return }
    for var e in basics.validateBasics() where e.field.components.first == .key("metadata") {
      e.field = ValuePath(path.components + e.field.components)
      errors.append(e)
    }
  }

  // MARK: List types

  mutating func validateListTypes(_ value: Value, _ s: StructuralSchema, _ path: ValuePath) {
    switch value {
    case .map(let map):
      for (key, member) in map {
        if let child = s.schema(forMember: key) {
          validateListTypes(member, child, path.appending(key))
        }
      }
    case .list(let list):
      switch s.listType {
      case "set":
        var seen = Set<Value>()
        for (i, item) in list.enumerated() where !seen.insert(item).inserted {
          errors.append(.duplicate(path.appending(i), item))
        }
      case "map":
        var seen = Set<Value>()
        for (i, item) in list.enumerated() {
          guard case .map(let m) = item else { continue }
          var key = ValueMap()
          for k in s.listMapKeys { key[k] = m[k] ?? .null }
          if !seen.insert(.map(key)).inserted {
            errors.append(.duplicate(path.appending(i), .map(key)))
          }
        }
      default:
        break
      }
      guard let items = s.items else { return }
      for (i, item) in list.enumerated() { validateListTypes(item, items, path.appending(i)) }
    default:
      break
    }
  }
}
