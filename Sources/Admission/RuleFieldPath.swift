import Objects

/// The `fieldPath` of a validation rule: `.spec.replicas`, `.labels['app.io/name']`,
/// resolved against the schema the rule is on, as Kubernetes' `ValidFieldPath` does
/// (field and map-key steps only; no list indexes).
enum RuleFieldPath {
  struct Problem: Error {
    var message: String
  }

  /// The path `text` names under `schema`, or why it names nothing.
  static func resolve(_ text: String, in schema: StructuralSchema) -> Result<ValuePath, Problem> {
    var components: [ValuePath.Component] = []
    var node = schema
    let chars = Array(text)
    var i = 0
    guard !chars.isEmpty else { return .failure(Problem(message: "must not be empty")) }

    func step(_ name: String) -> Problem? {
      if !node.properties.isEmpty {
        guard let p = node.properties[name] else {
          return Problem(message: "does not refer to a valid field")
        }
        node = p
      } else if case .schema(let s)? = node.additionalProperties {
        node = s
      } else {
        return Problem(message: "does not refer to a valid field")
      }
      components.append(.key(name))
      return nil
    }

    while i < chars.count {
      switch chars[i] {
      case ".":
        i += 1
        var name = ""
        while i < chars.count, chars[i] != ".", chars[i] != "[" {
          name.append(chars[i])
          i += 1
        }
        guard !name.isEmpty else {
          return .failure(Problem(message: "unexpected end of JSON path"))
        }
        if let p = step(name) { return .failure(p) }
      case "[":
        i += 1
        guard i < chars.count, chars[i] == "'" else {
          return .failure(Problem(message: "expected single quoted string"))
        }
        i += 1
        var name = ""
        var closed = false
        while i < chars.count {
          if chars[i] == "\\", i + 1 < chars.count {
            name.append(chars[i + 1])
            i += 2
            continue
          }
          if chars[i] == "'" {
            closed = true
            i += 1
            break
          }
          name.append(chars[i])
          i += 1
        }
        guard closed, i < chars.count, chars[i] == "]" else {
          return .failure(Problem(message: "unexpected end of JSON path"))
        }
        i += 1
        if let p = step(name) { return .failure(p) }
      default:
        return .failure(Problem(message: "expected [ or . but got: \(chars[i])"))
      }
    }
    return .success(ValuePath(components))
  }
}
