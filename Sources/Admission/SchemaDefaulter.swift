import Objects

/// Structural defaulting as kube-apiserver does it: first `null` members that are not
/// nullable and have no default are removed, then every absent (or non-nullable
/// `null`) property with a `default` gets a copy of it, outside in, so the defaults of
/// nested fields apply inside defaulted values too.
public enum SchemaDefaulter {
  /// Removes non-nullable nulls without defaults, then applies defaults, in place.
  public static func apply(_ value: inout Value, schema: StructuralSchema) {
    pruneNulls(&value, schema)
    setDefaults(&value, schema)
  }

  static func pruneNulls(_ value: inout Value, _ s: StructuralSchema) {
    switch value {
    case .map(var m):
      value = .null
      for key in m.keys {
        guard let child = s.schema(forMember: key), var member = m[key] else { continue }
        if member.isNull {
          if !child.nullable && child.defaultValue == nil { m[key] = nil }
          continue
        }
        m[key] = .null
        pruneNulls(&member, child)
        m[key] = member
      }
      value = .map(m)
    case .list(var l):
      guard let items = s.items else { return }
      value = .null
      for i in l.indices { pruneNulls(&l[i], items) }
      value = .list(l)
    default:
      break
    }
  }

  static func setDefaults(_ value: inout Value, _ s: StructuralSchema) {
    switch value {
    case .map(var m):
      value = .null
      for name in s.propertyNames {
        guard let p = s.properties[name], let d = p.defaultValue else { continue }
        switch m[name] {
        case nil: m[name] = d
        case .null? where !p.nullable: m[name] = d
        default: break
        }
      }
      for key in m.keys {
        guard let child = s.schema(forMember: key), var member = m[key] else { continue }
        if member.isNull, !child.nullable, let d = child.defaultValue { member = d }
        m[key] = .null
        setDefaults(&member, child)
        m[key] = member
      }
      value = .map(m)
    case .list(var l):
      guard let items = s.items else { return }
      value = .null
      for i in l.indices {
        if l[i].isNull, !items.nullable, let d = items.defaultValue { l[i] = d }
        setDefaults(&l[i], items)
      }
      value = .list(l)
    default:
      break
    }
  }
}
