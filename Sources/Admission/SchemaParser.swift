import CEL
import Objects

/// Reads an `openAPIV3Schema` into a `StructuralSchema`, enforcing the rules
/// kube-apiserver sets for structural schemas and compiling every
/// `x-kubernetes-validations` rule. Collects every problem, each with its path in the
/// CRD (`spec.versions[0].schema.openAPIV3Schema.properties.spec.type`).
public struct SchemaParser {
  /// Every problem found so far.
  public private(set) var errors: [FieldError] = []
  /// How many times the rules of the node being parsed may run on one object (nil when
  /// unbounded), and the estimated costs of the current root's rules.
  var ruleCardinality: UInt64? = 1
  var ruleCosts = RuleCostTotal()

  /// Where a node sits, for the wording of structural errors.
  enum Position {
    case root, property, items, additionalProperties, junctor
  }

  static let types = ["array", "boolean", "integer", "number", "object", "string"]
  static let unsupported = [
    "$ref", "$schema", "definitions", "dependencies", "id", "patternProperties",
    "additionalItems",
  ]

  /// A parser with no errors yet.
  public init() {}

  /// Parses the root schema `value` found at `path`.
  public mutating func parseRoot(_ value: Value, at path: ValuePath) -> StructuralSchema {
    ruleCardinality = 1
    ruleCosts = RuleCostTotal()
    let root = parse(value, at: path, position: .root, correlatable: true)
    errors += ruleCosts.errors(at: path)
    return root
  }

