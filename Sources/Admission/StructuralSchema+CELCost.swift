import CEL
import Objects

/// The static cost limits Kubernetes puts on CRD validation rules
/// (`k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation`), checked when the
/// CRD is loaded:
/// - a rule's estimated cost, times the number of times it may run on one object (the
///   product of the enclosing lists' `maxItems` and maps' `maxProperties`, or when one of
///   them is unbounded, how many of the rule's values fit in a 3 MiB request), must not
///   exceed `staticEstimatedCostLimit`; a `messageExpression`'s own estimate neither;
/// - all of them together must not exceed `staticEstimatedCRDCostLimit` per version.
///
/// Sizes come from the schema as Kubernetes derives them: a string is `4 × maxLength`
/// bytes long at most (3 MiB without `maxLength`, its longest `enum` value with one, 32
/// for durations and date-times, 12 for dates), a list has `maxItems` elements (or as many
/// of the smallest element as fit in a request), a map `maxProperties` entries.
extension ValidationRule {
  /// `StaticEstimatedCostLimit`: the largest estimated cost of one rule.
  public static let staticEstimatedCostLimit: UInt64 = 10_000_000
  /// `StaticEstimatedCRDCostLimit`: the largest estimated cost of all rules of a schema.
  public static let staticEstimatedCRDCostLimit: UInt64 = 100_000_000
  /// The request size Kubernetes' worst-case sizes assume (`DefaultMaxRequestSizeBytes`).
  public static let maxRequestSizeBytes: UInt64 = 3 * 1024 * 1024

  /// Kubernetes' wording of a cost over budget (`getCostErrorMessage`).
  static func costErrorMessage(_ name: String, _ cost: UInt64, limit: UInt64) -> String {
    "\(name) exceeds budget by factor of \(CELCostEstimation.exceedFactor(cost, limit: limit)) "
      + "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where "
      + "arrays, maps, and strings are declared)"
  }
}

/// How many times a schema node's rules may run on one object: the product of the
/// `maxItems` and `maxProperties` of the lists and maps above it, nil when one of them is
/// unbounded (Kubernetes' `CELSchemaContext.MaxCardinality`).
enum RuleCardinality {
  /// The cardinality of the children of a node with cardinality `parent`, whose schema
  /// is the raw `map` (read before its children are parsed).
  static func children(of parent: UInt64?, schema map: ValueMap) -> UInt64? {
    guard let parent else { return nil }
    func bound(_ key: String) -> UInt64? {
      guard case .int(let n)? = map[key] else { return nil }
      return UInt64(max(n, 0))
    }
    switch map["type"]?.stringValue {
    case "object":
      guard map["additionalProperties"] != nil else { return parent }
      return bound("maxProperties").map { multiply(parent, $0) }
    case "array":
      return bound("maxItems").map { multiply(parent, $0) }
    default:
      return parent
    }
  }

  /// The cardinality a rule's cost is multiplied by: the bound when there is one, else
  /// how many of the smallest values of `schema` fit in a request.
  static func effective(_ cardinality: UInt64?, schema: StructuralSchema, resourceRoot: Bool)
    -> UInt64
  {
    if let cardinality { return cardinality }
    let minSize = schema.celMinSerializedSize(resourceRoot: resourceRoot) ?? 1
    return ValidationRule.maxRequestSizeBytes / (minSize + 1)
  }

  static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    return o ? .max : r
  }
}

/// The estimated costs of a schema's rules, summed (Kubernetes' `TotalCost`).
struct RuleCostTotal {
  var total: UInt64 = 0
  /// The four most expensive rules among those over 1% of the CRD limit, dearest first.
  var mostExpensive: [(path: ValuePath, cost: UInt64)] = []

  mutating func observe(_ path: ValuePath, _ cost: UInt64) {
    let (sum, overflow) = total.addingReportingOverflow(cost)
    total = overflow ? .max : sum
    guard cost >= ValidationRule.staticEstimatedCRDCostLimit / 100 else { return }
    // After those at least as dear, so that equal costs keep their order.
    let i = mostExpensive.firstIndex { $0.cost < cost } ?? mostExpensive.endIndex
    mostExpensive.insert((path, cost), at: i)
    if mostExpensive.count > 4 { mostExpensive.removeLast(mostExpensive.count - 4) }
  }

  /// The errors when the total is over the limit, for the root schema at `path`.
  func errors(at path: ValuePath) -> [FieldError] {
    let limit = ValidationRule.staticEstimatedCRDCostLimit
    guard total > limit else { return [] }
    var out = mostExpensive.map {
      FieldError.forbidden(
        $0.path,
        "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"
      )
    }
    out.append(
      .forbidden(
        path,
        ValidationRule.costErrorMessage(
          "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
          total, limit: limit)))
    return out
  }
}

/// Sizes and types of the values a rule on a schema node reads, from the schema:
/// `self` and `oldSelf` are the node, and paths go down its properties (by their CEL
/// names), `@items`, `@keys` and `@values`. As in Kubernetes, an object or a scalar has
/// size 0 and a map's keys are of size 0.
struct SchemaSizeEstimator: CELCostEstimator {
  let schema: StructuralSchema
  let resourceRoot: Bool

