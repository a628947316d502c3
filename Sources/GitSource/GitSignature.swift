/// Who made a commit and when.
public struct GitSignature: Sendable, Hashable {
  /// The name, as recorded.
  public var name: String
  /// The e-mail address, as recorded.
  public var email: String
  /// Seconds since 1970-01-01T00:00:00Z.
  public var time: Int64
  /// The author's offset from UTC, in minutes.
  public var utcOffsetMinutes: Int

  /// Makes a signature.
  public init(name: String, email: String, time: Int64, utcOffsetMinutes: Int) {
    self.name = name
    self.email = email
    self.time = time
    self.utcOffsetMinutes = utcOffsetMinutes
  }
}
