/// Prints rows as aligned columns (two spaces apart, the last column unpadded), the way
/// kubectl prints tables.
enum TextTable {
  static func render(_ rows: [[String]], separator: String = "  ") -> String {
    guard let columns = rows.map(\.count).max(), columns > 0 else { return "" }
    let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    var out = ""
    for row in rows {
      let cells = row.enumerated().map { i, cell in
        i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
      }
      out += cells.joined(separator: separator) + "\n"
    }
    return out
  }
}
