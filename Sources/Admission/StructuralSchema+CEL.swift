import CEL
import Objects

extension StructuralSchema {
  /// The CEL type rules see for a value of this schema: scalars by type and format
  /// (`byte` → bytes, `date`/`date-time` → timestamp, `duration` → duration), arrays as
  /// lists of their items, `additionalProperties` maps as `map(string, T)`, other objects
  /// `map(string, dyn)`; nullable, int-or-string and untyped values are `dyn`. This is the
  /// shape the cost estimator reasons about; rules are checked against the finer object
  /// types of `SchemaCELTypes`.
  public var celType: CELType {
    if intOrString || nullable { return .dyn }
    switch type {
    case "boolean": return .bool
    case "integer": return .int
    case "number": return .double
    case "string":
      switch format {
      case "byte": return .bytes
      case "date", "date-time", "datetime": return .timestamp
      case "duration": return .duration
      default: return .string
      }
    case "array": return .list(items?.celType ?? .dyn)
    case "object":
      if case .schema(let s)? = additionalProperties, properties.isEmpty {
        return .map(.string, s.celType)
      }
      return .map(.string, .dyn)
    default: return .dyn
    }
  }

  /// `value` as rules see it: declared property names escaped (`foo-bar` is
  /// `foo__dash__bar`), formatted strings converted to timestamps, durations and bytes,
  /// numbers typed by the schema. At a resource root (the object or an embedded
  /// resource) only `metadata.name` and `metadata.generateName` are visible.
  public func celValue(_ value: Value, resourceRoot: Bool = false) -> CELValue {
    switch value {
    case .string(let s) where type == "string":
      switch format {
      case "byte": return Base64.decode(s).map { CELValue.bytes($0) } ?? .string(s)
      case "date":
        return SchemaFormat.parseDate(Array(s.utf8)).flatMap {
          CELTimestamp(seconds: $0 * 86_400).map { CELValue.timestamp($0) }
        } ?? .string(s)
      case "date-time", "datetime":
        return SchemaFormat.parseDateTime(s).map { CELValue.timestamp($0) } ?? .string(s)
      case "duration":
        return SchemaFormat.parseDuration(s).map { CELValue.duration($0) } ?? .string(s)
      default: return .string(s)
      }
    case .int(let i) where type == "number":
      return .double(Double(i))
    case .double(let d) where type == "integer" && d == d.rounded() && abs(d) < 9.2e18:
      return .int(Int64(d))
    case .list(let list):
      guard let items else { return CELValue(value) }
      return .list(list.map { items.celValue($0, resourceRoot: items.embeddedResource) })
    case .map(let map):
      var out = CELMap()
      for (key, member) in map {
        if resourceRoot && key == "metadata" {
          var meta = CELMap()
          for k in ["name", "generateName"] {
            if let v = member[k] { _ = meta.set(.string(k), CELValue(v)) }
          }
          _ = out.set(.string(key), .map(meta))
        } else if let p = properties[key] {
          guard let name = CELPropertyName.escape(key) else { continue }
          _ = out.set(.string(name), p.celValue(member, resourceRoot: p.embeddedResource))
        } else if case .schema(let s)? = additionalProperties {
          _ = out.set(.string(key), s.celValue(member, resourceRoot: s.embeddedResource))
        } else {
          _ = out.set(.string(key), CELValue(member))
        }
      }
      return .map(out)
    default:
      return CELValue(value)
    }
  }
}