  mutating func parse(
    _ value: Value, at path: ValuePath, position: Position, correlatable: Bool
  ) -> StructuralSchema {
    var s = StructuralSchema()
    guard case .map(let m) = value else {
      errors.append(FieldError(.typeInvalid, path, value, "must be of type object"))
      return s
    }
    var rules: Value?
    // Children run as often as this node times its `maxItems` or `maxProperties`.
    let cardinality = ruleCardinality
    ruleCardinality = RuleCardinality.children(of: cardinality, schema: m)
    defer { ruleCardinality = cardinality }
    for (key, member) in m {
      let at = path.appending(key)
      switch key {
      case "type":
        if let t = string(member, at) {
          s.type = t
          if !Self.types.contains(t) { errors.append(.notSupported(at, member, Self.types)) }
        }
      case "properties":
        guard case .map(let props) = member else {
          errors.append(FieldError(.typeInvalid, at, member, "must be of type object"))
          continue
        }
        for (name, sub) in props {
          s.properties[name] = parse(
            sub, at: at.appending(name), position: position == .junctor ? .junctor : .property,
            correlatable: correlatable)
          s.propertyNames.append(name)
        }
      case "required": s.required = strings(member, at) ?? []
      case "additionalProperties":
        switch member {
        case .bool(let b): s.additionalProperties = .allowed(b)
        case .map:
          s.additionalProperties = .schema(
            parse(
              member, at: at, position: position == .junctor ? .junctor : .additionalProperties,
              correlatable: correlatable))
        default:
          errors.append(FieldError(.typeInvalid, at, member, "must be a boolean or an object"))
        }
      case "items":
        guard case .map = member else {
          errors.append(
            .forbidden(at, "items must be a schema object and not an array"))
          continue
        }
        // Only map lists correlate items with their old values.
        let listType = m["x-kubernetes-list-type"]?.stringValue
        s.items = parse(
          member, at: at, position: position == .junctor ? .junctor : .items,
          correlatable: correlatable && listType == "map")
      case "enum":
        guard case .list(let l) = member else {
          errors.append(FieldError(.typeInvalid, at, member, "must be of type array"))
          continue
        }
        s.enumValues = l
      case "pattern":
        if let p = string(member, at) {
          s.pattern = p
          do {
            s.regex = try CELRegex.cached(p)
          } catch {
            errors.append(
              .invalid(at, member, "must be a valid regular expression, but isn't: \(error)"))
          }
        }
      case "format": s.format = string(member, at)
      case "maximum": s.maximum = number(member, at)
      case "minimum": s.minimum = number(member, at)
      case "multipleOf":
        s.multipleOf = number(member, at)
        if let d = s.multipleOf?.doubleValue, d <= 0 {
          errors.append(.invalid(at, member, "must be greater than zero"))
        }
      case "exclusiveMaximum": s.exclusiveMaximum = bool(member, at) ?? false
      case "exclusiveMinimum": s.exclusiveMinimum = bool(member, at) ?? false
      case "minLength": s.minLength = count(member, at)
      case "maxLength": s.maxLength = count(member, at)
      case "minItems": s.minItems = count(member, at)
      case "maxItems": s.maxItems = count(member, at)
      case "minProperties": s.minProperties = count(member, at)
      case "maxProperties": s.maxProperties = count(member, at)
      case "nullable": s.nullable = bool(member, at) ?? false
      case "default": s.defaultValue = member
      case "x-kubernetes-preserve-unknown-fields":
        let b = bool(member, at)
        if b == false { errors.append(.invalid(at, member, "must be true or undefined")) }
        s.preserveUnknownFields = b ?? false
      case "x-kubernetes-int-or-string": s.intOrString = bool(member, at) ?? false
      case "x-kubernetes-embedded-resource": s.embeddedResource = bool(member, at) ?? false
      case "x-kubernetes-list-type":
        if let t = string(member, at) {
          if ["atomic", "set", "map"].contains(t) {
            s.listType = t
          } else {
            errors.append(.notSupported(at, member, ["atomic", "set", "map"]))
          }
        }
      case "x-kubernetes-list-map-keys": s.listMapKeys = strings(member, at) ?? []
      case "x-kubernetes-map-type":
        if let t = string(member, at) {
          if ["granular", "atomic"].contains(t) {
            s.mapType = t
          } else {
            errors.append(.notSupported(at, member, ["granular", "atomic"]))
          }
        }
      case "allOf", "anyOf", "oneOf":
        guard case .list(let l) = member else {
          errors.append(FieldError(.typeInvalid, at, member, "must be of type array"))
          continue
        }
        let subs = l.enumerated().map { i, sub in
          parse(sub, at: at.appending(i), position: .junctor, correlatable: false)
        }
        if key == "allOf" {
          s.allOf = subs
        } else if key == "anyOf" {
          s.anyOf = subs
        } else {
          s.oneOf = subs
        }
      case "not":
        s.not = parse(member, at: at, position: .junctor, correlatable: false)
      case "uniqueItems":
        if bool(member, at) == true {
          errors.append(
            .forbidden(
              at, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
            ))
        }
      case "x-kubernetes-validations":
        rules = member
      default:
        if Self.unsupported.contains(key) {
          errors.append(.forbidden(at, "\(key) is not supported"))
        }
      }
    }
    checkStructure(s, at: path, position: position)
    if let defaultValue = s.defaultValue, position != .junctor {
      checkDefault(defaultValue, of: s, at: path.appending("default"), position: position)
    }
    ruleCardinality = cardinality
    if let rules {
      s.validations = compileRules(
        rules, of: s, at: path.appending("x-kubernetes-validations"),
        position: position, correlatable: correlatable)
    }
    return s
  }

  // MARK: Structural rules

