import ArgumentParser

/// A usage problem found after parsing (a path that does not exist, say): exit status 2.
struct UsageError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
