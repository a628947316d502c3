/// Which files a tree walk returns: by extension and by gitignore-style patterns.
public struct GitFileFilter: Sendable, Hashable {
  /// Lower-case extensions without the dot; empty means every file.
  public var extensions: Set<String>
  /// Patterns relative to the repository root; ignored directories are not entered.
  public var ignore: GitIgnore

  /// Manifests: `.yaml`, `.yml` and `.json` files.
  public static let manifests = GitFileFilter(extensions: ["yaml", "yml", "json"])
  /// Every file.
  public static let all = GitFileFilter(extensions: [])

  /// Makes a filter.
  public init(extensions: Set<String>, ignore: GitIgnore = .none) {
    self.extensions = Set(extensions.map { $0.lowercased() })
    self.ignore = ignore
  }

  /// Returns this filter with `ignore` replaced.
  public func ignoring(_ ignore: GitIgnore) -> GitFileFilter {
    GitFileFilter(extensions: extensions, ignore: ignore)
  }

  func acceptsExtension(of name: String) -> Bool {
    guard !extensions.isEmpty else { return true }
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
    return extensions.contains(name[name.index(after: dot)...].lowercased())
  }
}