  mutating func checkStructure(_ s: StructuralSchema, at path: ValuePath, position: Position) {
    let typePath = path.appending("type")
    switch position {
    case .root:
      if s.type == nil {
        errors.append(.required(typePath, "must not be empty at the root"))
      } else if s.type != "object" {
        errors.append(.invalid(typePath, .string(s.type ?? ""), "must be object at the root"))
      }
      if s.nullable {
        errors.append(.invalid(path.appending("nullable"), true, "must be false at the root"))
      }
      if s.intOrString {
        errors.append(
          .invalid(path.appending("x-kubernetes-int-or-string"), true, "must be false at the root"))
      }
      if s.embeddedResource {
        errors.append(
          .invalid(
            path.appending("x-kubernetes-embedded-resource"), true, "must be false at the root"))
      }
      if s.defaultValue != nil {
        errors.append(.forbidden(path.appending("default"), "must not be set at the root"))
      }
      if let metadata = s.properties["metadata"] {
        let extra = metadata.propertyNames.filter { $0 != "name" && $0 != "generateName" }
        if !extra.isEmpty || metadata.type != nil && metadata.type != "object" {
          errors.append(
            .forbidden(
              path.appending("properties").appending("metadata"),
              "must not specify anything other than name and generateName, but metadata is implicitly specified"
            ))
        }
      }
    case .property, .items, .additionalProperties:
      if s.type == nil && !s.intOrString && !s.preserveUnknownFields {
        let what =
          position == .items
          ? "array items" : position == .property ? "object fields" : "additionalProperties"
        errors.append(.required(typePath, "must not be empty for specified \(what)"))
      }
    case .junctor:
      break
    }
    if position != .junctor {
      if s.intOrString, let t = s.type {
        errors.append(
          .invalid(typePath, .string(t), "must be empty if x-kubernetes-int-or-string is true"))
      }
      if s.type == "array" && s.items == nil {
        errors.append(.required(path.appending("items"), "must be specified"))
      }
      if s.embeddedResource {
        if s.type != "object" {
          errors.append(
            .required(typePath, "must be object if x-kubernetes-embedded-resource is true"))
        }
        if s.properties.isEmpty && !s.preserveUnknownFields {
          errors.append(
            .required(
              path.appending("properties"),
              "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"
            ))
        }
      }
    }
    if let ap = s.additionalProperties, !s.properties.isEmpty {
      if case .allowed(true) = ap {
      } else {
        errors.append(
          .forbidden(
            path.appending("additionalProperties"),
            "additionalProperties and properties are mutual exclusive"))
      }
    }
    checkListType(s, at: path)
    if s.mapType != nil && s.type != "object" && position != .junctor {
      errors.append(
        .invalid(
          path.appending("x-kubernetes-map-type"), .string(s.mapType ?? ""),
          "must only be used if type is object"))
    }
  }

  mutating func checkListType(_ s: StructuralSchema, at path: ValuePath) {
    let listTypePath = path.appending("x-kubernetes-list-type")
    let keysPath = path.appending("x-kubernetes-list-map-keys")
    if let listType = s.listType, s.type != "array" {
      errors.append(
        .invalid(listTypePath, .string(listType), "must only be used if type is array"))
    }
    if !s.listMapKeys.isEmpty && s.listType != "map" {
      errors.append(
        .forbidden(keysPath, "must only be used if x-kubernetes-list-type is \"map\""))
    }
    guard let items = s.items else { return }
    switch s.listType {
    case "set":
      if items.type == "object" && items.mapType != "atomic" {
        errors.append(
          .invalid(
            path.appending("items"), .string("object"),
            "must be of scalar type or atomic object or atomic list if x-kubernetes-list-type is set"
          ))
      }
      if items.type == "array" && items.listType != "atomic" {
        errors.append(
          .invalid(
            path.appending("items"), .string("array"),
            "must be of scalar type or atomic object or atomic list if x-kubernetes-list-type is set"
          ))
      }
    case "map":
      if s.listMapKeys.isEmpty {
        errors.append(.required(keysPath, "must not be empty if x-kubernetes-list-type is map"))
      }
      if items.type != "object" {
        errors.append(
          .invalid(
            path.appending("items").appending("type"), .string(items.type ?? ""),
            "must be object if parent array's x-kubernetes-list-type is map"))
      }
      if Set(s.listMapKeys).count != s.listMapKeys.count {
        errors.append(
          .invalid(keysPath, .list(s.listMapKeys.map { .string($0) }), "must be unique"))
      }
      for key in s.listMapKeys {
        guard let p = items.properties[key] else {
          errors.append(
            .invalid(keysPath, .string(key), "entries must all be names of item properties"))
          continue
        }
        if !["string", "integer", "number", "boolean"].contains(p.type ?? "") && !p.intOrString {
          errors.append(
            .invalid(keysPath, .string(key), "must only refer to properties of scalar type"))
        }
        if !items.required.contains(key) && (p.defaultValue == nil || p.nullable) {
          errors.append(
            .invalid(
              keysPath, .string(key),
              "entries must all be names of required properties or properties with non-nullable defaults"
            ))
        }
      }
    default:
      break
    }
  }

