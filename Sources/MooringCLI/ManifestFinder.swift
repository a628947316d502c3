import Foundation

/// Finds manifest files (`.yaml`, `.yml`, `.json`) under paths, in a stable order,
/// skipping hidden files and folders (`.git`).
struct ManifestFinder {
  static let extensions: Set<String> = ["yaml", "yml", "json"]

  /// Every manifest file under `paths`; a path that does not exist is a `UsageError`.
  static func files(under paths: [String]) throws -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for path in paths {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
        throw UsageError("no such file or directory: \(path)")
      }
      if !isDir.boolValue {
        out.append(path)
        continue
      }
      guard let walker = fm.enumerator(atPath: path) else { continue }
      var found: [String] = []
      while let rel = walker.nextObject() as? String {
        let name = (rel as NSString).lastPathComponent
        if name.hasPrefix(".") {
          walker.skipDescendants()
          continue
        }
        let ext = (name as NSString).pathExtension.lowercased()
        guard extensions.contains(ext) else { continue }
        let full = path.hasSuffix("/") ? path + rel : path + "/" + rel
        var sub: ObjCBool = false
        if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
      }
      out.append(contentsOf: found.sorted())
    }
    return out
  }
}
