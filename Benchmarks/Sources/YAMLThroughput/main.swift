import CYAMLBench
import Foundation
import Objects
import YAML

// Measures, over the same bytes in the same process:
//   scan:   a bare libyaml event scan (parse every event, build nothing): the ceiling
//   decode: Mooring's manifest decoding (values, positions, Kubernetes scalar rules)
// and prints one JSON object with bytes, documents and seconds per pass for each.

func readCorpus(_ dir: String) -> [[UInt8]] {
  let fm = FileManager.default
  let names = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".yaml") }
  return names.sorted().compactMap { fm.contents(atPath: dir + "/" + $0).map { [UInt8]($0) } }
}

func scan(_ bytes: [UInt8]) -> Int {
  var events = 0
  let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
  defer { parser.deallocate() }
  yaml_parser_initialize(parser)
  defer { yaml_parser_delete(parser) }
  bytes.withUnsafeBufferPointer { buf in
    yaml_parser_set_input_string(parser, buf.baseAddress, buf.count)
    var event = yaml_event_t()
    while yaml_parser_parse(parser, &event) != 0 {
      let done = event.type == YAML_STREAM_END_EVENT
      yaml_event_delete(&event)
      events += 1
      if done { break }
    }
  }
  return events
}

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Best of `rounds` passes over the corpus, in seconds. What a pass returns is kept
/// alive until its clock has stopped (the Python peer does the same), so freeing the
/// decoded documents is not part of decoding them.
func best<R>(rounds: Int, count: (R) -> Int, _ body: () -> R) -> (seconds: Double, result: Int) {
  var bestTime = Double.infinity
  var result = 0
  for _ in 0..<rounds {
    let start = now()
    let r = body()
    bestTime = min(bestTime, now() - start)
    result = count(r)
  }
  return (bestTime, result)
}

let args = CommandLine.arguments
guard args.count >= 2 else {
  FileHandle.standardError.write(Data("usage: YAMLThroughput CORPUS_DIR [ROUNDS]\n".utf8))
  exit(2)
}
let corpus = readCorpus(args[1])
let rounds = args.count >= 3 ? Int(args[2]) ?? 5 : 5
let totalBytes = corpus.reduce(0) { $0 + $1.count }
let decoder = ManifestDecoder()

func scanAll() -> Int { corpus.reduce(0) { $0 + scan($1) } }
func decodeAll() -> [[ParsedDocument]] {
  corpus.map { file in
    let r = decoder.decode(file, file: nil)
    precondition(r.errors.isEmpty, "corpus must decode: \(r.errors)")
    return r.documents
  }
}
// A fourth argument `decode` skips the scan (for profiling the decoder alone).
let onlyDecode = args.count >= 4 && args[3] == "decode"
let scanned = onlyDecode ? (seconds: 0, result: 0) : best(rounds: rounds, count: { $0 }, scanAll)
let decoded = best(rounds: rounds, count: { $0.reduce(0) { $0 + $1.count } }, decodeAll)
let report: Value = [
  "bytes": .int(Int64(totalBytes)),
  "files": .int(Int64(corpus.count)),
  "documents": .int(Int64(decoded.result)),
  "events": .int(Int64(scanned.result)),
  "scan_seconds": .double(scanned.seconds),
  "decode_seconds": .double(decoded.seconds),
]
print(JSON.encode(report))