  /// A default must be valid for its schema and must not carry fields pruning drops.
  mutating func checkDefault(
    _ value: Value, of s: StructuralSchema, at path: ValuePath, position: Position
  ) {
    var pruned = value
    let unknown = SchemaPruner.prune(&pruned, schema: s, at: ValuePath(), root: false)
    if !unknown.isEmpty {
      errors.append(
        .invalid(
          path, value,
          "must not have unknown fields: " + unknown.map { "\"\($0)\"" }.joined(separator: ", ")))
    }
    // Validated as a field named `default`, so messages read "default in body should ...".
    var validator = SchemaValidator()
    validator.validate(value, schema: s, at: ValuePath(keys: "default"))
    for var e in validator.errors {
      e.field = ValuePath(path.components.dropLast() + e.field.components)
      errors.append(e)
    }
  }

  mutating func compileRules(
    _ value: Value, of s: StructuralSchema, at path: ValuePath, position: Position,
    correlatable: Bool
  ) -> [ValidationRule] {
    guard case .list(let entries) = value else {
      errors.append(FieldError(.typeInvalid, path, value, "must be of type array"))
      return []
    }
    if position == .junctor {
      errors.append(.forbidden(path, "must not be used inside allOf, anyOf, oneOf or not"))
      return []
    }
    var out: [ValidationRule] = []
    for (i, entry) in entries.enumerated() {
      let (rule, problems) = ValidationRule.compile(
        entry, at: path.appending(i), schema: s, correlatable: correlatable,
        resourceRoot: position == .root || s.embeddedResource, cardinality: ruleCardinality,
        costs: &ruleCosts)
      errors += problems
      if let rule { out.append(rule) }
    }
    return out
  }

  // MARK: Keyword values

  mutating func string(_ v: Value, _ at: ValuePath) -> String? {
    if case .string(let s) = v { return s }
    errors.append(FieldError(.typeInvalid, at, v, "must be of type string"))
    return nil
  }

  mutating func strings(_ v: Value, _ at: ValuePath) -> [String]? {
    guard case .list(let l) = v else {
      errors.append(FieldError(.typeInvalid, at, v, "must be of type array"))
      return nil
    }
    var out: [String] = []
    for (i, e) in l.enumerated() {
      if let s = string(e, at.appending(i)) { out.append(s) }
    }
    return out
  }

  mutating func bool(_ v: Value, _ at: ValuePath) -> Bool? {
    if case .bool(let b) = v { return b }
    errors.append(FieldError(.typeInvalid, at, v, "must be of type boolean"))
    return nil
  }

  mutating func number(_ v: Value, _ at: ValuePath) -> Value? {
    switch v {
    case .int, .double: return v
    default:
      errors.append(FieldError(.typeInvalid, at, v, "must be of type number"))
      return nil
    }
  }

  mutating func count(_ v: Value, _ at: ValuePath) -> Int64? {
    switch v {
    case .int(let i) where i >= 0: return i
    case .int: errors.append(.invalid(at, v, "must be greater than or equal to 0"))
    default: errors.append(FieldError(.typeInvalid, at, v, "must be of type integer"))
    }
    return nil
  }
}
