/// A gitignore-style matcher over paths relative to the repository root, as used for a
/// GitRepository's `ignore` patterns.
///
/// Rules (those of gitignore): blank lines and `#` comments are skipped; `!` re-includes;
/// a trailing `/` matches directories only; a pattern with a `/` anywhere but at the end is
/// anchored at the root (a leading `/` only anchors), otherwise it matches a name at any
/// depth; `*`, `?` and `[...]` do not cross `/`; `**/` matches any number of leading
/// directories, `/**` everything inside, `/**/` zero or more directories. The last matching
/// pattern wins, and nothing inside an ignored directory can be re-included, because
/// walkers never descend into it.
public struct GitIgnore: Sendable, Hashable {
  struct Pattern: Sendable, Hashable {
    var negated: Bool
    var directoryOnly: Bool
    var anchored: Bool
    var segments: [[UInt8]]
  }

  let patterns: [Pattern]

  /// No patterns: nothing is ignored.
  public static let none = GitIgnore(lines: [])

  /// Patterns one per line, as in a `.gitignore` file or a `spec.ignore` block.
  public init(_ text: String) {
    self.init(
      lines: text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(
        String.init))
  }

  /// Patterns one per element.
  public init(lines: [String]) {
    patterns = lines.compactMap(Self.parse)
  }

  /// Whether there are no patterns.
  public var isEmpty: Bool { patterns.isEmpty }

  /// Whether `path` (relative to the root, `/`-separated) is ignored by the patterns alone,
  /// without regard to its parents. Walkers call this for every directory before
  /// descending, which gives gitignore's parent-exclusion rule.
  public func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
    let components = path.split(separator: "/").map { Array($0.utf8) }
    guard !components.isEmpty else { return false }
    var ignored = false
    for pattern in patterns {
      if pattern.directoryOnly && !isDirectory { continue }
      if Self.matches(pattern, components) { ignored = !pattern.negated }
    }
    return ignored
  }

  /// Whether `path` or any of its parent directories is ignored.
  public func isExcluded(_ path: String, isDirectory: Bool) -> Bool {
    let components = path.split(separator: "/")
    var prefix = ""
    for (index, component) in components.enumerated() {
      prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
      let last = index == components.count - 1
      if isIgnored(prefix, isDirectory: last ? isDirectory : true) { return true }
    }
    return false
  }

  static func parse(_ line: String) -> Pattern? {
    var text = Substring(line)
    if text.hasSuffix("\r") { text = text.dropLast() }
    // Trailing spaces are ignored unless escaped.
    while text.hasSuffix(" ") && !text.hasSuffix("\\ ") { text = text.dropLast() }
    guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
    var negated = false
    if text.hasPrefix("!") {
      negated = true
      text = text.dropFirst()
    } else if text.hasPrefix("\\!") || text.hasPrefix("\\#") {
      text = text.dropFirst()
    }
    var directoryOnly = false
    if text.hasSuffix("/") {
      directoryOnly = true
      while text.hasSuffix("/") { text = text.dropLast() }
    }
    var anchored = text.contains("/")
    if text.hasPrefix("/") {
      anchored = true
      text = text.drop(while: { $0 == "/" })
    }
    guard !text.isEmpty else { return nil }
    let segments = text.split(separator: "/").map { Array($0.utf8) }
    if segments.first == Array("**".utf8) && segments.count > 1 { anchored = true }
    return Pattern(
      negated: negated, directoryOnly: directoryOnly, anchored: anchored, segments: segments)
  }

  static func matches(_ pattern: Pattern, _ components: [[UInt8]]) -> Bool {
    guard pattern.anchored else {
      // A bare name matches the last component at any depth.
      return GlobMatcher.matches(pattern.segments[0], components[components.count - 1])
    }
    return matchSegments(pattern.segments[...], components[...])
  }

  private static let doubleStar = Array("**".utf8)

  private static func matchSegments(
    _ segments: ArraySlice<[UInt8]>, _ components: ArraySlice<[UInt8]>
  )
    -> Bool
  {
    guard let segment = segments.first else { return components.isEmpty }
    if segment == doubleStar {
      let rest = segments.dropFirst()
      // A trailing `/**` matches everything inside, so at least one component.
      if rest.isEmpty { return !components.isEmpty }
      var tail = components
      while true {
        if matchSegments(rest, tail) { return true }
        guard !tail.isEmpty else { return false }
        tail = tail.dropFirst()
      }
    }
    guard let component = components.first, GlobMatcher.matches(segment, component) else {
      return false
    }
    return matchSegments(segments.dropFirst(), components.dropFirst())
  }
}
