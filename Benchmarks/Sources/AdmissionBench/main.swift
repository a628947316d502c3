import Admission
import Foundation
import Objects
import YAML

// Admission throughput: the ValidatingAdmissionPolicies of policies/*/policy.yaml plus
// those of Benchmarks/peers/admission_policies.yaml (20 in all, with their bindings,
// parameter ConfigMaps and Namespaces), compiled once with
// `AdmissionChain().configuration(from:)`, then OBJECTS generated objects admitted one
// after the other through `configuration.admit(_:source:)`, single-threaded.
//
// Writes OUT_DIR/admission_set.json (the configuration and the requests, for the
// cel-expr-python peer) and OUT_DIR/mooring_outcomes.jsonl (one line per request: its
// denial messages, warnings and the policies that applied, for the comparison), then
// prints one JSON object: objects, policies, bindings, compile_seconds, rounds, seconds
// (best round), per_s, denied (objects refused), denials, warnings, applied (policy
// evaluations), by_policy (denials per policy).
//
// usage: AdmissionBench POLICIES_DIR EXTRA_YAML OUT_DIR [OBJECTS] [ROUNDS] [SEED]

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("AdmissionBench: \(message)\n".utf8))
  exit(1)
}

func loadYAML(_ path: String) -> [Value] {
  guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
  do {
    return try YAMLDecoder().decode([UInt8](data), file: path).map(\.value).filter { !$0.isNull }
  } catch {
    fail("\(path): \(error)")
  }
}

func write(_ path: String, _ bytes: [UInt8]) {
  guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
    fail("cannot write \(path)")
  }
}

let args = CommandLine.arguments
guard args.count >= 4 else {
  fail("usage: AdmissionBench POLICIES_DIR EXTRA_YAML OUT_DIR [OBJECTS] [ROUNDS] [SEED]")
}
let (policiesDir, extraPath, outDir) = (args[1], args[2], args[3])
let count = args.count > 4 ? Int(args[4]) ?? 10_000 : 10_000
let rounds = args.count > 5 ? Int(args[5]) ?? 3 : 3
let seed = args.count > 6 ? UInt64(args[6]) ?? 20_250_801 : 20_250_801

// The configuration: policies/ in directory order, then the benchmark's own file.
var configuration: [Value] = []
let dirs = ((try? FileManager.default.contentsOfDirectory(atPath: policiesDir)) ?? []).sorted()
for dir in dirs {
  let path = "\(policiesDir)/\(dir)/policy.yaml"
  if FileManager.default.fileExists(atPath: path) { configuration += loadYAML(path) }
}
configuration += loadYAML(extraPath)
let set = AdmissionObjectSet(configuration)
let policyCount = set.validatingAdmissionPolicies().count
let bindingCount = set.validatingAdmissionPolicyBindings().count

let compileStart = now()
let config = AdmissionChain().configuration(from: set)
let compileSeconds = now() - compileStart
if !config.errors.isEmpty {
  fail("the configuration has errors:\n" + config.errors.map { "  \($0)" }.joined(separator: "\n"))
}

var workload = Workload(seed: seed)
let generated = workload.requests(count)
let requests = generated.map {
  AdmissionRequest(operation: $0.operation, object: $0.object, oldObject: $0.oldObject)
}
var exchange = ValueMap()
exchange["seed"] = .int(Int64(seed))
exchange["configuration"] = .list(set.objects)
exchange["requests"] = .list(generated.map(\.json))
write(outDir + "/admission_set.json", JSON.encodeBytes(.map(exchange)))

// One pass that records every outcome (also the warm-up), outside the clock.
var denied = 0
var denials = 0
var warnings = 0
var applied = 0
var byPolicy: [String: Int] = [:]
var outcomes: [UInt8] = []
for request in requests {
  let response = config.admit(request, source: set)
  if !response.allowed { denied += 1 }
  denials += response.denials.count
  warnings += response.warnings.count
  for d in response.denials { byPolicy[d.policy ?? "<schema>", default: 0] += 1 }
  let appliedPolicies = response.policies.filter(\.applied).map { Value.string($0.policy) }
  applied += appliedPolicies.count
  var line = ValueMap()
  line["d"] = .list(response.denials.map { .string($0.message) })
  line["w"] = .list(response.warnings.map { .string($0) })
  line["a"] = .list(appliedPolicies)
  outcomes += JSON.encodeBytes(.map(line))
  outcomes.append(UInt8(ascii: "\n"))
}
write(outDir + "/mooring_outcomes.jsonl", outcomes)

// Timed rounds: admit every request; the best round counts.
var best = Double.infinity
for _ in 0..<max(1, rounds) {
  var refused = 0
  let start = now()
  for request in requests where !config.admit(request, source: set).allowed { refused += 1 }
  best = min(best, now() - start)
  if refused != denied { fail("a round denied \(refused) objects, the first pass \(denied)") }
}

var result = ValueMap()
result["objects"] = .int(Int64(requests.count))
result["policies"] = .int(Int64(policyCount))
result["bindings"] = .int(Int64(bindingCount))
result["compile_seconds"] = .double(compileSeconds)
result["rounds"] = .int(Int64(max(1, rounds)))
result["seconds"] = .double(best)
result["per_s"] = .double(Double(requests.count) / best)
result["denied"] = .int(Int64(denied))
result["denials"] = .int(Int64(denials))
result["warnings"] = .int(Int64(warnings))
result["applied"] = .int(Int64(applied))
result["by_policy"] = .map(
  ValueMap(byPolicy.sorted { $0.key < $1.key }.map { ($0.key, Value.int(Int64($0.value))) }))
print(JSON.encode(.map(result)))