  /// A value in the schema: a schema node, or one of the strings Kubernetes adds at
  /// resource roots (`apiVersion`, `kind`, `metadata.name`, `metadata.generateName`), the
  /// `metadata` it replaces there, or a map key.
  enum Node {
    case schema(StructuralSchema, resourceRoot: Bool)
    case metadata
    case unboundedString
    case mapKey
  }

  func node(at path: [String]) -> Node? {
    guard let root = path.first, root == "self" || root == "oldSelf" else { return nil }
    var current = Node.schema(schema, resourceRoot: resourceRoot)
    for part in path.dropFirst() {
      switch (current, part) {
      case (.schema(let s, _), "@items"), (.schema(let s, _), "@values"):
        if s.type == "array", let items = s.items {
          current = .schema(items, resourceRoot: items.embeddedResource)
        } else if let values = s.mapValues {
          current = .schema(values, resourceRoot: values.embeddedResource)
        } else {
          return nil
        }
      case (.schema(let s, _), "@keys"):
        // A one-variable comprehension over a `dyn` list says `@keys` for its elements.
        if s.type == "array", let items = s.items {
          current = .schema(items, resourceRoot: items.embeddedResource)
        } else if s.mapValues != nil {
          current = .mapKey
        } else {
          return nil
        }
      case (.schema(_, true), "apiVersion"), (.schema(_, true), "kind"):
        current = .unboundedString
      case (.schema(_, true), "metadata"):
        current = .metadata
      case (.metadata, "name"), (.metadata, "generateName"):
        current = .unboundedString
      case (.schema(let s, _), _):
        guard s.type == "object", s.mapValues == nil,
          let name = s.propertyNames.first(where: { CELPropertyName.escape($0) == part }),
          let property = s.properties[name]
        else { return nil }
        current = .schema(property, resourceRoot: property.embeddedResource)
      default:
        return nil
      }
    }
    return current
  }

  func estimateSize(_ node: CELCostNode) -> CELSizeEstimate? {
    guard let found = self.node(at: node.path) else { return nil }
    switch found {
    case .schema(let s, _): return s.celMaxElements.map { .upTo($0) }
    case .unboundedString: return .upTo(ValidationRule.maxRequestSizeBytes - 2)
    case .metadata, .mapKey: return .upTo(0)
    }
  }

  func refinedType(at path: [String]) -> CELType? {
    switch node(at: path) {
    case .schema(let s, _)?: return s.celType
    case .metadata?: return .map(.string, .dyn)
    case .unboundedString?, .mapKey?: return .string
    case nil: return nil
    }
  }
}

extension StructuralSchema {
  /// The schema of a map's values (`additionalProperties` with a schema, no properties).
  var mapValues: StructuralSchema? {
    guard type == "object", case .schema(let s)? = additionalProperties else { return nil }
    return s
  }

  /// The most elements (bytes, characters × 4, items, entries) a value of this schema has
  /// in a request, as Kubernetes' `DeclType.MaxElements`: 0 for objects and scalars, nil
  /// where Kubernetes exposes no type.
  var celMaxElements: UInt64? {
    let perRequest = ValidationRule.maxRequestSizeBytes - 2
    if intOrString {
      return maxLength.map { UInt64($0) &* 4 } ?? perRequest
    }
    switch type {
    case "array":
      guard let items else { return nil }
      if let maxItems { return UInt64(maxItems) }
      let minSize = items.celMinSerializedSize(resourceRoot: items.embeddedResource) ?? 1
      return perRequest / (minSize + 1)
    case "object":
      guard let values = mapValues else { return 0 }
      if let maxProperties { return UInt64(maxProperties) }
      let minSize = values.celMinSerializedSize(resourceRoot: values.embeddedResource) ?? 1
      // Quotes, colon, comma and a one-character key around each value.
      return perRequest / (minSize + 6)
    case "string":
      switch format {
      case "byte": return maxLength.map { UInt64($0) } ?? perRequest
      case "duration", "date-time": return 32
      case "date": return 12
      default:
        if let maxLength { return UInt64(maxLength) &* 4 }
        if let enumValues, !enumValues.isEmpty {
          return enumValues.reduce(0) { longest, v in
            guard case .string(let s) = v else { return longest }
            return max(longest, UInt64(s.utf8.count))
          }
        }
        return perRequest
      }
    case "boolean", "number", "integer":
      return 0
    default:
      return nil
    }
  }

  /// The fewest bytes a value of this schema serializes to in JSON (Kubernetes'
  /// `DeclType.MinSerializedSize`); nil where Kubernetes exposes no type.
  func celMinSerializedSize(resourceRoot: Bool) -> UInt64? {
    if intOrString { return 1 }
    switch type {
    case "array": return items == nil ? nil : 2
    case "object":
      if mapValues != nil { return 2 }
      // `{}` plus every required property without a default.
      var size: UInt64 = 2
      for name in required {
        let propertySize: UInt64?
        if resourceRoot, ["apiVersion", "kind", "metadata"].contains(name) {
          propertySize = 2
        } else if let p = properties[name], p.defaultValue == nil {
          propertySize = p.celMinSerializedSize(resourceRoot: p.embeddedResource)
        } else {
          propertySize = nil
        }
        if let propertySize { size += UInt64(name.utf8.count) + propertySize + 4 }
      }
      return size
    case "string":
      switch format {
      case "duration": return 3
      case "date": return 12
      case "date-time": return 21
      default: return 2
      }
    case "boolean": return 4
    case "number", "integer": return 1
    default: return nil
    }
  }
}
