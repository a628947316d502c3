import Objects

/// Turns a manifest file's bytes into the objects it declares, as kubectl reads them:
/// YAML streams (or a JSON document for `.json` files), empty documents skipped, every
/// document a mapping, and `kind: List` (or any `*List` kind with `items`) expanded into
/// its items.
public struct ManifestDecoder: Sendable {
  public var yaml: YAMLDecoder

  public init(yaml: YAMLDecoder = YAMLDecoder()) { self.yaml = yaml }

  /// The objects of one file and every error found in it, each with its position.
  public func decode(_ bytes: [UInt8], file: String?, json: Bool = false) -> (
    documents: [ParsedDocument], errors: [YAMLError]
  ) {
    var documents: [ParsedDocument]
    var errors: [YAMLError] = []
    if json {
      do {
        documents = [try JSON.decodeDocument(bytes)]
      } catch {
        return ([], [YAMLError(file: file, position: error.position, message: error.message)])
      }
    } else {
      let stream = yaml.decodeCollectingErrors(bytes, file: file)
      documents = stream.documents
      errors = stream.errors
    }
    var out: [ParsedDocument] = []
    for doc in documents {
      switch doc.value {
      case .null:
        continue  // an empty document
      case .map(let m):
        if let items = listItems(m) {
          for (i, item) in items.enumerated() {
            let path = ValuePath([.key("items"), .index(i)])
            guard case .map = item else {
              let pos = doc.position(of: path)
              errors.append(
                YAMLError(
                  file: file, position: pos,
                  message: "items[\(i)] of a \(m["kind"]?.stringValue ?? "List") is "
                    + "\(item.typeName), not an object"))
              continue
            }
            out.append(
              ParsedDocument(
                value: item, source: doc.source.subtree(at: path, in: doc.value),
                index: doc.index))
          }
        } else {
          out.append(doc)
        }
      default:
        errors.append(
          YAMLError(
            file: file, position: doc.source.position,
            message: "document \(doc.index + 1) is \(article(doc.value)), not a mapping: "
              + "a manifest must be an object with apiVersion, kind and metadata"))
      }
    }
    errors.sort { $0.position < $1.position }
    return (out, errors)
  }

  func listItems(_ m: ValueMap) -> [Value]? {
    guard let kind = m["kind"]?.stringValue, kind == "List" || kind.hasSuffix("List"),
      case .list(let items)? = m["items"]
    else { return nil }
    return items
  }

  func article(_ v: Value) -> String {
    switch v {
    case .list: return "a sequence"
    case .string: return "a string"
    case .int, .double: return "a number"
    case .bool: return "a boolean"
    default: return "a scalar"
    }
  }
}
